"""Time facts of one sentence: dates, months, weekdays, years, relative dates.

Helpers of the facts stage. Each finder reads one sentence and yields
``Hit`` values with offsets into that sentence. Relative expressions are
resolved against the article's publication date (``ref``):

    "on Wednesday"        latest Wednesday on or before ref (on or after it
                          after "will", "is due to"...; strictly before after
                          "last", strictly after after "next")
    "last year"           ref.year - 1            "in March last year" -> YYYY-03
    "Jan. 18"             the year that puts it nearest to ref (on or after it after "will")
    "yesterday"           ref - 1 day

The unresolved form stays in ``value``; the resolution goes to ``resolved``
(``None`` when the article has no date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .dates import MONTHS, find_dates

__all__ = ["Hit", "WEEKDAYS", "find_calendar_dates", "find_relative_dates", "find_years", "reference_date"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Hit:
    """A fact found in one sentence. ``start``/``end`` are offsets into that sentence."""

    kind: str
    value: str
    start: int
    end: int
    unit: str | None = None
    qualifier: str | None = None
    slot: str | None = None
    resolved: str | None = None


_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_SHORT_MONTHS = r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.|Jan|Feb|Aug|Sept?|Oct|Nov|Dec"
_MONTH = rf"(?P<month>{_FULL_MONTHS}|{_SHORT_MONTHS})"
_YEAR = r"(?P<year>(?:1[6-9]|20)\d\d)"
_DAY_ABBR = {"Mon": 0, "Tue": 1, "Tues": 1, "Wed": 2, "Thu": 3, "Thur": 3, "Thurs": 3, "Fri": 4, "Sat": 5, "Sun": 6}

_MONTH_YEAR = re.compile(rf"\b(?:(?:early|mid|late)[-\s])?{_MONTH},?\s+(?:of\s+)?{_YEAR}\b(?![.,]?\d)")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![.:]\d|,?\s+\d)")
_DAY_MONTH = re.compile(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?!\.?,?\s+\d)")
_MONTH_ALONE = re.compile(
    rf"\b(?P<prep>in|since|until|till|by|from|through|during|early|late|mid-|last|next|this|of)\s+"
    rf"(?P<month>{_FULL_MONTHS})\b(?!\s+\d)"
)
_MONTH_RELATIVE = re.compile(rf"\b(?P<month>{_FULL_MONTHS})\s+(?P<rel>last|this|next)\s+year\b")
_RELATIVE = re.compile(r"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext)\s+(?P<unit>year|month)\b(?!-)")
_NEARBY_DAY = re.compile(r"\b(?P<word>[Yy]esterday|[Tt]omorrow)\b")
_WEEKDAY = re.compile(
    r"(?:\b(?P<mod>last|next|this|Last|Next|This)\s+)?\b(?P<day>"
    + "|".join(WEEKDAYS)
    + r")\b(?:'s)?|\b(?P<abbr>Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?(?=,?\s+(?:\d|"
    + _FULL_MONTHS
    + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec))"
)
_HOLIDAY_BEFORE = re.compile(r"\b(?:Black|Good|Super|Ash|Cyber|Holy|Maundy|Easter|Bloody|Shrove|Giving|Small Business)\s+$")
_YEAR_TOKEN = re.compile(
    r"(?<![\w$€£¥/.,])(?:(?P<pre>pre|post|mid)-)?(?<![A-Za-z]-)(?P<year>(?:1[6-9]|20)\d\d)(?P<decade>s|'s)?(?![\w%]|[.,]\d)"
)
_FUTURE = re.compile(
    r"\b(?:will|shall|is to|are to|is due|are due|scheduled|is expected|are expected|plans? to|planned|is set to|are set to|going to)\b"
)
_NOT_PLURAL_NOUNS = frozenset(
    "was has is as its this always plus across thus whereas unless us yes his hers theirs ours towards afterwards".split()
)
_PLURALS = frozenset("people men women children police staff personnel cattle feet".split())
_COUNT_QUALIFIER = re.compile(r"\b(?:some|nearly|almost|roughly|approximately)\s+$", re.I)
_YEAR_PREPOSITIONS = frozenset(
    "in since by until till from to through before after during of between and early late mid around circa".split()
)


def reference_date(published: str | None) -> dt.date | None:
    """The date part of an ISO date or date-time, or ``None``."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def find_calendar_dates(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    """Dates and months: absolute first, then "March last year", "June 2023", "Jan. 18", "in June"."""
    for found in find_dates(sentence):
        yield Hit("date", found.date.isoformat(), found.start, found.end, "day", slot=_prep(sentence, found.start))
    yield from _month_relative(sentence, ref)
    yield from _partial_dates(sentence, ref)


def find_relative_dates(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    """Weekdays, "last year", "this month", "yesterday", resolved against ``ref``."""
    yield from _weekdays(sentence, ref)
    yield from _relative(sentence, ref)


def find_years(sentence: str) -> Iterator[Hit]:
    """Years standing alone ("in 1949", "since 2012", "the 1940s"), not counts ("2000 people")."""
    yield from _years(sentence)


def _month_number(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _month_relative(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    for m in _MONTH_RELATIVE.finditer(sentence):
        offset = {"last": -1, "this": 0, "next": 1}[m["rel"]]
        month = _month_number(m["month"])
        resolved = f"{ref.year + offset:04d}-{month:02d}" if ref else None
        yield Hit("date", f"{m['month']} {m['rel']} year", m.start(), m.end(), "month", resolved=resolved)


def _partial_dates(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    for m in _MONTH_YEAR.finditer(sentence):
        value = f"{m['year']}-{_month_number(m['month']):02d}"
        yield Hit("date", value, m.start(), m.end(), "month", slot=_prep(sentence, m.start()))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(sentence):
            month, day = _month_number(m["month"]), int(m["day"])
            if not 1 <= day <= 31:
                continue
            resolved = _resolve_month_day(month, day, ref, _is_future(sentence, m.start()))
            yield Hit("date", f"--{month:02d}-{day:02d}", m.start(), m.end(), "day", resolved=resolved)
    for m in _MONTH_ALONE.finditer(sentence):
        month = _month_number(m["month"])
        resolved = _resolve_month(month, ref, m["prep"], _is_future(sentence, m.start()))
        start = m.start("month") if m["prep"] not in ("last", "next", "this") else m.start()
        yield Hit("date", f"--{month:02d}", start, m.end(), "month", slot=m["prep"], resolved=resolved)


def _resolve_month_day(month: int, day: int, ref: dt.date | None, future: bool) -> str | None:
    if ref is None:
        return None
    candidates = []
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if future:
        ahead = [c for c in candidates if c >= ref - dt.timedelta(days=1)]
        return min(ahead).isoformat() if ahead else None
    return min(candidates, key=lambda c: (abs((c - ref).days), c)).isoformat() if candidates else None


def _resolve_month(month: int, ref: dt.date | None, prep: str, future: bool) -> str | None:
    if ref is None:
        return None
    if prep == "next" or (future and prep != "last"):
        year = ref.year if month >= ref.month else ref.year + 1
        if prep == "next" and month <= ref.month:
            year = ref.year + 1
    else:
        year = ref.year if month <= ref.month else ref.year - 1
        if prep == "last" and month >= ref.month:
            year = ref.year - 1
    return f"{year:04d}-{month:02d}"


def _weekdays(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    for m in _WEEKDAY.finditer(sentence):
        if _HOLIDAY_BEFORE.search(sentence[max(0, m.start() - 20) : m.start()]):
            continue
        if m["abbr"]:
            number = _DAY_ABBR[m["abbr"]]
            yield Hit("weekday", WEEKDAYS[number], m.start(), m.end(), resolved=None)
            continue
        number = WEEKDAYS.index(m["day"])
        mod = (m["mod"] or "").lower()
        direction = {"last": "before", "next": "after", "this": "onafter"}.get(mod, "")
        if not direction:
            direction = "onafter" if _is_future(sentence, m.start()) else "onbefore"
        resolved = _resolve_weekday(number, ref, direction)
        yield Hit("weekday", m["day"], m.start(), m.end(), "day", slot=mod or None, resolved=resolved)


def _resolve_weekday(number: int, ref: dt.date | None, direction: str) -> str | None:
    if ref is None:
        return None
    back = (ref.weekday() - number) % 7
    ahead = (number - ref.weekday()) % 7
    if direction == "before":
        return (ref - dt.timedelta(days=back or 7)).isoformat()
    if direction == "after":
        return (ref + dt.timedelta(days=ahead or 7)).isoformat()
    if direction == "onafter":
        return (ref + dt.timedelta(days=ahead)).isoformat()
    return (ref - dt.timedelta(days=back)).isoformat()


def _relative(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    for m in _RELATIVE.finditer(sentence):
        rel, unit = m["rel"].lower(), m["unit"]
        offset = {"last": -1, "this": 0, "next": 1}[rel]
        value = f"{rel} {unit}"
        if unit == "year":
            yield Hit("year", value, m.start(), m.end(), "year", resolved=str(ref.year + offset) if ref else None)
        else:
            resolved = None
            if ref:
                index = ref.year * 12 + ref.month - 1 + offset
                resolved = f"{index // 12:04d}-{index % 12 + 1:02d}"
            yield Hit("date", value, m.start(), m.end(), "month", resolved=resolved)
    for m in _NEARBY_DAY.finditer(sentence):
        word = m["word"].lower()
        resolved = None
        if ref:
            resolved = (ref + dt.timedelta(days=-1 if word == "yesterday" else 1)).isoformat()
        yield Hit("date", word, m.start(), m.end(), "day", resolved=resolved)


def _years(sentence: str) -> Iterator[Hit]:
    for m in _YEAR_TOKEN.finditer(sentence):
        if m.start() > 0 and sentence[m.start() - 1] == "-" and not re.search(r"\d{4}-$", sentence[: m.start()]):
            if not m["pre"]:
                continue
        following = re.match(r"\s+([a-z]+)\b", sentence[m.end() :])
        if not m["decade"] and following and (following.group(1).endswith("s") or following.group(1) in _PLURALS):
            if following.group(1) not in _NOT_PLURAL_NOUNS:
                continue  # "2000 people" is a count
        if _COUNT_QUALIFIER.search(sentence[max(0, m.start() - 16) : m.start()]):
            continue  # "some 2000 marched"
        value = m["year"] + ("s" if m["decade"] else "")
        yield Hit("year", value, m.start(), m.end(), "year", slot=_prep(sentence, m.start()))


def _prep(sentence: str, start: int) -> str | None:
    before = re.search(r"([A-Za-z]+)[\s-]+$", sentence[max(0, start - 20) : start])
    if before and before.group(1).lower() in _YEAR_PREPOSITIONS:
        return before.group(1).lower()
    return None


def _is_future(sentence: str, start: int) -> bool:
    clause = re.split(r"[,;:]", sentence[:start])[-1]
    return bool(_FUTURE.search(clause)) or bool(re.search(r"\bnext\b", sentence[start : start + 40]))
