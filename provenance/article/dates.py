"""Absolute dates in the common formats of news pages.

``find_dates(text)`` returns every date written in ``text`` with its span, as
an ISO 8601 date (or date-time with offset, when the text gives a time and an
offset). It reads the shapes seen on news pages:

    2024-10-03 07:43        2024/10/03      2024-10-03T07:43:00+08:00
    16/05/2024 17:54        05.16.2024      (day/month when ambiguous)
    Oct 1, 1949             October 1st, 2024        Wed, 2 Oct 2024
    1 October 2024          2024年10月2日
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["FoundDate", "find_dates", "MONTHS"]

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_TIME = r"(?:[ T,]+(?:at\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?\s*(?P<ampm>[ap]\.?m\.?)?\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
_PATTERNS = (
    ("iso", re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)" + _TIME, re.I)),
    ("numeric", re.compile(r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<year>(?:19|20)\d{2})(?!\d)" + _TIME, re.I)),
    ("cjk", re.compile(r"(?P<year>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<day>\d{1,2})日")),
    (
        "month-day",
        re.compile(r"\b" + _MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:1[6-9]|20)\d{2})\b" + _TIME, re.I),
    ),
    (
        "day-month",
        re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<year>(?:1[6-9]|20)\d{2})\b" + _TIME, re.I),
    ),
)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date written in a text. ``iso`` is ``YYYY-MM-DD`` or a full date-time with offset."""

    iso: str
    date: dt.date
    start: int
    end: int
    raw: str
    has_time: bool
    is_ambiguous: bool


def find_dates(text: str) -> list[FoundDate]:
    """Every absolute date in ``text``, in order of position, without overlaps."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for shape, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            date = _to_date(shape, match)
            if date is None:
                continue
            found.append(date)
            taken.append((match.start(), match.end()))
    return sorted(found, key=lambda d: d.start)


def _to_date(shape: str, match: re.Match[str]) -> FoundDate | None:
    groups = match.groupdict()
    year = int(groups["year"])
    ambiguous = False
    if shape == "numeric":
        a, b = int(groups["a"]), int(groups["b"])
        if a > 12:
            day, month = a, b
        elif b > 12:
            month, day = a, b
        else:
            day, month, ambiguous = a, b, a != b
    elif shape in ("month-day", "day-month"):
        month, day = MONTHS[groups["month"].lower().rstrip(".")], int(groups["day"])
    else:
        month, day = int(groups["m"]), int(groups["day"])
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    iso = date.isoformat()
    has_time = bool(groups.get("hour"))
    end = match.end()
    if has_time:
        stamp = _with_time(date, groups)
        if stamp is None:
            has_time = False
            end = match.start("hour") if groups.get("hour") else end
        elif stamp.tzinfo is not None:
            iso = stamp.isoformat()
    raw = match.string[match.start() : end].strip()
    return FoundDate(iso, date, match.start(), match.start() + len(raw), raw, has_time, ambiguous)


def _with_time(date: dt.date, groups: dict[str, str | None]) -> dt.datetime | None:
    hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
    second = int(groups["second"] or 0)
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    tz = (groups.get("tz") or "").upper()
    tzinfo: dt.tzinfo | None = None
    if tz in ("Z", "UTC", "GMT"):
        tzinfo = dt.timezone.utc
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        tzinfo = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return dt.datetime(date.year, date.month, date.day, hour, minute, second, tzinfo=tzinfo)
