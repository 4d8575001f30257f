"""The audit pipeline: the only module that knows the order of the stages.

``audit()`` reads every input and yields one event per article or problem,
as soon as the batch holding it is committed:

    1. ingest       read_inputs()          paths -> Document | InputProblem
    2. recognise    store.known_article()  same input, same bytes: nothing new
    3. extract      extract_article()      Document -> Article
    4. fingerprint  fingerprint_article()  Article -> Fingerprint
    5. store        store.add_article()    one savepoint per article
    6. copies       find_copies()          Fingerprint, database -> Copy rows

Later stages (facts, cross-checks, rules, source scores) plug in after 6 and
read the same Article. A failure in one input becomes an InputProblem: it is
recorded in ``errors`` and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Literal

from .copies import band_keys, find_copies
from .errors import ExtractError
from .extract import extract_article
from .fingerprint import fingerprint_article
from .ingest import IngestOptions, read_inputs
from .models import Article, Document, Fingerprint, InputProblem
from .store import AuditStore

__all__ = ["DEFAULT_BATCH_SIZE", "AuditOptions", "ArticleResult", "ProblemResult", "RunResult", "audit"]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class AuditOptions:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    #: Articles written per transaction.
    batch_size: int = DEFAULT_BATCH_SIZE


@dataclass(frozen=True, slots=True)
class ArticleResult:
    """An article audited in this run: ``status`` says whether it was already stored."""

    location: str
    article_id: int
    status: Literal["new", "known"]
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProblemResult:
    problem: InputProblem


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: int
    counts: dict[str, int]


Event = ArticleResult | ProblemResult


@dataclass(frozen=True, slots=True)
class _Known:
    doc: Document
    article_id: int


@dataclass(frozen=True, slots=True)
class _Extracted:
    doc: Document
    article: Article
    fingerprint: Fingerprint


_Prepared = _Known | _Extracted | InputProblem


def audit(
    inputs: Iterable[str],
    store: AuditStore,
    *,
    options: AuditOptions | None = None,
    now: Clock = utc_now,
    command: str = "audit",
) -> Iterator[Event | RunResult]:
    """Audit ``inputs`` into ``store``; yield each result, then a RunResult."""
    options = options or AuditOptions()
    given = list(inputs)
    run_id = store.start_run(command, given, version("provenance"), now())
    counts = dict.fromkeys(("articles_seen", "articles_new", "articles_known", "errors", "warnings"), 0)
    status = "failed"
    try:
        batch: list[Document | InputProblem] = []
        # 1. ingest
        for item in read_inputs(given, options.ingest):
            batch.append(item)
            if len(batch) >= options.batch_size:
                yield from _run_batch(batch, store, run_id, now, counts)
                batch = []
        yield from _run_batch(batch, store, run_id, now, counts)
        status = "finished"
    finally:
        store.finish_run(run_id, counts, status, now())
    yield RunResult(run_id, counts)


def _run_batch(
    batch: list[Document | InputProblem], store: AuditStore, run_id: int, now: Clock, counts: dict[str, int]
) -> Iterator[Event]:
    prepared: list[_Prepared] = []
    for item in batch:
        if isinstance(item, InputProblem):
            prepared.append(item)
            continue
        # 2. recognise an input audited before
        known = store.known_article(item.location, item.raw_sha256)
        if known is not None:
            prepared.append(_Known(item, known))
            continue
        prepared.append(_extract(item))
    events: list[Event] = []
    with store.transaction():
        for entry in prepared:
            events.extend(_store(entry, store, run_id, now, counts))
    yield from events


def _extract(doc: Document) -> _Extracted | InputProblem:
    try:
        # 3. extract
        article = extract_article(doc)
        # 4. fingerprint
        return _Extracted(doc, article, fingerprint_article(article))
    except ExtractError as exc:
        return InputProblem(doc.location, exc.message)
    except RecursionError:
        return InputProblem(doc.location, "HTML nested too deeply to extract")
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the run
        return InputProblem(doc.location, f"internal error while extracting ({type(exc).__name__}: {exc})")


def _store(
    entry: _Prepared,
    store: AuditStore,
    run_id: int,
    now: Clock,
    counts: dict[str, int],
) -> list[Event]:
    if isinstance(entry, InputProblem):
        counts["errors" if entry.severity == "error" else "warnings"] += 1
        store.add_problem(run_id, entry, now())
        return [ProblemResult(entry)]
    events: list[Event] = []
    doc = entry.doc
    for note in doc.notes:
        warning = InputProblem(doc.location, note, "warning")
        counts["warnings"] += 1
        store.add_problem(run_id, warning, now())
        events.append(ProblemResult(warning))
    counts["articles_seen"] += 1
    if isinstance(entry, _Known):
        counts["articles_known"] += 1
        return [*events, ArticleResult(doc.location, entry.article_id, "known", store.article_summary(entry.article_id))]
    article, fingerprint = entry.article, entry.fingerprint
    try:
        with store.transaction():
            # 5. store
            article_id = store.add_article(run_id, article, fingerprint, now())
            # 6. copies: exact and near copies, stories, direction
            store.add_copies(run_id, article_id, find_copies(article_id, article, fingerprint, store), now())
            store.add_bands(article_id, band_keys(fingerprint))
    except sqlite3.IntegrityError:
        # The same input was given twice in this run: the first one is stored.
        counts["articles_known"] += 1
        known = store.known_article(article.location, article.raw_sha256)
        if known is None:
            raise
        return [*events, ArticleResult(doc.location, known, "known", store.article_summary(known))]
    counts["articles_new"] += 1
    return [*events, ArticleResult(doc.location, article_id, "new", store.article_summary(article_id))]
