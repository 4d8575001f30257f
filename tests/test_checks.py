from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest

from provenance.rules.attribution import misspelled_credit, outlet_off_domain, rights_off_domain
from provenance.rules.checks import (
    CHECKS,
    CheckCall,
    duplicated_headline,
    keyword_stuffing,
    missing_metadata,
    script_block,
    select_zones,
    sentence_span,
)
from provenance.errors import RuleFileError
from provenance.models import Article, Fact, InputKind, Zone
from provenance.rules.registry import Registry, SourceEntry, load_registry, normalise_name
from provenance.rules.engine import load_rules
from provenance.rules.staleness import find_anniversaries, stale_anniversary, stale_dateline

REGISTRY = load_rules().registry
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)


def article(
    zones: list[tuple[str, str]],
    *,
    kind: InputKind = "text",
    domain: str | None = None,
    published: str | None = None,
    byline: str | None = None,
    site_name: str | None = None,
    credits: tuple[str, ...] = (),
) -> Article:
    """An article whose page is the given (zone kind, text) lines, one per line."""
    page, spans = "", []
    for zone_kind, text in zones:
        spans.append(Zone(zone_kind, len(page), len(page) + len(text)))
        page += text + "\n"
    body = "\n\n".join(text for zone_kind, text in zones if zone_kind == "body")
    return Article(
        location="t", kind=kind, raw_sha256="0" * 64, page_text=page, text=body, zones=tuple(spans),
        domain=domain, published=published, byline=byline, site_name=site_name, credits=credits,
    )  # fmt: skip


def call(
    item: Article,
    name: str,
    params: Mapping[str, object] | None = None,
    zones: tuple[str, ...] = ("page",),
    facts: tuple[Fact, ...] = (),
) -> CheckCall:
    return CheckCall(item, {**CHECKS[name].params, **(params or {})}, zones, NOW, facts, REGISTRY)


PROSE = "The council approved the new budget on Tuesday after a long debate about the cost of the tram line."

# Shared helpers ------------------------------------------------------------------------------


def test_select_zones_body_span_and_records() -> None:
    page = article([("title", "T"), ("body", PROSE), ("banner", "We use cookies"), ("body", PROSE), ("banner", "Accept")])
    assert [z.kind for z in select_zones(page, ("body-span",))] == ["body", "banner", "body"]
    assert len(select_zones(page, ("page",))) == 5
    assert [z.kind for z in select_zones(page, ("title", "banner"))] == ["title", "banner", "banner"]
    record = article([("body", PROSE), ("banner", "Sign up for our newsletter")], kind="record")
    assert len(select_zones(record, ("body-span",))) == 2


def test_sentence_span() -> None:
    text = "First one. Second, with a quote. Third?"
    start, end = sentence_span(text, text.index("quote"), text.index("quote") + 5)
    assert text[start:end] == "Second, with a quote."


# Keyword stuffing and script blocks -----------------------------------------------------------

CASINO = {"terms": ("online casinos?", "viagra", "cialis", "free spins", "payday loans?", "slot machines?", "sports betting")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("best online casino | cheap viagra | free spins | payday loans now | top news", True),
        ("online casino free spins viagra cialis payday loans", True),
        ("Online casinos, sports betting and slot machines all grew last year in Macau, the regulator said in its report.", False),
        ("online casino | viagra", False),
    ],
)
def test_keyword_stuffing(text: str, expected: bool) -> None:
    hits = keyword_stuffing(call(article([("spam", text)]), "keyword-stuffing", CASINO))
    assert bool(hits) is expected
    if hits:
        assert hits[0].start == 0 and int(hits[0].fields["count"]) >= 3


SPAM_LINE = "热门县| 白沙镇| 云岭区| 北湖市| 东坪县| 南溪镇| 石门县| 金川区| 临江市| 长宁县| 西岭镇|"


def test_script_block_on_english_page_only() -> None:
    english = article([("body", PROSE), ("footer", SPAM_LINE)])
    assert [h.matched for h in script_block(call(english, "script-block"))] == [SPAM_LINE]
    chinese = article([("body", "两国领导人星期二在首都举行会谈，双方同意扩大贸易、能源和交通领域的合作。" * 3), ("footer", SPAM_LINE)])
    assert script_block(call(chinese, "script-block")) == []
    quote = article([("body", PROSE + " 他说：“我们将继续扩大两国之间的合作，为两国人民带来更多福祉，共同维护地区和平与稳定。”")])
    assert script_block(call(quote, "script-block")) == []


# Page structure and metadata ---------------------------------------------------------------------


def test_duplicated_headline_ignores_related_lists() -> None:
    twice = article([("title", "Port deal signed"), ("title", "Port deal signed"), ("body", PROSE)])
    assert duplicated_headline(call(twice, "duplicated-headline"))[0].fields["count"] == "2"
    related = article([("title", "Port deal signed"), ("body", PROSE), ("related", "Port deal signed")])
    assert duplicated_headline(call(related, "duplicated-headline")) == []


@pytest.mark.parametrize(
    ("field", "kwargs", "expected"),
    [
        ("byline", {}, True),
        ("byline", {"byline": "Ana Ruiz"}, False),
        ("byline", {"credits": ("Xinhua",)}, False),
        ("date", {}, True),
        ("date", {"published": "2025-01-02"}, False),
    ],
)
def test_missing_metadata(field: str, kwargs: dict[str, object], expected: bool) -> None:
    item = article([("body", PROSE)], **kwargs)  # type: ignore[arg-type]
    hits = missing_metadata(call(item, "missing-metadata", {"field": field}))
    assert bool(hits) is expected
    if hits:
        assert hits[0].start is None and hits[0].fields == {"field": field}


# Attribution --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "text", "found", "expected"),
    [
        ("body", "ORLAN, May 2 (Reutres) - Prices rose.", "Reutres", "Reuters"),
        ("body", "The ministers met on Monday, Xinhue reports.", "Xinhue", "Xinhua"),
        ("body", "The figures were released on Friday, according to Asociated Press.", "Asociated Press", "Associated Press"),
        ("caption", "Photo: AFP/Ana Ruiz | Source: Bernamma", "Bernamma", "Bernama"),
        ("byline", "Europe/Xinhau 16/05/2024 17:54", "Xinhau", "Xinhua"),
        ("body", "ORLAN, May 2 (Reuters) - Prices rose.", None, None),
        ("body", "Researchers at Kyoto University said so, according to Kyodo.", None, None),
        ("body", "The quake shook Kyoto, according to Kyoto officials.", None, None),
        ("body", "The report was carried by Xinhuanet, according to Xinhuanet.", None, None),
        ("body", "Xinjiang reports record cotton harvest.", None, None),
        ("body", "He told Reuter that the plan was sound.", None, None),
    ],
)
def test_misspelled_credit(zone: str, text: str, found: str | None, expected: str | None) -> None:
    zones = ("title", "standfirst", "byline", "caption", "body", "footer")
    hits = misspelled_credit(call(article([(zone, text)]), "misspelled-credit", zones=zones))
    assert [(h.matched, h.fields["expected"]) for h in hits] == ([(found, expected)] if found else [])


def test_misspelled_credit_confidence_rises_with_the_correct_name_nearby() -> None:
    zones = ("body",)
    alone = misspelled_credit(call(article([("body", "Talks ended, Xinhue reports.")]), "misspelled-credit", zones=zones))
    both = article([("body", "Talks ended, Xinhue reports."), ("body", "More talks are due, Xinhua reports.")])
    paired = misspelled_credit(call(both, "misspelled-credit", zones=zones))
    assert alone[0].confidence == "medium" and paired[0].confidence == "high"


def test_outlet_off_domain_claims() -> None:
    footer = ("footer", "Copyright © 2025 Global Times. All rights reserved.")
    impostor = article([("body", PROSE), footer], domain="globaltimes-world.net")
    assert outlet_off_domain(call(impostor, "outlet-off-domain"))[0].fields == {"outlet": "Global Times", "domain": "globaltimes-world.net"}
    genuine = article([("body", PROSE), footer], domain="globaltimes.cn")
    assert outlet_off_domain(call(genuine, "outlet-off-domain")) == []
    undomained = article([("body", PROSE), footer])
    assert outlet_off_domain(call(undomained, "outlet-off-domain")) == []
    html = article([("body", PROSE)], kind="html", domain="example.org", site_name="CGTN")
    assert outlet_off_domain(call(html, "outlet-off-domain"))[0].fields["outlet"] == "CGTN"
    credit_only = article([("byline", "Source: Xinhua"), ("body", PROSE)], domain="example.org", site_name="Xinhua")
    assert outlet_off_domain(call(credit_only, "outlet-off-domain")) == []  # a text page's site name is not a claim
    subdomain = article([("masthead", "Xinhua"), ("body", PROSE)], domain="english.news.cn")
    assert outlet_off_domain(call(subdomain, "outlet-off-domain")) == []


NOTICES = {"notices": (r"reproduction in whole or in part without permission is prohibited", r"shall not be republished")}


@pytest.mark.parametrize(
    ("footer", "domain", "holder"),
    [
        ("Copyright ©1999-2025 Chinanews.com. All rights reserved. Reproduction in whole or in part without permission is prohibited.", "news-mirror.example", "Chinanews.com"),
        ("Copyright ©1999-2025 Chinanews.com. All rights reserved. Reproduction in whole or in part without permission is prohibited.", "ecns.cn", None),
        ("This content belongs to China Daily Information Co (CDIC) and shall not be republished.", "mirror.example", "China Daily Information Co"),
        ("© 2025 Eastwire-news.com. Reproduction in whole or in part without permission is prohibited.", "copysite.example", "Eastwire-news.com"),
        ("© 2025 Eastwire-news.com. Reproduction in whole or in part without permission is prohibited.", "eastwire-news.com", None),
        ("© 2025 Harbour Ledger Ltd. Reproduction in whole or in part without permission is prohibited.", "copysite.example", None),
    ],
)
def test_rights_off_domain(footer: str, domain: str, holder: str | None) -> None:
    hits = rights_off_domain(call(article([("body", PROSE), ("footer", footer)], domain=domain), "rights-off-domain", NOTICES))
    assert [h.fields["holder"] for h in hits] == ([holder] if holder else [])


# Staleness ------------------------------------------------------------------------------------------


def test_find_anniversaries() -> None:
    text = "They marked the 70th anniversary of ties. Ties were set up on Oct 1, 1949. The fiftieth anniversary of the club founded in 1975 fell on Monday."
    found = find_anniversaries(text, 2027)
    assert [(a.year, a.text) for a in found] == [(2019, "70th anniversary"), (2025, "fiftieth anniversary")]
    assert find_anniversaries("The 75th anniversary of the victory was marked.", 2027) == []


def _fact(resolved: str, sentence: str) -> Fact:
    start = sentence.index("70th")
    return Fact("anniversary", "70", "70th anniversary", sentence, start, start + 16, 0, len(sentence), resolved=resolved)


@pytest.mark.parametrize(
    ("published", "resolved", "sentence", "stale"),
    [
        (None, "2019", "They marked the 70th anniversary of ties on Wednesday.", True),
        (None, "2025", "They marked the 70th anniversary of ties on Wednesday.", False),
        ("2026-05-01", "2019", "They marked the 70th anniversary of ties on Wednesday.", True),
        ("2019-10-02", "2019", "They marked the 70th anniversary of ties on Wednesday.", False),
        (None, "2019", "In 2019 they marked the 70th anniversary of ties.", False),
        ("2018-01-01", "2019", "Next year marks the 70th anniversary of ties.", False),
    ],
)
def test_stale_anniversary_from_facts(published: str | None, resolved: str, sentence: str, stale: bool) -> None:
    item = article([("body", sentence)], published=published)
    hits = stale_anniversary(call(item, "stale-anniversary", facts=(_fact(resolved, sentence),)))
    assert bool(hits) is stale
    if hits:
        assert hits[0].fields["year"] == resolved and item.page_text[hits[0].start or 0 :].startswith("70th anniversary")


def test_facts_take_precedence_over_the_fallback() -> None:
    sentence = "They marked the 70th anniversary of ties. Ties were set up on Oct 1, 1949."
    item = article([("body", sentence)])
    assert stale_anniversary(call(item, "stale-anniversary"))  # fallback finds 2019
    assert not stale_anniversary(call(item, "stale-anniversary", facts=(_fact("2025", sentence),)))


@pytest.mark.parametrize(
    ("first", "published", "stale"),
    [
        ("ORLAN, Oct 1, 2019 (Reuters) - Talks resumed.", "2025-01-01", True),
        ("ORLAN, Oct 1, 2019 (Reuters) - Talks resumed.", None, True),
        ("ORLAN, Oct 1, 2025 (Reuters) - Talks resumed.", "2025-10-01", False),
        ("ORLAN, Oct 1 (Reuters) - Talks resumed.", None, False),
        ("The pact of Oct 1, 2019 - still in force - was praised.", "2025-01-01", False),
    ],
)
def test_stale_dateline(first: str, published: str | None, stale: bool) -> None:
    item = article([("body", first), ("body", PROSE)], published=published)
    assert bool(stale_dateline(call(item, "stale-dateline"))) is stale


# Registry ----------------------------------------------------------------------------------------------


def test_registry_lookups() -> None:
    assert normalise_name("The People’s Daily") == "peoples daily"
    assert REGISTRY.for_domain("english.news.cn") is REGISTRY.for_name("Xinhua")
    assert REGISTRY.for_name("China Daily Information Co") is REGISTRY.for_domain("chinadaily.com.cn")
    assert REGISTRY.for_name("Chinanews.com") is REGISTRY.for_domain("ecns.cn")
    assert REGISTRY.for_name("Orlan Daily") is None and REGISTRY.for_domain(None) is None
    entry = REGISTRY.for_domain("reuters.com")
    assert isinstance(entry, SourceEntry) and entry.prior == 0.9 and entry.kind == "wire-agency"
    assert "kyoto" in REGISTRY.ignore_credits
    budapest = REGISTRY.for_name("Budapest Post")
    assert budapest is not None and budapest.domains == () and not budapest.owns("budapest.example")


def test_registry_covers_the_major_agencies_and_seed_outlets() -> None:
    for name in ("Xinhua", "Reuters", "AP", "AFP", "TASS", "RIA Novosti", "Kyodo", "Yonhap", "ANSA", "dpa", "EFE", "PTI",
                 "Bernama", "Anadolu", "UPI", "China Daily", "ECNS", "Global Times", "CGTN", "People's Daily", "Budapest Post"):  # fmt: skip
        assert REGISTRY.for_name(name) is not None, name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sources:\n  - name: X\n    kind: newspaper\n    domains: ['http://x.com/']\n", "sources[0].domains[0]: expected a bare domain"),
        ("sources:\n  - name: X\n    kind: newspaper\n    prior: 2\n    prior_source: me\n", "sources[0].prior: expected a number from 0 to 1, got 2"),
        ("sources:\n  - name: X\n    kind: newspaper\n    prior: 0.5\n", "sources[0].prior_source: missing"),
        ("sources:\n  - name: X\n    kind: newspaper\n    domains: [a.com]\n  - name: Y\n    kind: newspaper\n    domains: [a.com]\n", "sources[1].domains: 'a.com' already belongs to X"),
        ("sources:\n  - kind: newspaper\n", "sources[0].name: missing"),
    ],
)
def test_registry_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "registry.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_registry([(path, "sources/registry.yaml")])
    assert message in str(caught.value) and caught.value.source == "sources/registry.yaml"


def test_empty_registry() -> None:
    assert Registry().for_name("Xinhua") is None and Registry().surfaces() == ()


# Precision guards ------------------------------------------------------------------------------------


def test_keyword_stuffing_spares_the_tags_of_an_on_topic_story() -> None:
    tags = ("footer", "Tags: casino, online casinos, sports betting, slot machines")
    story = article([("body", "Online casinos and sports betting grew while slot machines lost ground, the casino board said."), tags])
    params = {"terms": ("online casinos?", "sports betting", "slot machines?", "casino")}
    assert keyword_stuffing(call(story, "keyword-stuffing", params)) == []
    unrelated = article([("body", PROSE), tags])
    assert keyword_stuffing(call(unrelated, "keyword-stuffing", params))


def test_stale_anniversary_skips_past_framing() -> None:
    text = "The museum, which marked the 70th anniversary of its founding in 1954 two years ago, reopens on Friday."
    assert stale_anniversary(call(article([("body", text)], published="2026-03-01"), "stale-anniversary")) == []


def test_body_span_reaches_paragraphs_the_zoner_cut_off_by_a_banner() -> None:
    zones = [("title", "T"), ("standfirst", PROSE), ("banner", "We use cookies"), ("body", PROSE), ("body", PROSE),
             ("banner", "Sign up"), ("boilerplate", PROSE), ("footer", "© 2025 X")]  # fmt: skip
    assert [z.kind for z in select_zones(article(zones), ("body-span",))] == ["standfirst", "banner", "body", "body", "banner", "boilerplate"]
    deck = [("title", "T"), ("standfirst", "A short deck"), ("banner", "We use cookies"), ("body", PROSE)]
    assert [z.kind for z in select_zones(article(deck), ("body-span",))] == ["body"]


def test_syndicated_wire_copy_is_not_a_claim() -> None:
    syndicated = article([("body", PROSE), ("footer", "© ScienceLetter Pty Ltd. All rights reserved."), ("body", PROSE), ("footer", "© Reuters")],
                         kind="html", domain="scienceletter.example", site_name="Reuters")  # fmt: skip
    assert outlet_off_domain(call(syndicated, "outlet-off-domain")) == []
    masthead = article([("masthead", "Reuters"), ("body", PROSE)], domain="reuters-news24.example")
    assert outlet_off_domain(call(masthead, "outlet-off-domain"))[0].fields["outlet"] == "Reuters"


def test_rights_confidence_depends_on_the_page_own_copyright() -> None:
    notice = ("body", "© 2019 Associated Press. All Rights Reserved. This material shall not be republished.")
    licensed = article([("body", PROSE), notice, ("footer", "©2019 Harbour Broadcasting Inc.")], domain="harbourtv.example")
    copied = article([("body", PROSE), notice], domain="copysite.example")
    assert rights_off_domain(call(licensed, "rights-off-domain", NOTICES))[0].confidence == "medium"
    assert rights_off_domain(call(copied, "rights-off-domain", NOTICES))[0].confidence == "high"


def test_missing_byline_reads_a_by_line_the_extractor_missed() -> None:
    page_ = article([("boilerplate", "By Louis Jacobson on Monday, November 18th, 2019"), ("body", PROSE)])
    assert missing_metadata(call(page_, "missing-metadata", {"field": "byline"})) == []


def test_unresolved_anniversary_facts_are_trusted() -> None:
    sentence = "They marked the 70th anniversary of ties. Ties were set up on Oct 1, 1949."
    unresolved = Fact("anniversary", "70", "70th anniversary", sentence, 16, 32, 0, 41)
    assert stale_anniversary(call(article([("body", sentence)]), "stale-anniversary", facts=(unresolved,))) == []


@pytest.mark.parametrize(
    ("terms", "text", "found"),
    [
        # \w, \d and \s in a lexicon match in every script, as they do in Python's re
        (("génér\\w+",), "Cet article a été générée par une IA.", ["générée"]),
        (("\\d+ ?%",), "بنسبة ٤٥ % من", ["٤٥ %"]),
        (("generated\\sby",), "generated\u00a0by AI", ["generated\u00a0by"]),
        (("[^\\w ]+",), "word — word", ["—"]),
        # a term matches whole Latin words only, and another alternative may finish a cut one
        (("assist|assisted",), "AI assisted reporting; an assistant", ["assisted"]),
        # ... and so may a longer way through one alternative: "został" of "został|została" is passed over
        (("ta(?: \\w+)? (?:został|została)",), "Ta bajka została wygenerowana", ["Ta bajka została"]),
        (("Note:",), "Note:AI wrote it", ["Note:"]),
        (("AI",), "AI写的本文", ["AI"]),
    ],
)
def test_lexicon_terms_run_on_re2_with_unicode_classes(terms: tuple[str, ...], text: str, found: list[str]) -> None:
    from provenance.rules.lexicons import lexicon

    assert [text[s:e] for s, e in lexicon(terms).find(text)] == found


def test_lexicon_offsets_within_a_piece_are_offsets_into_the_text() -> None:
    from provenance.rules.lexicons import lexicon

    text = "casino casino. Then casino again."
    assert lexicon(("casino",)).find(text, 15, 27) == [(20, 26)]


def test_a_lexicon_skips_a_page_only_when_no_piece_of_it_can_match() -> None:
    from provenance.rules.lexicons import lexicon

    plain, anchored = lexicon(("casino", "[$€]\\d+")), lexicon(("^casino",))
    assert plain.is_screenable and not plain.may_occur("A quiet town council meeting.")
    assert plain.may_occur("Win €100 today")
    # "^" matches where a sentence starts inside a line, which the whole page may not show: never skipped
    assert not anchored.is_screenable and anchored.may_occur("A quiet town. casino") is True
    assert anchored.find("A quiet town. casino", 14) == [(14, 20)]


def test_a_long_lexicon_finds_in_pieces_what_its_single_pattern_finds() -> None:
    """The AI-disclosure agents (52 terms, several screening patterns) found piece by piece and merged: the
    same spans as the whole alternation, where terms overlap, share a start or are cut words."""
    import yaml

    from provenance.rules.lexicons import Lexicon, lexicon

    rule = Path(__file__).resolve().parents[1] / "rules" / "ai-disclosure" / "ai-disclosure-authorship-statement.yaml"
    terms = tuple(yaml.safe_load(rule.read_text(encoding="utf-8"))["params"]["agents"])
    pieced = lexicon(terms)
    assert len(pieced.screens) > 1
    whole = Lexicon(pieced.pattern, pieced.parts, pieced.is_screenable, (pieced.pattern,))
    texts = [
        "This article was generated by AI using a large language model and machine translation.",
        "Dieser Text wurde automatisch mit künstlicher Intelligenz übersetzt (Google Translate).",
        "本文由人工智能生成，经编辑审核。이 기사는 인공지능의 도움으로 작성되었습니다.",
        "An algorithm, a robot and ChatGPT-4o wrote it; the AIs and LLMs, by a machine.",
        "Nothing here names an agent of any kind.",
    ]
    for text in texts:
        assert pieced.find(text) == whole.find(text), text
        assert pieced.find(text, 5, 60) == whole.find(text, 5, 60), text


def test_lexicon_regions_are_the_zones_a_term_may_be_in() -> None:
    from provenance.rules.lexicons import lexicon

    page = "Home | News | Sport\nThe council met on Monday.\nBest online casino bonus here\nContact us"
    zones = []
    for line in page.split("\n"):
        start = page.index(line)
        zones.append(Zone("body", start, start + len(line)))
    found = lexicon(("casino bonus", "free spins")).regions(page, zones)
    assert [page[z.start : z.end] for z in found] == ["Best online casino bonus here"]
    assert lexicon(("free spins",)).regions(page, zones) == []
    # a term across two zones reaches into both
    across = lexicon(("monday\\.\\sbest",)).regions(page, zones)
    assert [page[z.start : z.end][:10] for z in across] == ["The counci", "Best onlin"]
