"""Staleness: old content presented as new.

An anniversary fixes the year a story was written: "the 70th anniversary of
diplomatic ties", established in 1949, is 2019. The facts stage gives such a
fact as ``Fact(kind="anniversary", value="70", resolved="2019")``. A page is
stale when

- it has no date and that year is ``min-years`` or more before the audit
  time (``now``), or
- it is dated ``min-years`` or more after that year (an old story re-dated).

An anniversary whose sentence writes the year itself ("in 2019, the 70th
anniversary...") or places it in the past ("two years ago", "last year") is
history, not the story's own time, and is skipped, as is one that lies in the
future ("next year marks the 20th anniversary").

When the facts stage gives no anniversary at all (or was not run), the check
reads the body itself, simply: an ordinal anniversary and a year in the same
or the next sentence. An anniversary fact without a resolved year is trusted:
the facts stage found no base year, and the check does not guess one.

``stale-dateline`` reads the dateline that opens the body ("ORLAN, Oct 1,
2019 (Agency) -"): a full date there ``min-years`` before the page's date, or
before the audit on an undated page, is an old wire story re-run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .checks import CheckCall, Hit, check, sentence_span
from ..models import Article

__all__ = ["Anniversary", "find_anniversaries", "stale_anniversary", "stale_dateline"]

_WORD_ORDINALS = {
    "tenth": 10, "twentieth": 20, "twenty-fifth": 25, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
    "sixtieth": 60, "seventieth": 70, "seventy-fifth": 75, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "one-hundredth": 100,
}  # fmt: skip
_ANNIVERSARY = re.compile(
    r"\b(?:(?P<n>\d{1,3})(?:st|nd|rd|th)|(?P<w>" + "|".join(sorted(_WORD_ORDINALS, key=len, reverse=True)) + r"))\s+anniversary\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d,.$])(1[6-9]\d{2}|20\d{2})(?!\d|,\d)")
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+|\n")
_PAST = re.compile(r"\b(?:years? ago|last year|the previous year|back then|at the time)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Anniversary:
    """An anniversary and the year it falls in. Offsets are into the text it was read from."""

    year: int
    text: str
    sentence: str
    start: int
    end: int


def find_anniversaries(text: str, latest_year: int) -> list[Anniversary]:
    """Anniversaries of ``text`` whose base year is written in the same or the next sentence."""
    found = []
    for match in _ANNIVERSARY.finditer(text):
        ordinal = int(match.group("n")) if match.group("n") else _WORD_ORDINALS[match.group("w").lower()]
        start, end = sentence_span(text, match.start(), match.end())
        following = _next_sentence(text, end)
        for year_match in _YEAR.finditer(text[start:following]):
            base = int(year_match.group(1))
            if 1900 <= base + ordinal <= latest_year:
                found.append(Anniversary(base + ordinal, match.group(0), text[start:end], match.start(), match.end()))
                break
    return found


def _next_sentence(text: str, end: int) -> int:
    found = _SENTENCE_BREAK.search(text, end + 1)
    return found.start() + 1 if found else len(text)


@check("stale-anniversary", {"min-years": 2}, ("year", "anniversary", "published"))
def stale_anniversary(call: CheckCall) -> list[Hit]:
    """An anniversary that dates the story ``min-years`` before the audit or the page's date."""
    article = call.article
    published = _year(article.published)
    reference = published if published is not None else call.now.year
    for found in _anniversaries(call):
        if found.year > reference or str(found.year) in found.sentence or _PAST.search(found.sentence):
            continue
        if reference - found.year >= call.number("min-years"):
            start = _locate(article, found)
            fields = {
                "year": str(found.year),
                "anniversary": found.text,
                "published": article.published or "no date",
            }
            end = None if start is None else start + len(found.text)
            return [Hit(found.text, start, end, fields)]
    return []


def _anniversaries(call: CheckCall) -> Iterator[Anniversary]:
    """The facts stage's anniversaries with a resolved year; the check's own reading when it gave none."""
    given = [fact for fact in call.facts if fact.kind == "anniversary"]
    for fact in given:
        if fact.resolved and fact.resolved[:4].isdigit():
            yield Anniversary(int(fact.resolved[:4]), fact.text, fact.sentence, fact.start, fact.end)
    if not given:
        yield from find_anniversaries(call.article.text, call.now.year + 1)


def _year(published: str | None) -> int | None:
    return int(published[:4]) if published and published[:4].isdigit() else None


def _locate(article: Article, found: Anniversary) -> int | None:
    """The offset in ``page_text`` of an anniversary read from the body."""
    sentence_at = article.page_text.find(found.sentence.strip()[:80])
    if sentence_at >= 0:
        inner = article.page_text.find(found.text, sentence_at)
        if inner >= 0:
            return inner
    at = article.page_text.find(found.text)
    return at if at >= 0 else None


_DATELINE_PLACE = re.compile(r"^\W*(?:[A-Z][\w.'’ -]{1,40},\s*)?$")
_DATELINE_END = re.compile(r"^\s*(?:\([^)\n]{1,30}\)\s*)?(?:--|—|–|-|:)")


@check("stale-dateline", {"min-years": 2}, ("published",))
def stale_dateline(call: CheckCall) -> list[Hit]:
    """The body opens with a full dated dateline ("ORLAN, Oct 1, 2019 (Agency) -") that lies
    ``min-years`` or more before the page's date, or before the audit when the page has none."""
    from ..article.dates import find_dates

    article = call.article
    first = next((z for z in article.zones if z.kind == "body"), None)
    if first is None:
        return []
    head = article.zone_text(first)[:90]
    dates = find_dates(head)
    if not dates or not _DATELINE_PLACE.match(head[: dates[0].start]) or not _DATELINE_END.match(head[dates[0].end :]):
        return []
    written = dates[0].date
    published = article.published or ""
    reference = dt.date.fromisoformat(published[:10]) if _is_iso_date(published) else call.now.date()
    if (reference - written).days < 365 * call.number("min-years"):
        return []
    start = first.start + dates[0].start
    fields = {"published": article.published or "no date"}
    return [Hit(dates[0].raw, start, start + len(dates[0].raw), fields)]


def _is_iso_date(value: str | None) -> bool:
    return bool(value and re.match(r"^\d{4}-\d{2}-\d{2}", value))
