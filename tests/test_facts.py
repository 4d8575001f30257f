from __future__ import annotations

from pathlib import Path

import pytest

from provenance.article.extract import extract_article
from provenance.article.facts import extract_facts
from provenance.ingest.readers import read_inputs
from provenance.models import Article, Document, Fact
from provenance.article.numbers import parse_number, parse_ordinal
from provenance.article.sentences import split_sentences

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ANY = object()


def article(text: str, published: str | None = None) -> Article:
    return Article("test.txt", "text", "0" * 64, text, text, (), published=published)


def fact(text: str, written: str, published: str | None = None) -> Fact:
    found = [f for f in extract_facts(article(text, published)) if f.text == written]
    assert len(found) == 1, [(f.kind, f.text) for f in extract_facts(article(text, published))]
    return found[0]


# phrase, publication date, the fact as written -> kind, value, unit, qualifier, slot, resolved
FACTS = [
    # money, with currency and scale
    ("Annual bilateral trade reached $240.1 billion last year.", None, "$240.1 billion",
     "money", "240.1e9", "USD", None, "bilateral trade", None),
    ("The company guided for sales of $5bn in 2023.", None, "$5bn", "money", "5e9", "USD", None, "sales", None),
    ("The agreement is worth an estimated $1.6 billion.", None, "an estimated $1.6 billion",
     "money", "1.6e9", "USD", "an estimated", ANY, None),
    ("Exports to the bloc rose to €1.2 million.", None, "€1.2 million", "money", "1.2e6", "EUR", None, ANY, None),
    ("The city spent 20 million yuan on the bridge.", None, "20 million yuan", "money", "20e6", "CNY", None, ANY, None),
    # percentages
    ("Trade was up 26.3 percent year-on-year.", None, "26.3 percent", "percent", "26.3", "percent", None, "increase", None),
    ("Output fell 4% in May.", None, "4%", "percent", "4", "percent", None, "decrease", None),
    ("Turnout rose by 2.5 percentage points.", None, "2.5 percentage points",
     "percent", "2.5", "percentage points", None, ANY, None),
    # counts with qualifier and noun
    ("Xi and Putin have met more than 40 times.", None, "more than 40", "count", "40", "times", "more than", "meetings", None),
    ("The two presidents have met over 30 times since 2012.", None, "over 30", "count", "30", "times", "over", "meetings", None),
    ("Around 870 infections have been reported, with 457 deaths in 21 countries.", None, "457",
     "count", "457", "deaths", None, "deaths", None),
    ("Police said the gunman executed seven in a pool house.", None, "seven", "count", "7", None, None, "executed", None),
    ("More than 210,000 people lined the river.", None, "More than 210,000", "count", "210000", "people", "more than", "people", None),
    ("The port will handle 4 million containers.", None, "4 million", "count", "4e6", "containers", None, ANY, None),
    # durations
    ("China has been Russia's top trading partner for 14 consecutive years.", None, "14 consecutive years",
     "duration", "14", "years", None, "trading partner", None),
    ("The brothers must spend another 30 days in detention.", None, "another 30 days", "duration", "30", "days", "another", ANY, None),
    ("The exhibition covers six decades of exchanges.", None, "six decades", "duration", "60", "years", None, ANY, None),
    ("In the past three quarters of a century, ties have grown.", None, "three quarters of a century",
     "duration", "75", "years", None, "past", None),
    # ranks: "eighth" is rank 8, not 1/8
    ("Russia has become China's eighth-largest trading partner.", None, "eighth-largest trading partner",
     "rank", "8", "largest", None, "trading partner", None),
    ("Valdoria is Seravand's fifth-largest trading partner.", None, "fifth-largest trading partner",
     "rank", "5", "largest", None, "trading partner", None),
    # ordinals and anniversaries: "seventy-fifth" is 75
    ("Wednesday marked the seventy-fifth anniversary of the founding of the club.", None, "seventy-fifth anniversary",
     "anniversary", "75", "years", None, "founding of the club", None),
    ("Xi spoke on the 75th anniversary of diplomatic relations.", None, "75th anniversary",
     "anniversary", "75", "years", None, "diplomatic relations", None),
    ("Protesters gathered on the eve of the one-year anniversary of the invasion.", None, "one-year anniversary",
     "anniversary", "1", "years", None, "invasion", None),
    ("Three-quarters of a century ago, Russia recognised the new state.", "2024-10-03", "Three-quarters of a century ago",
     "duration", "75", "years", None, "ago", "1949"),
    ("The company reported a fourth quarter decline in sales.", None, "fourth", "ordinal", "4", None, None, "quarter decline", None),
    ("Yields rose for a second straight session.", None, "second", "ordinal", "2", None, None, "straight session", None),
    ("It is the 21st century.", None, "21st", "ordinal", "21", None, None, "century", None),
    # years
    ("The two presidents have met often since 2012.", None, "2012", "year", "2012", "year", None, "since", None),
    ("He quoted a song from the 1940s.", None, "1940s", "year", "1940s", "year", None, None, None),
    # absolute dates in several shapes
    ("China was founded on Oct 1, 1949.", None, "Oct 1, 1949", "date", "1949-10-01", "day", None, None, None),
    ("The paper appeared on 16/05/2024.", None, "16/05/2024", "date", "2024-05-16", "day", None, None, None),
    ("Seravand became independent in September 1964.", None, "September 1964", "date", "1964-09", "month", None, "in", None),
    ("Yields were the highest since Jan. 18.", "2023-03-15", "Jan. 18", "date", "--01-18", "day", None, None, "2023-01-18"),
    # relative dates, resolved against the publication date (Thursday 2024-10-03)
    ("The talks took place on Wednesday.", "2024-10-03", "Wednesday", "weekday", "Wednesday", "day", None, None, "2024-10-02"),
    ("The talks took place on Thursday.", "2024-10-03", "Thursday", "weekday", "Thursday", "day", None, None, "2024-10-03"),
    ("Ministers will meet on Friday.", "2024-10-03", "Friday", "weekday", "Friday", "day", None, None, "2024-10-04"),
    ("They met last Thursday.", "2024-10-03", "last Thursday", "weekday", "Thursday", "day", None, "last", "2024-09-26"),
    ("The talks took place on Wednesday.", None, "Wednesday", "weekday", "Wednesday", "day", None, None, None),
    ("Trade grew fast last year.", "2024-10-03", "last year", "year", "last year", "year", None, None, "2023"),
    ("Trade will grow next year.", "2024-10-03T07:43:00+08:00", "next year", "year", "next year", "year", None, None, "2025"),
    ("Xi visited Russia in March last year.", "2024-05-16", "March last year",
     "date", "March last year", "month", None, None, "2023-03"),
    ("Xi visited Russia in March last year.", None, "March last year", "date", "March last year", "month", None, None, None),
    ("Police yesterday caught the gunman.", "2024-10-03", "yesterday", "date", "yesterday", "day", None, None, "2024-10-02"),
    ("Ministers meet in Pelmeth later this month.", "2024-10-02", "this month", "date", "this month", "month", None, None, "2024-10"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "written", "kind", "value", "unit", "qualifier", "slot", "resolved"),
    FACTS,
    ids=[f"{row[3]}:{row[2]}" for row in FACTS],
)
def test_extract_facts_reads_typed_normalised_facts(
    text: str, published: str | None, written: str, kind: str, value: str,
    unit: str | None, qualifier: str | None, slot: object, resolved: str | None,
) -> None:  # fmt: skip
    found = fact(text, written, published)
    assert (found.kind, found.value, found.unit, found.qualifier, found.resolved) == (kind, value, unit, qualifier, resolved)
    if slot is not ANY:
        assert found.slot == slot


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("The deal was signed on the 75th of the month.", {"year", "date", "ordinal"}),  # not 1975
        ("An eighth of the cake was eaten.", {"count", "ordinal", "rank", "percent"}),  # not 0.125
        ("The two countries agreed to deepen ties.", {"count"}),
        ("Line 4 finally opened to passengers.", {"count"}),
        ("Black Friday sales drew crowds.", {"weekday"}),
        ("The COVID-19 pandemic hit trade.", {"count", "year"}),
        ("Profound changes unseen in a century are under way.", {"duration"}),
    ],
)
def test_extract_facts_avoids_the_traps_of_general_parsers(text: str, absent: set[str]) -> None:
    kinds = {f.kind for f in extract_facts(article(text, "2024-10-03"))}
    assert not kinds & absent


def test_a_count_is_not_a_year() -> None:
    (found,) = extract_facts(article("Some 2000 people marched."))
    assert (found.kind, found.value, found.unit) == ("count", "2000", "people")


def test_offsets_and_sentences_point_into_the_body() -> None:
    text = "Mr. Smith arrived in the U.S. on Oct. 2, 2024. He met more than 40 officials.\n\nTrade rose 5%."
    facts = extract_facts(article(text))
    assert [f.text for f in facts] == ["Oct. 2, 2024", "more than 40", "5%"]
    for f in facts:
        assert text[f.start : f.end] == f.text
        assert text[f.sentence_start : f.sentence_end] == f.sentence
    assert facts[0].sentence == "Mr. Smith arrived in the U.S. on Oct. 2, 2024."


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Mr. Smith met Oct. 2 in the U.S. Senate. He left.", ["Mr. Smith met Oct. 2 in the U.S. Senate.", "He left."]),
        ("It grew 26.3 percent. Exports fell.", ["It grew 26.3 percent.", "Exports fell."]),
        ("He moved to the U.S. The company followed.", ["He moved to the U.S.", "The company followed."]),
        ('He said: "We won." Then he left.', ['He said: "We won."', "Then he left."]),
        ("First line\nSecond line", ["First line", "Second line"]),
    ],
)
def test_split_sentences_keeps_abbreviations(text: str, sentences: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text)] == sentences


@pytest.mark.parametrize(
    ("written", "number", "ordinal"),
    [("forty-two", 42, None), ("one hundred and five", 105, None), ("32,000", 32000, None),
     ("seventy-fifth", None, 75), ("eighth", None, 8), ("21st", None, 21), ("twenty first", None, 21)],
)  # fmt: skip
def test_number_words(written: str, number: int | None, ordinal: int | None) -> None:
    if number is not None:
        assert parse_number(written) == number
    if ordinal is not None:
        assert parse_ordinal(written) == ordinal


# anniversaries: value = N, slot = what, resolved = base year + N when the article states the base

ANNIVERSARIES = [
    ("Xi and Putin exchanged messages on the 70th anniversary of the establishment of diplomatic ties. "
     "The Soviet Union was the first country to establish diplomatic relations with the People's Republic "
     "of China the day after its founding on Oct 1, 1949.", None, "2019"),
    ("The presidents marked the 60th anniversary of the establishment of diplomatic relations between "
     "their countries in 1964 with an exchange of messages on Wednesday.", None, "2024"),
    ("The relationship began on Oct 2, 1964 with a consular agreement. He urged both governments to treat "
     "the 60th anniversary as a moment to set targets.", "2024-10-03", "2024"),
    ("Xi stressed that this year marks the 75th anniversary of diplomatic relations.", "2024-05-16", None),
    ("The two countries celebrated the 75th anniversary of the victory in 2020.", "2020-09-03", None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "published", "resolved"), ANNIVERSARIES)
def test_anniversary_is_resolved_from_a_stated_base_year(text: str, published: str | None, resolved: str | None) -> None:
    (found,) = [f for f in extract_facts(article(text, published)) if f.kind == "anniversary"]
    assert found.resolved == resolved


def _example_facts() -> dict[str, list[Fact]]:
    paths = [EXAMPLES / "text" / name for name in (
        "eastwire_valdoria_seravand_60_years.txt", "korsadaily_60_years_rewrite.txt", "meridiandigest_ai_summary.txt")]  # fmt: skip
    docs = [d for d in read_inputs([str(p) for p in paths]) if isinstance(d, Document)]
    return {Path(d.location).name: extract_facts(extract_article(d)) for d in docs}


def test_the_anniversary_family_states_the_same_facts() -> None:
    """examples/README.md: the facts every member of the Eastwire family states."""
    shared = {
        ("anniversary", "60", "2024"), ("count", "30", None), ("money", "84.2e9", None), ("percent", "12.7", None),
        ("duration", "9", None), ("rank", "5", None), ("rank", "1", None), ("year", "2012", None), ("year", "1971", None),
    }  # fmt: skip
    for name, facts in _example_facts().items():
        found = {(f.kind, f.value, f.resolved) for f in facts}
        assert shared <= found, (name, shared - found)
        meetings = [f for f in facts if f.kind == "count" and f.value == "30"]
        assert [(f.qualifier, f.slot) for f in meetings] == [("more than", "meetings")], name
        if not name.startswith("meridian"):
            assert ("date", "1964-10-02", None) in found
            assert ("weekday", "Wednesday", "2024-10-02") in found
