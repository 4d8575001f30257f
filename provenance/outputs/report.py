"""What is new in the audit database, as a report built from query rows.

``build_report()`` turns the rows that :mod:`provenance.outputs.outbox` reads (new flags,
disagreements and stories, and the outlets they concern) into a :class:`Report`;
:mod:`provenance.outputs.render` renders it. Adult and gambling spam is masked here, so that
no renderer can quote it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..store.findings import matched_text
from .graph import StoryGraph

__all__ = [
    "SEVERITIES",
    "DisagreementItem",
    "FlagItem",
    "Links",
    "Report",
    "SourceLine",
    "StoryItem",
    "build_report",
    "database_url",
    "parse_since",
    "severity_rank",
]

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")
DEFAULT_SHOWN = 50  # items shown per section; the rest are counted and linked


def severity_rank(severity: str | None) -> int:
    """0 for info (and anything unknown), 1 for warning, 2 for error."""
    return {"warning": 1, "error": 2}.get(severity or "", 0)


# --- the data ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagItem:
    id: int
    created_utc: str
    severity: str
    category: str
    rule_id: str
    message: str
    matched: str | None
    article_id: int
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    source_key: str | None


@dataclass(frozen=True, slots=True)
class DisagreementItem:
    id: int
    created_utc: str
    severity: str  # update: info; disagreement and inconsistency: warning
    status: str
    kind: str
    article_id: int
    title: str | None
    outlet: str | None
    value: str | None
    sentence: str | None
    other_article_id: int | None
    other_title: str | None
    other_outlet: str | None
    other_value: str | None
    other_sentence: str | None
    story_id: int | None
    confidence: float | None
    source_key: str | None
    reason: str | None = None

    @property
    def is_inconsistency(self) -> bool:
        """A check of one article against itself: there is no other copy."""
        return self.other_article_id is None and self.status != "update"


@dataclass(frozen=True, slots=True)
class StoryItem:
    id: int
    updated_utc: str
    title: str | None
    articles: int
    first_published: str | None
    last_published: str | None
    origin_id: int | None
    origin_outlet: str | None
    origin_reason: str | None


@dataclass(frozen=True, slots=True)
class SourceLine:
    """An outlet with what this report holds about it."""

    key: str
    outlet: str
    domain: str | None
    score: float | None
    articles: int
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    disagreements: int = 0


@dataclass(frozen=True, slots=True)
class Links:
    """URLs of rows and canned queries of the audit database in Datasette."""

    database: str  # the database page, such as http://127.0.0.1:8001/audit

    def row(self, table: str, row_id: int) -> str:
        return f"{self.database}/{table}/{row_id}"

    def query(self, name: str, **params: str) -> str:
        return f"{self.database}/{name}" + ("?" + urllib.parse.urlencode(params) if params else "")


@dataclass(frozen=True, slots=True)
class Report:
    generated_utc: str
    database: str
    min_severity: Severity
    since_utc: str | None  # the --since window, else None: everything not yet reported
    last_report_utc: str | None
    flags: tuple[FlagItem, ...] = ()
    disagreements: tuple[DisagreementItem, ...] = ()
    stories: tuple[StoryItem, ...] = ()
    sources: tuple[SourceLine, ...] = ()
    links: Links | None = None
    shown: int = DEFAULT_SHOWN
    #: Derivation graphs of the first new stories, drawn in the HTML report and the email.
    graphs: tuple[StoryGraph, ...] = ()

    @property
    def items(self) -> int:
        return len(self.flags) + len(self.disagreements) + len(self.stories)

    @property
    def is_empty(self) -> bool:
        return self.items == 0

    def keys(self) -> list[tuple[str, int]]:
        """``(kind, id)`` of every item, as ``report_items`` records them."""
        return (
            [("flag", f.id) for f in self.flags]
            + [("disagreement", d.id) for d in self.disagreements]
            + [("story", s.id) for s in self.stories]
        )

    def severity_counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(reversed(SEVERITIES), 0)
        for flag in self.flags:
            counts[flag.severity if flag.severity in counts else "info"] += 1
        return counts


def database_url(base_url: str, database: str) -> str:
    """The URL of the database in Datasette: ``base_url`` itself, or the server root plus the database name.

    Raises ValueError for anything but an absolute http(s) URL.
    """
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in base_url for c in "\r\n\t \"'<>"):
        raise ValueError(f"expected an http(s) URL, got {base_url!r}")
    path = parts.path.rstrip("/")
    if not path:
        path = "/" + urllib.parse.quote(database)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def parse_since(text: str, now: dt.datetime) -> dt.datetime:
    """A --since value: a date (2026-01-01, midnight UTC), a date-time, or a duration back from now (90m, 24h, 7d, 2w)."""
    value = text.strip()
    match = re.fullmatch(r"(\d+)\s*([mhdw])", value.lower())
    if match:
        unit = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[match.group(2)]
        return now - dt.timedelta(**{unit: int(match.group(1))})
    try:
        if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.timezone.utc)
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"expected a date (2026-01-01), a date-time or a duration (24h, 7d), got {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def build_report(
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    generated_utc: str,
    database: str,
    min_severity: Severity = "info",
    since_utc: str | None = None,
    last_report_utc: str | None = None,
    links: Links | None = None,
    shown: int = DEFAULT_SHOWN,
    worst: int = 5,
) -> Report:
    """A report from the rows of ``outbox.read_items()``: ``flags``, ``disagreements``, ``stories`` and ``sources``."""
    flags = tuple(
        FlagItem(
            id=r["id"], created_utc=r["created_utc"], severity=r["severity"], category=r["category"],
            rule_id=r["rule_id"], message=_masked_message(r["category"], r["rule_id"], r["message"]),
            matched=_masked(r["category"], r["rule_id"], _matched(r.get("evidence"))),
            article_id=r["article_id"], title=r.get("title"), outlet=r.get("outlet"), published=r.get("published"),
            url=r.get("url"), source_key=r.get("source_key"),
        )
        for r in rows.get("flags", ())
    )
    disagreements = tuple(
        DisagreementItem(
            id=r["id"], created_utc=r["created_utc"], severity="info" if r.get("status") == "update" else "warning",
            status=r.get("status") or "disagreement", kind=r["kind"], article_id=r["article_id"],
            title=r.get("title"), outlet=r.get("outlet"), value=r.get("value"), sentence=r.get("sentence"),
            other_article_id=r.get("other_article_id"), other_title=r.get("other_title"),
            other_outlet=r.get("other_outlet"), other_value=r.get("other_value"),
            other_sentence=r.get("other_sentence"), story_id=r.get("story_id"), confidence=r.get("confidence"),
            source_key=r.get("source_key"), reason=r.get("reason"),
        )
        for r in rows.get("disagreements", ())
    )
    stories = tuple(
        StoryItem(
            id=r["id"], updated_utc=r["updated_utc"], title=r.get("title"), articles=r.get("articles") or 0,
            first_published=r.get("first_published"), last_published=r.get("last_published"),
            origin_id=r.get("origin_id"), origin_outlet=r.get("origin_outlet"), origin_reason=r.get("origin_reason"),
        )
        for r in rows.get("stories", ())
    )
    return Report(
        generated_utc=generated_utc, database=database, min_severity=min_severity, since_utc=since_utc,
        last_report_utc=last_report_utc, flags=flags, disagreements=disagreements, stories=stories,
        sources=_worst_sources(flags, disagreements, rows.get("sources", ()), worst), links=links, shown=shown,
    )


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _is_withheld(category: str, rule_id: str, text: str) -> bool:
    """Spam keyword blocks (adult and gambling terms, CJK link farms) that mail filters quarantine."""
    return category == "seo-spam" and ("adult" in rule_id or bool(_CJK.search(text)))


def _masked_message(category: str, rule_id: str, message: str) -> str:
    """A spam flag's message without the keywords it quotes."""
    if not _is_withheld(category, rule_id, message):
        return message
    head = re.split(r"[:(]", message, maxsplit=1)[0].strip()
    return f"{head} (keywords withheld; see the flag in Datasette)"


def _masked(category: str, rule_id: str, matched: str | None) -> str | None:
    """A spam block's text, withheld: its length only."""
    if not matched or not _is_withheld(category, rule_id, matched):
        return matched
    return f"[{len(matched)} characters of spam keywords withheld]"


def _matched(evidence: Any) -> str | None:
    if not isinstance(evidence, str):
        return None
    try:
        data = json.loads(evidence)
    except ValueError:
        return evidence or None
    if isinstance(data, dict):
        return matched_text(data)
    return data if isinstance(data, str) else None


def _worst_sources(
    flags: Sequence[FlagItem], disagreements: Sequence[DisagreementItem],
    sources: Sequence[Mapping[str, Any]], count: int,
) -> tuple[SourceLine, ...]:
    """The outlets with the most severe new findings, then the lowest score."""
    tally: dict[str, dict[str, int]] = {}
    for flag in flags:
        if flag.source_key:
            bucket = tally.setdefault(flag.source_key, {})
            name = {2: "errors", 1: "warnings"}.get(severity_rank(flag.severity), "infos")
            bucket[name] = bucket.get(name, 0) + 1
    for item in disagreements:
        if item.source_key:
            bucket = tally.setdefault(item.source_key, {})
            bucket["disagreements"] = bucket.get("disagreements", 0) + 1
    lines = []
    for source in sources:
        if source["key"] in tally:
            lines.append(SourceLine(
                key=source["key"], outlet=source.get("outlet") or source["key"], domain=source.get("domain"),
                score=source.get("score"), articles=source.get("articles") or 0, **tally[source["key"]],
            ))
    lines.sort(key=lambda s: (-s.errors, -s.warnings, -s.disagreements, s.score if s.score is not None else 101.0,
                              -s.infos, s.outlet))
    return tuple(lines[:count])


# --- untrusted text ---------------------------------------------------------------
