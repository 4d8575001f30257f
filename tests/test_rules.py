from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.errors import RuleFileError
from provenance.article.extract import extract_article
from provenance.models import Article, Document, Metadata, Zone
from provenance.rules.engine import (
    CATEGORIES,
    RuleContext,
    RuleSet,
    apply_rules,
    load_rules,
    rules_dir,
    rules_in,
    run_example,
    run_examples,
)

from .conftest import FIXTURES

RULES = load_rules()
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)


def _example_cases() -> list[object]:
    cases: list[object] = []
    for rule in RULES.rules:
        for kind in ("match", "no-match", "todo-match"):
            for index in range(len(rule.examples[kind])):
                marks = [pytest.mark.xfail(strict=True, reason="known miss")] if kind == "todo-match" else []
                cases.append(pytest.param(rule.id, kind, index, id=f"{rule.id}/{kind}/{index}", marks=marks))
    return cases


@pytest.mark.parametrize(("rule_id", "kind", "index"), _example_cases())
def test_rule_example(rule_id: str, kind: str, index: int) -> None:
    result = run_example(RULES, RULES.get(rule_id), kind, index)
    if kind == "no-match":
        assert not result.findings, result.reason
    else:
        assert result.findings, result.reason or "expected a finding"


def test_run_examples_all_pass() -> None:
    results = run_examples(RULES)
    assert results and all(r.ok for r in results), [r.id for r in results if not r.ok]
    assert {r.id for r in results} >= {"ai-leftover-as-an-ai-model/no-match/0", "encoding-mojibake/match/0"}


def test_every_category_has_real_coverage() -> None:
    for category in CATEGORIES:
        rules = [r for r in RULES.rules if r.category == category]
        examples = sum(len(r.examples["match"]) for r in rules)
        negatives = sum(len(r.examples["no-match"]) for r in rules)
        assert rules and examples >= 3 and negatives >= 3, category


def test_rules_have_examples_and_unique_ids() -> None:
    ids = [r.id for r in RULES.rules]
    assert len(ids) == len(set(ids))
    for rule in RULES.rules:
        assert rule.examples["match"] and rule.examples["no-match"], rule.id
        assert rule.source.endswith(f"/{rule.id}.yaml")
        assert rule.description and rule.message


def test_version_names_the_rule_files() -> None:
    assert RULES.version.startswith("rules-") and len(RULES.version) == len("rules-") + 12
    assert load_rules().version == RULES.version
    assert RULES.registry.for_domain("english.news.cn") is not None


def test_builtin_rules_dir_is_the_checkout_rules() -> None:
    assert (rules_dir() / "sources" / "registry.yaml").is_file()


# Malformed rule files -------------------------------------------------------------------

VALID = """\
id: stuffing
category: seo-spam
severity: warning
description: Casino words.
message: "spam: '{match}'"
zones: [spam, footer]
patterns: ['\\bcasino\\b']
examples:
  match: ["online casino here"]
  no-match: ["a quiet town"]
"""


def _write(folder: Path, text: str, name: str = "seo/stuffing.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("severity: warning", "severity: critical"), "severity: expected info|warning|error, got 'critical'"),
        (("category: seo-spam", "category: spam"), "category: expected ai-disclosure|"),
        (("id: stuffing", "id: other-id"), "id: expected 'stuffing' (the file name), got 'other-id'"),
        (("zones: [spam, footer]", "zones: [sidebar]"), "zones[0]: expected page, body-span or a zone kind"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['(casino']"), "patterns[0]: not a valid RE2 regular expression"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['x*']"), "patterns[0]: the pattern matches the empty string"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['(?<!online )casino']"),
         "patterns[0]: uses look-behind (?<!...), which needs a backtracking engine"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['casino(?= bonus)']"), "patterns[0]: uses look-ahead (?=...)"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['(casino) and \\1']"), "patterns[0]: uses a back-reference"),
        (("patterns: ['\\bcasino\\b']", "patterns: ['casino', 'x++y']"), "patterns[1]: uses a possessive quantifier"),
        (("patterns: ['\\bcasino\\b']", ""), "patterns: missing (a rule needs patterns or a check)"),
        (("patterns: ['\\bcasino\\b']", "check: no-such-check"), "check: expected one of "),
        (("no-match: [\"a quiet town\"]", "no-match: []"), "examples.no-match: expected at least one example"),
        (("no-match: [\"a quiet town\"]", "no-match: [no]"), "examples.no-match[0]: expected a quoted string or a mapping, got False"),
        (("message: \"spam: '{match}'\"", "message: \"spam {thing}\""), "message: unknown placeholder {thing}"),
        (("description: Casino words.", "description: Casino words.\nseverty: info"), "severty: unknown field"),
        (("examples:", "examples:\n  maybe: ['x']"), "examples.maybe: unknown field"),
        (("zones: [spam, footer]", "zones: [spam, footer]\nparams: {x: 1}"), "params: only a rule with a check takes params"),
        (("severity: warning", "severity: [warning"), "not valid YAML"),
        # a check's lexicon is rule data too: its entries run on RE2 and are refused at load time
        (("patterns: ['\\bcasino\\b']", "check: keyword-stuffing\nparams: {terms: [casino, 'slots?(?= online)']}"),
         "params.terms[1]: uses look-ahead (?=...), which needs a backtracking engine"),
        (("patterns: ['\\bcasino\\b']", "check: spam-block\nparams: {cues: ['police|\\d*']}"),
         "params.cues[0]: the pattern matches the empty string"),
        (("patterns: ['\\bcasino\\b']", "check: rights-off-domain\nparams: {notices: ['(all rights']}"),
         "params.notices[0]: not a valid RE2 regular expression"),
    ],
)
def test_malformed_rule_file_names_file_and_field(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in VALID
    _write(tmp_path, VALID.replace(change[0], change[1]))
    with pytest.raises(RuleFileError) as caught:
        load_rules([tmp_path])
    assert caught.value.source == f"{tmp_path}/seo/stuffing.yaml"
    assert message in caught.value.message
    assert str(caught.value).startswith(f"{tmp_path}/seo/stuffing.yaml: ")


def test_a_rule_set_checked_once_compiles_its_patterns_when_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading compiles and checks every pattern; once a rule set has passed, the next load of the same
    files defers each pattern to its first use. The findings are the same, and a bad file is refused
    every time (it never passes)."""
    monkeypatch.setenv("PROVENANCE_CACHE", str(tmp_path / "cache"))
    _write(tmp_path / "mine", VALID)
    first = load_rules([tmp_path / "mine"])
    second = load_rules([tmp_path / "mine"])
    assert first.version == second.version
    mine = [r for r in second.rules if r.id == "stuffing"][0]
    assert all(p._compiled is not None for r in first.rules for p in r.patterns)
    assert all(p._compiled is None for p in mine.patterns)  # not compiled until a page reaches it
    for slug in CASES[:6]:
        assert _audit(slug, first)[1] == _audit(slug, second)[1]
    _write(tmp_path / "bad", VALID.replace("patterns: ['\\bcasino\\b']", "patterns: ['(casino']"))
    for _ in range(2):
        with pytest.raises(RuleFileError, match="not a valid RE2"):
            load_rules([tmp_path / "bad"])


def test_the_file_name_gives_the_id_when_it_is_omitted(tmp_path: Path) -> None:
    _write(tmp_path, VALID.replace("id: stuffing\n", ""))
    ruleset = load_rules([tmp_path])
    assert "stuffing" in {rule.id for rule in ruleset.rules}


def test_every_bad_rule_file_is_reported_at_once(tmp_path: Path) -> None:
    _write(tmp_path, VALID.replace("severity: warning", "severity: critical"), "seo/stuffing.yaml")
    _write(tmp_path, VALID.replace("id: stuffing", "id: stuffing-two").replace("category: seo-spam", "category: spam"),
           "seo/stuffing-two.yaml")
    _write(tmp_path, VALID.replace("id: stuffing", "id: fine"), "seo/fine.yaml")
    with pytest.raises(RuleFileError) as caught:
        load_rules([tmp_path])
    text = str(caught.value)
    assert text.startswith("2 problems in rule files:")
    assert f"{tmp_path}/seo/stuffing.yaml: severity: expected info|warning|error, got 'critical'" in text
    assert f"{tmp_path}/seo/stuffing-two.yaml: category: expected ai-disclosure|" in text
    assert "fine.yaml" not in text


def test_style_guide_error_shape(tmp_path: Path) -> None:
    _write(tmp_path, VALID.replace("severity: warning", "severity: critical"))
    with pytest.raises(RuleFileError) as caught:
        load_rules([tmp_path])
    assert str(caught.value) == f"{tmp_path}/seo/stuffing.yaml: severity: expected info|warning|error, got 'critical'"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("params: {terms: ['casino'], min-terms: many}", "params.min-terms: expected a number, got 'many'"),
        ("params: {terms: 'casino'}", "params.terms: expected a list of quoted strings"),
        ("params: {colour: red}", "params.colour: unknown parameter of check 'keyword-stuffing'"),
    ],
)
def test_bad_check_params(tmp_path: Path, params: str, message: str) -> None:
    text = VALID.replace("patterns: ['\\bcasino\\b']", f"check: keyword-stuffing\n{params}")
    _write(tmp_path, text)
    with pytest.raises(RuleFileError, match=message):
        load_rules([tmp_path])


def test_check_param_choices(tmp_path: Path) -> None:
    text = VALID.replace("patterns: ['\\bcasino\\b']", "check: missing-metadata\nparams: {field: colour}")
    _write(tmp_path, text)
    with pytest.raises(RuleFileError, match="params.field: expected byline|date|title, got 'colour'"):
        load_rules([tmp_path])


def test_duplicate_id_and_alias(tmp_path: Path) -> None:
    builtin = rules_dir() / "encoding" / "encoding-mojibake.yaml"
    _write(tmp_path, builtin.read_text(encoding="utf-8"), "mine/encoding-mojibake.yaml")
    with pytest.raises(RuleFileError, match="id: 'encoding-mojibake' is already defined in rules/encoding/encoding-mojibake.yaml"):
        load_rules([tmp_path])
    shutil.rmtree(tmp_path / "mine")
    _write(tmp_path, VALID + "aliases: [encoding-lost-characters]\n")
    with pytest.raises(RuleFileError, match="already defined"):
        load_rules([tmp_path])


def test_missing_user_folder(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not a folder of rules"):
        load_rules([tmp_path / "nowhere"])


def test_bad_registry_file(tmp_path: Path) -> None:
    _write(tmp_path, "sources:\n  - name: Orlan Daily\n    kind: tabloid\n", "sources/extra.yaml")
    with pytest.raises(RuleFileError) as caught:
        load_rules([tmp_path])
    assert str(caught.value).startswith(f"{tmp_path}/sources/extra.yaml: sources[0].kind: expected wire-agency|")


# A user folder -----------------------------------------------------------------------------


def test_user_rule_folder_adds_rules_and_sources(tmp_path: Path) -> None:
    _write(tmp_path, VALID.replace("severity: warning", "severity: info") + "aliases: [old-stuffing]\n")
    _write(tmp_path, "sources:\n  - name: Orlan Daily\n    domains: [orlandaily.example]\n    kind: newspaper\n", "sources/local.yaml")
    rules = load_rules([tmp_path])
    assert len(rules.rules) == len(RULES.rules) + 1
    assert rules.version != RULES.version
    assert rules.get("old-stuffing").id == "stuffing"
    assert rules.registry.for_name("orlan daily") is not None
    assert [r.ok for r in run_examples(rules, ["stuffing"])] == [True, True]
    article = extract_article(Document("p.txt", "text", "Big win tonight\n\nThe town council met on Tuesday and approved the budget.\n\nCopyright 2025 Casino Town News. All rights reserved.\n", "0" * 64))
    found = [f for f in apply_rules(article, rules, RuleContext(now=NOW)) if f.rule_id == "stuffing"]
    assert found and found[0].matched.lower() == "casino" and found[0].severity == "info"


def test_findings_carry_offsets_into_page_text() -> None:
    text = "Rail deal signed\n\nBy Ana Ruiz | 3 May 2025\n\nThe mayorâ€™s office said the deal was signed on Friday after two years of talks.\n"
    article = extract_article(Document("p.txt", "text", text, "0" * 64))
    findings = apply_rules(article, RULES, RuleContext(now=NOW))
    assert [f.rule_id for f in findings] == ["encoding-mojibake"]
    finding = findings[0]
    assert finding.start is not None and finding.end is not None
    assert article.page_text[finding.start : finding.end] == finding.matched == "â€™"
    assert finding.zone == "body" and finding.category == "encoding" and "â€™" in finding.message


def test_patterns_not_reads_the_sentence() -> None:
    rule = RULES.get("ai-leftover-as-an-ai-model")
    assert rule.patterns_not
    text = "Prices rose. \"As an AI, I cannot vote,\" the bot replied. As an AI language model, I cannot browse."
    article = extract_article(Document("p.txt", "text", "Bot test\n\n" + text + "\n", "0" * 64, Metadata(published="2025-01-01")))
    found = [f for f in apply_rules(article, RULES, RuleContext(now=NOW)) if f.rule_id == rule.id]
    assert len(found) == 1 and found[0].matched == "As an AI language model,"


# Whole articles --------------------------------------------------------------------------

ARTICLES = FIXTURES / "articles"
CASES = sorted(p.name[: -len(".expected.json")] for p in ARTICLES.glob("*.expected.json"))


def _audit(slug: str, rules: RuleSet) -> tuple[dict[str, object], list[str]]:
    spec = json.loads((ARTICLES / f"{slug}.expected.json").read_text(encoding="utf-8"))
    page = next(p for p in ARTICLES.glob(f"{slug}.*") if not p.name.endswith(".json"))
    hints = Metadata(url=spec.get("url"), published=spec.get("published"), byline=spec.get("byline"))
    doc = Document(page.name, spec["kind"], page.read_text(encoding="utf-8"), "0" * 64, hints)
    article = extract_article(doc)
    now = dt.datetime.fromisoformat(spec["now"]).replace(tzinfo=dt.timezone.utc)
    findings = apply_rules(article, rules, RuleContext(now=now))
    for finding in findings:
        if finding.start is not None and finding.end is not None:
            assert article.page_text[finding.start : finding.end] == finding.matched
    return spec, [f.rule_id for f in findings]


@pytest.mark.parametrize("slug", CASES)
def test_whole_article(slug: str) -> None:
    spec, found = _audit(slug, RULES)
    must, must_not = set(spec["must"]), set(spec["must_not"])  # type: ignore[call-overload]
    assert must <= set(found), f"missing: {sorted(must - set(found))}"
    assert not must_not & set(found), f"unexpected: {sorted(must_not & set(found))}"
    if spec.get("exact"):
        assert set(found) == must, f"unexpected: {sorted(set(found) - must)}"


def test_there_are_whole_article_cases() -> None:
    assert len(CASES) >= 8


def test_inputs_restrict_a_rule_to_kinds_of_input(tmp_path: Path) -> None:
    _write(tmp_path, VALID.replace("zones: [spam, footer]", "zones: [footer]\ninputs: [html]"))
    rules = load_rules([tmp_path])
    text = "Big win tonight\n\nThe town council met on Tuesday and approved the budget.\n\nCopyright 2025 Casino Town News. All rights reserved.\n"
    article = extract_article(Document("p.txt", "text", text, "0" * 64))
    assert not [f for f in apply_rules(article, rules, RuleContext(now=NOW)) if f.rule_id == "stuffing"]
    _write(tmp_path, VALID.replace("zones: [spam, footer]", "zones: [footer]\ninputs: [pdf]"))
    with pytest.raises(RuleFileError, match=r"inputs\[0\]: expected text\|html\|record, got 'pdf'"):
        load_rules([tmp_path])


def test_scrape_rules_skip_publisher_html() -> None:
    for rule in RULES.rules:
        if rule.category == "scrape-artifact":
            assert rule.inputs == ("text", "record"), rule.id


def test_rules_in_a_folder(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    rules = load_rules([tmp_path])
    assert rules_in(rules, tmp_path) == ["stuffing"]
    assert len(rules_in(rules, Path("rules"))) == len(RULES.rules)
    assert [r.id for r in run_examples(rules, rules_in(rules, tmp_path))] == ["stuffing/match/0", "stuffing/no-match/0"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_gives_findings_inside_the_page(text: str) -> None:
    article = Article("t", "text", "0" * 64, text, text, (Zone("body", 0, len(text)),))
    for finding in apply_rules(article, RULES, RuleContext(now=NOW)):
        if finding.start is not None and finding.end is not None:
            assert 0 <= finding.start < finding.end <= len(text)
            assert text[finding.start : finding.end] == finding.matched


def test_lexicons_screened_over_the_page_have_no_anchored_term() -> None:
    """The AI-disclosure and spam checks screen the whole page with their lexicons and read only the zones
    a term may be in; one term with an anchor (``\\b``, ``^``, ``$``) makes every zone a candidate."""
    from provenance.rules.lexicons import lexicon

    checked = 0
    for rule in load_rules().rules:
        if rule.check not in ("authorship-statement", "spam-block"):
            continue
        for name, value in rule.params.items():
            if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
                assert lexicon(tuple(value)).is_screenable, f"{rule.id}: {name} holds an anchored term"
                checked += 1
    assert checked >= 20
