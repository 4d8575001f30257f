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

__all__ = ["FoundDate", "MONTHS", "PageDates", "find_dates", "parse_date", "structured_dates"]

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


# Dates in a page's structured data ------------------------------------------------------

#: Meta tags naming the publication date, strongest first (property, name or itemprop values).
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "publishdate", "publish-date", "publish_date", "pubdate", "parsely-pub-date", "sailthru.date",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "date", "article.published", "published_time",
    "cxenseparse:recs:publishtime", "article_date_original", "original-publish-date",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "og:modified_time", "datemodified", "last-modified",
    "dcterms.modified", "dc.date.modified", "lastmod", "modified", "article.updated",
)  # fmt: skip
_JSON_DATE = re.compile(r'"(datePublished|dateCreated|uploadDate|dateModified)"\s*:\s*"([^"]{8,40})"')


@dataclass(frozen=True, slots=True)
class PageDates:
    """The dates a page's markup states: published and modified kept apart, each with where it was found."""

    published: str | None = None
    published_from: str | None = None
    modified: str | None = None
    #: the day the publisher's own clock gave ``published``, when that is a UTC stamp and the page also
    #: states the same instant in local time ("2023-11-09T01:09:55Z" and "2023-11-08 18:09:55")
    local_day: str | None = None


def structured_dates(tree: object) -> PageDates:
    """JSON-LD ``datePublished``, publication meta tags, then ``<time datetime>``; modified dates apart."""
    xpath = getattr(tree, "xpath", None)
    if xpath is None:
        return PageDates()
    published: tuple[str, str] | None = None
    modified: str | None = None
    stamps: list[str] = []  # every published stamp as written, to find a local twin of a UTC one
    for script in xpath('//script[@type="application/ld+json"]/text()'):
        for key, value in _JSON_DATE.findall(str(script)):
            if key == "datePublished":
                stamps.append(value)
            iso = parse_date(value)
            if iso is None:
                continue
            if key == "dateModified":
                modified = modified or iso
            elif published is None or key == "datePublished" and published[1] != "json-ld":
                published = (iso, "json-ld") if key == "datePublished" else published or (iso, "json-ld")
    metas: dict[str, str] = {}
    for meta in xpath("//meta[@content]"):
        names = (meta.get("property"), meta.get("name"), meta.get("itemprop"), meta.get("http-equiv"))
        for name in names:
            if name:
                metas.setdefault(name.strip().lower(), meta.get("content") or "")
    if published is None:
        for name in _PUBLISHED_META:
            iso = parse_date(metas.get(name, ""))
            if iso is not None:
                published = (iso, f"meta {name}")
                break
    for name in _MODIFIED_META:
        if modified is None and metas.get(name):
            modified = parse_date(metas[name])
    if published is None:
        for node in xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
            iso = parse_date(node.get("datetime") or node.get("content") or "")
            if iso is not None:
                published = (iso, "itemprop datePublished")
                break
    times = xpath("//article//time[@datetime] | //time[@pubdate][@datetime] | //time[@datetime]")
    for node in times:
        classes = " ".join(filter(None, (node.get("class"), node.getparent().get("class") if node.getparent() is not None else None))).lower()
        if "modif" in classes or "updat" in classes or "comment" in classes:
            continue
        stamps.append(node.get("datetime") or "")
        iso = parse_date(node.get("datetime") or "")
        if iso is not None and published is None:
            published = (iso, "time datetime")
    if published is None:
        return PageDates(modified=modified)
    return PageDates(published[0], published[1], modified, local_day(published[0], stamps))


def local_day(utc_stamp: str, stamps: list[str]) -> str | None:
    """The local day of ``utc_stamp``, from another stamp of the page that states the same instant locally.

    A stamp in local time (no offset, or another offset) is the same instant
    when its minutes and seconds agree and its clock is within the world's
    offsets (UTC-12 to UTC+14, in quarter hours) of the UTC one. The day it
    names is the day the page shows its readers.
    """
    utc = _stamp(utc_stamp)
    if utc is None or utc.utcoffset() != dt.timedelta(0) or not (utc.hour or utc.minute or utc.second):
        return None
    for raw in stamps:
        local = _stamp(raw)
        if local is None or local.date() == utc.date():
            continue
        if local.tzinfo is not None:
            if local.utcoffset() != dt.timedelta(0) and local == utc:
                return local.date().isoformat()
            continue
        shift = local - utc.replace(tzinfo=None)
        if -dt.timedelta(hours=12) <= shift <= dt.timedelta(hours=14) and shift.total_seconds() % 900 == 0:
            return local.date().isoformat()
    return None


def _stamp(value: str) -> dt.datetime | None:
    """A date-time stamp (a date alone is not one), or None."""
    text = value.strip()
    if not re.match(r"\d{4}-\d\d-\d\d[T ]\d", text):
        return None
    try:
        return _from_iso(text)
    except ValueError:
        return None


def _from_iso(text: str) -> dt.datetime:
    """ISO 8601 as pages write it: ``Z`` for UTC, a space for the ``T``; ValueError if it is not."""
    text = text.replace("Z", "+00:00")
    return dt.datetime.fromisoformat(text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text)


def parse_date(value: str) -> str | None:
    """An ISO date, or date-time with offset, from a machine-readable date (ISO 8601 or a written date)."""
    text = value.strip()
    if not text or not re.match(r"^\W{0,2}(?:\d|[A-Za-z]{3})", text):
        return None
    try:
        stamp = _from_iso(text)
    except ValueError:
        found = find_dates(text)
        if not found or found[0].start > 3:
            return None
        return found[0].iso if 1995 <= found[0].date.year <= 2100 else None
    if not 1995 <= stamp.year <= 2100:
        return None
    return stamp.isoformat() if stamp.tzinfo is not None and (stamp.hour or stamp.minute) else stamp.date().isoformat()
