"""The outbox: what is new in the audit database, and sending it by email once.

``collect_report()`` reads the flags, disagreements and stories of a :class:`Window`
(by default everything no sent report has carried yet) and builds a
:class:`~provenance.report.Report`. ``send_report()`` emails it, safe under cron:

- **locked**: a lock file next to the database (``audit.db.report-lock``, ``flock``) makes
  overlapping runs take turns; the items are read only once the lock is held, so the
  second run finds them reported and sends nothing. A run that waits longer than
  ``lock_timeout`` fails. A dead process holds no lock.
- **idempotent**: a ``reports`` row is committed as ``sending`` before the message goes out;
  after the SMTP server accepts it, one transaction marks it ``sent`` and writes every item
  to ``report_items``. A crash before that commit loses nothing: the next run finds the row
  still ``sending``, marks it ``interrupted``, and sends those items again (at worst one
  message is sent twice). A failed send is recorded as ``failed`` and raises.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlite_utils

from ..errors import MailError, StoreError
from .graph import load_story_graph, render_png
from .mail import SmtpFactory, SmtpSettings, compose_message, connect, send_message
from .render import render_html, render_text, report_subject
from .report import DEFAULT_SHOWN, Links, Report, Severity, build_report, database_url, severity_rank
from ..store.sqlite import AuditStore, utc_text

__all__ = [
    "SendResult",
    "Window",
    "build_email",
    "collect_report",
    "last_report_utc",
    "lock_path",
    "read_items",
    "report_lock",
    "send_report",
]

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True, slots=True)
class Window:
    """Which items a report holds: those at or above ``min_severity``, created since ``since_utc``
    (when given), and not carried by a sent report yet (when ``unreported_only``).

    Stories count as info, disagreements as warnings (updates of a value as info).
    """

    since_utc: str | None = None
    min_severity: Severity = "info"
    unreported_only: bool = True


@dataclass(frozen=True, slots=True)
class SendResult:
    status: str  # sent | nothing new
    report_id: int | None = None
    items: int = 0
    message_id: str | None = None
    refused: dict[str, tuple[int, bytes]] = field(default_factory=dict)


_RANK = "CASE {0} WHEN 'error' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END"
_UNREPORTED = "(:unreported = 0 OR NOT EXISTS (SELECT 1 FROM report_items r WHERE r.kind = '{0}' AND r.item_id = {1}))"

_FLAGS = f"""
SELECT f.id, f.created_utc, f.severity, f.category, f.rule_id, f.message, f.evidence, f.article_id, a.title,
       coalesce(a.site_name, a.domain) AS outlet, a.published, a.url, s.key AS source_key
FROM flags f LEFT JOIN articles a ON a.id = f.article_id LEFT JOIN sources s ON s.id = a.source_id
WHERE ({_RANK.format('f.severity')}) >= :rank AND (:since IS NULL OR f.created_utc >= :since)
  AND f.review IS NOT 'dismissed' AND {_UNREPORTED.format('flag', 'f.id')}
ORDER BY ({_RANK.format('f.severity')}) DESC, f.article_id, f.id"""

_DISAGREEMENTS = f"""
SELECT d.id, d.created_utc, d.status, d.kind, d.article_id, a.title, coalesce(a.site_name, a.domain) AS outlet,
       d.value, d.sentence, d.other_article_id, o.title AS other_title,
       coalesce(o.site_name, o.domain) AS other_outlet, d.other_value, d.other_sentence, a.story_id, d.confidence,
       s.key AS source_key, d.reason
FROM disagreements d LEFT JOIN articles a ON a.id = d.article_id LEFT JOIN articles o ON o.id = d.other_article_id
     LEFT JOIN sources s ON s.id = a.source_id
WHERE (CASE WHEN d.status = 'update' THEN 0 ELSE 1 END) >= :rank AND (:since IS NULL OR d.created_utc >= :since)
  AND d.review IS NOT 'dismissed' AND {_UNREPORTED.format('disagreement', 'd.id')}
ORDER BY d.id"""

_STORIES = f"""
SELECT st.id, st.updated_utc, st.title, st.articles, st.first_published, st.last_published, st.origin_id,
       coalesce(o.site_name, o.domain) AS origin_outlet, st.origin_reason
FROM stories st LEFT JOIN articles o ON o.id = st.origin_id
WHERE :rank = 0 AND (:since IS NULL OR st.updated_utc >= :since) AND {_UNREPORTED.format('story', 'st.id')}
ORDER BY st.id"""


def _rows(db: sqlite_utils.Database, sql: str, params: dict[str, Any] | Sequence[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_items(db: sqlite_utils.Database, window: Window) -> dict[str, list[dict[str, Any]]]:
    """The rows of a report: ``flags``, ``disagreements``, ``stories``, and the ``sources`` they concern."""
    params = {"rank": severity_rank(window.min_severity), "since": window.since_utc,
              "unreported": 1 if window.unreported_only else 0}
    rows = {name: _rows(db, sql, params) for name, sql in
            (("flags", _FLAGS), ("disagreements", _DISAGREEMENTS), ("stories", _STORIES))}
    keys = sorted({r["source_key"] for r in rows["flags"] + rows["disagreements"] if r["source_key"]})
    rows["sources"] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows["sources"] += _rows(
            db,
            "SELECT key, coalesce(name, registry_name, domain, substr(key, 6)) AS outlet, domain, score, articles "
            f"FROM sources WHERE key IN ({','.join('?' * len(chunk))})",
            chunk,
        )
    return rows


def last_report_utc(db: sqlite_utils.Database) -> str | None:
    """When the last report was sent, or None."""
    row = db.execute("SELECT max(sent_utc) FROM reports WHERE status = 'sent'").fetchone()
    return str(row[0]) if row and row[0] else None


def collect_report(
    db: sqlite_utils.Database, window: Window, *, database: str, now: dt.datetime,
    base_url: str | None = None, shown: int = DEFAULT_SHOWN,
) -> Report:
    """Read and build the report of ``window``; links point into Datasette when ``base_url`` is given."""
    links = Links(database_url(base_url, database)) if base_url else None
    report = build_report(
        read_items(db, window), generated_utc=utc_text(now), database=database, min_severity=window.min_severity,
        since_utc=window.since_utc, last_report_utc=last_report_utc(db), links=links, shown=shown,
    )
    graphs = [load_story_graph(db.conn, story.id) for story in report.stories[:GRAPHS_SHOWN]]
    return dataclasses.replace(report, graphs=tuple(g for g in graphs if g is not None and g.nodes))


#: New stories drawn as a derivation graph in a report.
GRAPHS_SHOWN = 3


def build_email(report: Report, settings: SmtpSettings, recipients: Sequence[str], now: dt.datetime) -> EmailMessage:
    """The message: text, and HTML with each story graph as an attached PNG a mail client shows inline."""
    domain = settings.mail_from.rsplit("@", 1)[-1].strip("> ") or "localhost"
    cids = {graph.story_id: f"story-{graph.story_id}-graph@{domain}" for graph in report.graphs}
    return compose_message(
        subject=report_subject(report), text=render_text(report),
        html=render_html(report, lambda graph: f"cid:{cids[graph.story_id]}"),
        sender=settings.mail_from, recipients=recipients, now=now,
        images=[(cids[graph.story_id], render_png(graph)) for graph in report.graphs],
    )


def lock_path(db_path: Path) -> Path:
    return Path(f"{db_path}.report-lock")


@contextmanager
def report_lock(db_path: Path, timeout: float, *, sleep: Callable[[float], None] = time.sleep,
                clock: Callable[[], float] = time.monotonic) -> Iterator[None]:
    """Hold the report lock of the database at ``db_path``, waiting up to ``timeout`` seconds."""
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise MailError(f"cannot create the report lock ({exc.strerror or exc})", source=str(path)) from exc
    try:
        deadline = clock() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if clock() >= deadline:
                    raise MailError(
                        f"another `provenance report --email` still holds the lock after {timeout:g}s; nothing sent",
                        source=str(path),
                    ) from None
                sleep(0.05)
        yield
    finally:
        os.close(fd)


def send_report(
    db_path: Path, *, recipients: Sequence[str], settings: SmtpSettings, window: Window, now: Clock,
    base_url: str | None = None, shown: int = DEFAULT_SHOWN, smtp_factory: SmtpFactory = connect,
    lock_timeout: float = 300.0,
) -> SendResult:
    """Email what is new to ``recipients``, once. Raises MailError or StoreError on failure."""
    if not Path(db_path).exists():
        raise StoreError("no audit database here; run `provenance audit` first", source=str(db_path))
    with report_lock(db_path, lock_timeout):
        store = AuditStore.open(db_path)
        try:
            window = Window(window.since_utc, window.min_severity, unreported_only=True)
            report = collect_report(store.db, window, database=Path(db_path).stem, now=now(),
                                    base_url=base_url, shown=shown)
            if report.is_empty:
                return SendResult("nothing new")
            message = build_email(report, settings, recipients, now())
            report_id = _begin(store, recipients, window, str(message["Message-ID"]), now())
            try:
                refused = send_message(message, settings, recipients=recipients, smtp_factory=smtp_factory)
            except MailError as exc:
                _fail(store, report_id, str(exc))
                raise
            _finish(store, report_id, report.keys(), now())
            return SendResult("sent", report_id, report.items, str(message["Message-ID"]), refused)
        finally:
            store.close()


def _begin(store: AuditStore, recipients: Sequence[str], window: Window, message_id: str, now: dt.datetime) -> int:
    """Record a report as ``sending`` (and earlier runs that never finished as ``interrupted``)."""
    with store.transaction():
        store.db.execute("UPDATE reports SET status = 'interrupted' WHERE status = 'sending'")
        cursor = store.db.execute(
            "INSERT INTO reports (started_utc, status, recipients, since_utc, min_severity, message_id) "
            "VALUES (?, 'sending', ?, ?, ?, ?)",
            [utc_text(now), json.dumps(list(recipients)), window.since_utc, window.min_severity, message_id],
        )
    return int(cursor.lastrowid or 0)


def _finish(store: AuditStore, report_id: int, keys: Sequence[tuple[str, int]], now: dt.datetime) -> None:
    """The send is recorded and its items marked reported in one transaction."""
    with store.transaction():
        store.db.conn.executemany(
            "INSERT OR REPLACE INTO report_items (kind, item_id, report_id) VALUES (?, ?, ?)",
            [(kind, item_id, report_id) for kind, item_id in keys],
        )
        store.db.execute(
            "UPDATE reports SET status = 'sent', sent_utc = ?, items = ? WHERE id = ?", [utc_text(now), len(keys), report_id]
        )


def _fail(store: AuditStore, report_id: int, error: str) -> None:
    with store.transaction():
        store.db.execute("UPDATE reports SET status = 'failed', error = ? WHERE id = ?", [error[:1000], report_id])
