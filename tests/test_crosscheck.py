from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from provenance.corpus.crosscheck import check_article, compare_copies
from provenance.article.extract import extract_article
from provenance.article.facts import extract_facts
from provenance.ingest.readers import read_inputs
from provenance.models import AlignedPair, Article, Disagreement, Document, Zone
from provenance.article.sentences import split_sentences

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def article(text: str, published: str | None = "2024-10-03", page: str | None = None, zones: tuple[Zone, ...] = ()) -> Article:
    return Article("test.txt", "text", "0" * 64, page or text, text, zones, published=published)


def pairs_by_order(text: str, other: str) -> list[AlignedPair]:
    """Sentence i of one text against sentence i of the other (the tests' copies keep their order)."""
    return [
        AlignedPair(text[a:b], other[c:d], 90.0, a, b, c, d)
        for (a, b), (c, d) in zip(split_sentences(text), split_sentences(other), strict=True)
    ]


def compare(text: str, other: str, *, published: str = "2024-10-03", other_published: str = "2024-10-03",
            is_update: bool = False) -> list[Disagreement]:  # fmt: skip
    mine, theirs = article(text, published), article(other, other_published)
    pairs = pairs_by_order(text, other)
    return compare_copies(mine, extract_facts(mine), theirs, extract_facts(theirs), pairs, is_update=is_update)


TRADE = "Bilateral trade reached {} last year, up 12.7 percent year-on-year, the ministry said."
MEETINGS = "Xi and Putin have met {} times, establishing close working links, the ambassador said."

# sentence, its copy -> the disagreements expected, as (kind, value, other_value)
COPIES = [
    # tolerated: rounding and paraphrase
    (TRADE.format("$240.1 billion"), TRADE.format("$240 billion"), []),
    (MEETINGS.format("over 40"), MEETINGS.format("more than 40"), []),
    (TRADE.format("$84.2 billion"), TRADE.format("$84.2 billion").replace("12.7 percent", "12.7%"), []),
    ("Police arrested seven people at the scene on Monday.", "Police arrested 7 people at the scene on Monday.", []),
    ("About 40 people were hurt in the blast, officials said.", "42 people were hurt in the blast, officials said.", []),
    ("The strike lasted two weeks before talks resumed in the city.", "The strike lasted 14 days before talks resumed in the city.", []),
    ("The channel will be dredged to 17 metres by late 2027, he said.", "The channel will be dredged to 17 metres by late 2027, he said.", []),
    ("The loan of $9.5 billion was approved by the board on Tuesday.", "The loan of $10 billion was approved by the board on Tuesday.", []),
    ("About $240 billion was traded last year, the ministry said.", "$240.1 billion was traded last year, the ministry said.", []),
    # changed figures: a figure written to the unit is taken at its word
    ("Police said 1,000 people attended the rally in the city.", "Police said 1,005 people attended the rally in the city.",
     [("count", "1,000", "1,005")]),
    ("She finished second in the final race, officials said.", "She finished third in the final race, officials said.",
     [("ordinal", "second", "third")]),
    ("The firm cut 240 jobs at the plant, the union said.", "The firm cut 248 jobs at the plant, the union said.",
     [("count", "240", "248")]),
    (TRADE.format("$84.2 billion"), TRADE.format("$48.2 billion"), [("money", "$84.2 billion", "$48.2 billion")]),
    (MEETINGS.format("more than 30"), MEETINGS.format("more than 40"), [("count", "more than 30", "more than 40")]),
    (MEETINGS.format("more than 30"), MEETINGS.format("25"), [("count", "more than 30", "25")]),
    (TRADE.format("$84.2 billion"), TRADE.format("$84.2 billion").replace("12.7", "21.7"), [("percent", "12.7 percent", "21.7 percent")]),
    ("The presidents exchanged messages on Wednesday to mark the day.", "The presidents exchanged messages on Thursday to mark the day.",
     [("weekday", "Wednesday", "Thursday")]),
    ("The commission was co-founded by the two countries in 1971.", "The commission was co-founded by the two countries in 1972.",
     [("year", "1971", "1972")]),
    ("Valdoria is now Seravand's fifth-largest trading partner, the ministry said.",
     "Valdoria is now Seravand's eighth-largest trading partner, the ministry said.",
     [("rank", "fifth-largest trading partner", "eighth-largest trading partner")]),
    ("The company reported a fourth quarter decline in vaccine sales.", "The company reported a third quarter decline in vaccine sales.",
     [("ordinal", "fourth", "third")]),
    ("Protesters gathered on the eve of the one-year anniversary of the invasion.",
     "Protesters gathered on the eve of the one-month anniversary of the invasion.",
     [("anniversary", "one-year anniversary", "one-month anniversary")]),
    ("SoftBank agreed to inject $6.5 billion into WeWork and fund a $3 billion buyout, including $1 billion for shares.",
     "SoftBank agreed to inject $1.5 billion into WeWork and fund a $3 billion buyout, including $1 billion for shares.",
     [("money", "$6.5 billion", "$1.5 billion")]),
    ("Relations were established on Oct 2, 1964 with a consular agreement.", "Relations were established on Oct 2, 1965 with a consular agreement.",
     [("date", "Oct 2, 1964", "Oct 2, 1965")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "other", "expected"), COPIES)
def test_compare_copies_flags_changed_figures_and_tolerates_paraphrase(
    text: str, other: str, expected: list[tuple[str, str, str]]
) -> None:
    rows = compare(text, other)
    assert [(r.kind, r.value, r.other_value) for r in rows] == expected
    for row in rows:
        assert row.status == "disagreement"
        assert row.rule_id == f"copy-{row.kind}-differs"
        assert 0.5 <= row.confidence <= 1
        assert row.value and row.other_value and row.value in row.reason and row.other_value in row.reason
        assert (row.sentence, row.other_sentence) == (text, other)


def test_a_relative_year_agrees_with_the_year_it_resolves_to() -> None:
    text = "Bilateral trade grew strongly last year, according to the ministry."
    other = "Bilateral trade grew strongly in 2023, according to the ministry."
    assert compare(text, other) == []
    assert [r.kind for r in compare(text, other, published="2025-03-01")] == ["year"]


def test_a_later_version_of_the_same_url_is_an_update() -> None:
    (row,) = compare(TRADE.format("$84.2 billion"), TRADE.format("$48.2 billion"), is_update=True)
    assert (row.status, row.value, row.other_value) == ("update", "$84.2 billion", "$48.2 billion")
    assert "later version" in row.reason


def test_sentences_that_only_share_a_figure_are_not_compared() -> None:
    text = "The ministry said trade reached $84.2 billion."
    other = "Fans paid $48.2 billion for football tickets in Europe and Asia combined over a decade."
    assert compare(text, other) == []


def test_unaltered_excerpted_and_rewritten_examples_agree() -> None:
    docs = {Path(d.location).name: extract_article(d) for d in read_inputs([str(EXAMPLES / "text")]) if isinstance(d, Document)}
    east, korsa, meridian = (docs[n] for n in (
        "eastwire_valdoria_seravand_60_years.txt", "korsadaily_60_years_rewrite.txt", "meridiandigest_ai_summary.txt"))  # fmt: skip
    facts = {name: extract_facts(a) for name, a in docs.items()}
    for other in (korsa, meridian):
        pairs = [_pair(east, other, "84.2 billion"), _pair(east, other, "more than 30 times"), _pair(east, other, "1971")]
        rows = compare_copies(east, facts[Path(east.location).name], other, facts[Path(other.location).name], pairs, is_update=False)
        assert rows == [], other.location


def test_the_example_with_one_changed_fact_is_found() -> None:
    items = read_inputs([str(EXAMPLES / "text" / "eastwire_valdoria_seravand_60_years.txt"), str(EXAMPLES / "records.jsonl")])
    docs = [extract_article(d) for d in items if isinstance(d, Document)]
    east, record = docs[0], next(a for a in docs if a.location.endswith(":2"))
    pairs = [_pair(east, record, "Valdoria's Ministry of Commerce"), _pair(east, record, "more than 30 times")]
    (row,) = compare_copies(east, extract_facts(east), record, extract_facts(record), pairs, is_update=False)
    assert (row.kind, row.value, row.other_value, row.status) == ("money", "$84.2 billion", "$48.2 billion", "disagreement")
    assert row.confidence >= 0.9


def _pair(article: Article, other: Article, needle: str) -> AlignedPair:
    (a, b) = next(s for s in split_sentences(article.text) if needle in article.text[s[0] : s[1]])
    (c, d) = next(s for s in split_sentences(other.text) if needle in other.text[s[0] : s[1]])
    return AlignedPair(article.text[a:b], other.text[c:d], 80.0, a, b, c, d)


# within one article

SEED_000 = (
    "Xi exchanged congratulations with Putin on the 70th anniversary of the establishment of diplomatic ties "
    "between the two countries. The former Soviet Union was the first country to establish diplomatic relations "
    "with the People's Republic of China the day after its founding on Oct 1, 1949."
)

CHECKS = [
    # anniversary arithmetic
    (SEED_000, "2024-10-02", [("anniversary-arithmetic", "2019", "2024")]),
    (SEED_000, "2019-10-01", []),
    ("The 70th anniversary of ties established in 1949 was marked with a gala.", "2024-10-02", [("anniversary-arithmetic", "2019", "2024")]),
    ("As next year marks the 20th anniversary of the treaty signed in 2001, Xi made a proposal.", "2020-12-29", []),
    ("The two countries will celebrate the 80th anniversary of ties established in 1949.", "2024-05-16", []),
    ("Xi stressed that this year marks the 75th anniversary of diplomatic relations.", "2024-05-16", []),
    ("The 70th anniversary of ties established in 1949 was marked with a gala.", "2020-01-06", []),  # reported just after new year
    # weekday that does not fit the date it names
    ("The talks were held on Thursday, Oct. 2, 2024, in Pelmeth.", "2024-10-03", [("weekday-mismatch", "Thursday", "2024-10-02 (Wednesday)")]),
    ("The talks were held on Wednesday, Oct. 2, 2024, in Pelmeth.", "2024-10-03", []),
    ("The talks were held on Wed, 2 Oct 2024 in Pelmeth.", "2024-10-03", []),
    ("The vote is on Friday, Oct. 3.", "2024-10-01", [("weekday-mismatch", "Friday", "2024-10-03 (Thursday)")]),
    # future publication date
    ("Trade grew.", "2027-01-01", [("future-date", "2027-01-01", "2026-01-05T09:00:00+00:00")]),
    ("Trade grew.", "2026-01-05T08:00:00+00:00", []),
    ("Trade grew.", "2026-01-05", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "expected"), CHECKS)
def test_check_article_finds_inconsistencies(text: str, published: str, expected: list[tuple[str, str, str]]) -> None:
    rows = check_article(article(text, published), extract_facts(article(text, published)), NOW)
    assert [(r.rule_id, r.value, r.other_value) for r in rows] == expected
    for row in rows:
        assert row.status == "inconsistency"
        assert 0.5 <= row.confidence <= 1
        assert row.value and row.value in row.reason


def test_anniversary_arithmetic_names_the_values_it_compared() -> None:
    (row,) = check_article(article(SEED_000, "2024-10-02"), extract_facts(article(SEED_000, "2024-10-02")), NOW)
    assert "'70th anniversary'" in row.reason and "Oct 1, 1949" in row.reason and "2019" in row.reason and "2024-10-02" in row.reason
    assert row.other_sentence is not None and "Oct 1, 1949" in row.other_sentence


def test_an_undated_article_gets_its_implied_date() -> None:
    (row,) = check_article(article(SEED_000, None), extract_facts(article(SEED_000, None)), NOW)
    assert (row.rule_id, row.value, row.other_value, row.confidence) == ("implied-date", "2019-10", None, 0.6)
    assert "1949" in row.reason


def test_the_implied_date_is_set_against_the_page_around_it() -> None:
    body = "The presidents marked the 60th anniversary of diplomatic relations established in 1964 on Wednesday."
    footer = "© 2026 Meridian Digest. All rights reserved."
    related = "Valdoria Unveils Plan to Phase Out Coal Power by 2035"
    page = f"{body}\n{related}\n{footer}"
    zones = (Zone("body", 0, len(body)), Zone("related", len(body) + 1, len(body) + 1 + len(related)),
             Zone("footer", len(page) - len(footer), len(page)))  # fmt: skip
    undated = article(body, None, page, zones)
    (row,) = check_article(undated, extract_facts(undated), NOW)
    assert (row.rule_id, row.value, row.other_value, row.confidence) == ("implied-date", "2024", "2026", 0.85)
    assert "2035" not in row.reason


def test_the_bundled_ai_summary_is_dated_by_its_content() -> None:
    (doc,) = [d for d in read_inputs([str(EXAMPLES / "text" / "meridiandigest_ai_summary.txt")]) if isinstance(d, Document)]
    summary = extract_article(doc)
    rows = check_article(summary, extract_facts(summary), NOW)
    assert [(r.rule_id, r.value, r.other_value) for r in rows] == [("implied-date", "2024", "2026")]
