"""The audit pipeline: the only module that knows the order of the stages.

``audit()`` reads every input and yields one event per article or problem,
as soon as the batch holding it is committed:

    1. ingest       read_inputs()            paths, URLs, archives -> Document | InputProblem
    2. recognise    store.known_article()    same input, same bytes: nothing new
    3. extract      extract_article()        Document -> Article
    4. fingerprint  fingerprint_article()    Article -> Fingerprint, and identify_language(), document_vector()
    5. facts        extract_facts()          Article -> Facts, and check_article() against itself
    6. rules        apply_rules()            Article, Facts -> Findings
    7. store        store.add_article()      one savepoint per article
    8. copies       find_copies()            Fingerprint, database -> Copy links and stories
    9. cross-check  compare_copies()         Facts of each copy, in aligned sentences
   10. (per batch)  one transaction
   11. scores       score_sources()          the sources the run touched, after the run

Stages 3 to 6 need only the document and run before the write transaction;
7 to 9 read or write the database. A failure in one input becomes an
InputProblem: it is recorded in ``errors`` and the run goes on.

Stages 3 to 6 of one input run under a watchdog: a budget of
``time_budget`` seconds per 100 KB of the input (at least that much), after
which the input becomes the problem "timed out after N s in stage S" and the
run goes on. The watchdog is a SIGALRM timer in the process that runs the
stages, the main one with ``--jobs 1`` or each worker with ``--jobs N``;
worker processes end themselves when the process that started them is gone.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from types import FrameType
from typing import Any, Literal

from ..corpus.copies import band_keys, find_copies
from ..corpus.crosscheck import check_article, check_copy, is_cross_checked
from ..errors import ExtractError
from ..article.extract import extract_article
from ..article.facts import extract_facts
from ..article.fingerprint import fingerprint_article
from ..article.language import Language, identify_language
from ..corpus.semantic import document_vector
from ..ingest.readers import IngestOptions, read_inputs
from ..models import Article, Copy, Disagreement, Document, Fact, Finding, Fingerprint, InputProblem
from ..rules.engine import RuleContext, RuleSet, apply_rules, load_rules
from ..corpus.scoring import SEVERITY_WEIGHTS, SourceStats, score_sources
from ..rules.registry import Registry
from ..store.sqlite import AuditStore

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_TIME_BUDGET",
    "ArticleResult",
    "AuditOptions",
    "Matched",
    "Prepared",
    "ProblemResult",
    "RunResult",
    "audit",
    "audit_prepared",
    "default_jobs",
    "prepare_document",
    "rescore_sources",
]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


DEFAULT_BATCH_SIZE = 200
#: Seconds allowed for stages 3 to 6 of one input, per 100 KB of it (and at least this much).
DEFAULT_TIME_BUDGET = 5.0
MIN_BATCH_FOR_WORKERS = 64


def default_jobs() -> int:
    """Processes for extraction by default: one per core beyond the one that writes, and none on two cores.

    The writer (copies, the database) runs in the main process while the
    workers extract; with two cores or fewer, workers only add start-up
    (each imports the stages) and pickling, and lose to one process.
    """
    cores = os.cpu_count() or 1
    return 1 if cores <= 2 else min(cores - 1, 8)


@dataclass(frozen=True, slots=True)
class AuditOptions:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    #: Articles written per transaction.
    batch_size: int = DEFAULT_BATCH_SIZE
    #: The rules to apply; None loads the built-in rules.
    rules: RuleSet | None = None
    #: Processes for extraction, facts and rules (used for batches of 64 documents or more).
    jobs: int = 1
    #: Seconds per 100 KB of input for stages 3 to 6 (at least this much per input); 0 for no limit.
    time_budget: float = DEFAULT_TIME_BUDGET


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
    facts: tuple[Fact, ...]
    inconsistencies: tuple[Disagreement, ...]
    findings: tuple[Finding, ...]
    language: Language | None = None
    vector: Any = None  # the document vector (numpy), None in a language the model does not read


_Prepared = _Known | _Extracted | InputProblem
#: The per-article stages' result for one document (stages 3 to 6), as another engine hands it over.
Prepared = _Extracted


@dataclass(frozen=True, slots=True)
class Matched:
    """Stages 8 and 9 computed elsewhere (a batch engine) for the article that gets ``article_id``.

    ``location`` and ``raw_sha256`` name that article: when the store gives the
    id to another article, the result is not used and the stages run here.
    """

    article_id: int
    location: str
    raw_sha256: str
    copies: tuple[Copy, ...]
    #: (other article id, disagreements found against it), per copy that is cross-checked
    checks: tuple[tuple[int, tuple[Disagreement, ...]], ...]


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
    # 1. ingest
    items = read_inputs(given, options.ingest, validators=store.fetch_validators)
    yield from _audit_items(items, given, store, options, now, command, None)


def audit_prepared(
    items: Iterable[Prepared | InputProblem],
    given: Sequence[str],
    store: AuditStore,
    *,
    matched: Mapping[int, Matched] | None = None,
    options: AuditOptions | None = None,
    now: Clock = utc_now,
    command: str = "audit",
) -> Iterator[Event | RunResult]:
    """Store documents whose per-article stages ran elsewhere (in input order), with the copies and
    cross-checks found for them when the engine could find them: the batch engine's last step."""
    yield from _audit_items(items, list(given), store, options or AuditOptions(), now, command, matched)


def _audit_items(
    items: Iterable[Document | Prepared | InputProblem],
    given: list[str],
    store: AuditStore,
    options: AuditOptions,
    now: Clock,
    command: str,
    matched: Mapping[int, Matched] | None,
) -> Iterator[Event | RunResult]:
    ruleset = options.rules or load_rules()
    run = _Run(store, store.start_run(command, given, version("provenance"), now()), now, ruleset, options.jobs,
               options.time_budget)
    run.matched = matched
    status = "failed"
    try:
        batch: list[Document | Prepared | InputProblem] = []
        for item in items:
            batch.append(item)
            if len(batch) >= options.batch_size:
                yield from _run_batch(batch, run)
                batch = []
        yield from _run_batch(batch, run)
        # 11. source scores of the sources this run touched, from their counters
        with store.transaction():
            _score_sources(run)
        status = "finished"
    finally:
        if run.pool is not None:
            run.pool.shutdown(cancel_futures=True)
        store.finish_run(run.run_id, run.counts, status, now())
    yield RunResult(run.run_id, run.counts)


@dataclass(slots=True)
class _Run:
    store: AuditStore
    run_id: int
    now: Clock
    ruleset: RuleSet
    jobs: int = 1
    time_budget: float = DEFAULT_TIME_BUDGET
    pool: ProcessPoolExecutor | None = None
    matched: Mapping[int, Matched] | None = None
    #: Articles whose sources' statistics this run changed: the new ones and those they were linked to.
    touched: set[int] = field(default_factory=set)
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("articles_seen", "articles_new", "articles_known", "errors", "warnings"), 0)
    )


def _run_batch(batch: list[Document | Prepared | InputProblem], run: _Run) -> Iterator[Event]:
    prepared: list[_Prepared | Document] = []
    for item in batch:
        if isinstance(item, InputProblem):
            prepared.append(item)
            continue
        # 2. recognise an input audited before
        doc = item.doc if isinstance(item, _Extracted) else item
        known = run.store.known_article(doc.location, doc.raw_sha256)
        prepared.append(item if known is None else _Known(doc, known))
    fresh = [item for item in prepared if isinstance(item, Document)]
    extracted = iter(_extract_all(fresh, run))
    entries = [next(extracted) if isinstance(item, Document) else item for item in prepared]
    events: list[Event] = []
    with run.store.transaction():
        for entry in entries:
            events.extend(_store(entry, run))
    # A later article of the batch may have joined an earlier one to a story: summarise after the copy stage.
    yield from (ArticleResult(e.location, e.article_id, e.status, run.store.article_summary(e.article_id))
                if isinstance(e, ArticleResult) else e for e in events)


def _extract_all(docs: list[Document], run: _Run) -> list[_Extracted | InputProblem]:
    """Stages 3 to 6 for a batch: in worker processes when the batch is large enough to pay for them."""
    now = run.now()
    if run.jobs > 1 and len(docs) >= MIN_BATCH_FOR_WORKERS:
        if run.pool is None:
            # spawn, not fork: a forked child must not inherit the open SQLite connection.
            run.pool = ProcessPoolExecutor(
                run.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(run.ruleset, os.getpid(), run.time_budget),
            )
        return list(run.pool.map(_extract_in_worker, [(doc, now) for doc in docs], chunksize=8))
    return [_extract(doc, run.ruleset, now, run.time_budget) for doc in docs]


_WORKER_RULES: RuleSet | None = None
_WORKER_BUDGET = DEFAULT_TIME_BUDGET


def _start_worker(ruleset: RuleSet, parent: int, budget: float) -> None:
    global _WORKER_RULES, _WORKER_BUDGET
    _WORKER_RULES, _WORKER_BUDGET = ruleset, budget
    threading.Thread(target=_end_with_parent, args=(parent,), name="provenance-parent-watch", daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """A worker whose audit was killed ends too, instead of waiting for work forever."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _extract_in_worker(job: tuple[Document, dt.datetime]) -> _Extracted | InputProblem:
    assert _WORKER_RULES is not None
    return _extract(job[0], _WORKER_RULES, job[1], _WORKER_BUDGET)


def prepare_document(doc: Document, ruleset: RuleSet, now: dt.datetime, per_100kb: float = 0.0) -> Prepared | InputProblem:
    """Stages 3 to 6 for one document, as every engine runs them, within its time budget (0: none)."""
    return _extract(doc, ruleset, now, per_100kb)


def budget_for(doc: Document, per_100kb: float) -> float:
    """Seconds allowed for stages 3 to 6 of ``doc``: ``per_100kb`` per 100 KB of it, and at least ``per_100kb``."""
    return per_100kb * max(1.0, len(doc.content) / 100_000)


class _OverBudget(BaseException):
    """Raised in the stages by the watchdog (a BaseException, so that no ``except Exception`` swallows it)."""


@dataclass(slots=True)
class _Watchdog:
    seconds: float
    stage: str = "extract"


@contextmanager
def _watchdog(seconds: float) -> Iterator[_Watchdog]:
    """Raise _OverBudget in this thread after ``seconds`` (and every 0.2 s after that, until it ends)."""
    dog = _Watchdog(seconds)
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield dog  # no timer outside the main thread, or without setitimer: no limit
        return

    def fire(signum: int, frame: FrameType | None) -> None:
        raise _OverBudget()

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)
    try:
        yield dog
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _extract(doc: Document, ruleset: RuleSet, now: dt.datetime, per_100kb: float = 0.0) -> _Extracted | InputProblem:
    """The stages that need nothing but the document, extraction to rules, within the input's time budget."""
    budget = budget_for(doc, per_100kb) if per_100kb > 0 else 0.0
    dog = _Watchdog(budget)
    try:
        with _watchdog(budget) as dog:
            return _stages(doc, ruleset, now, dog)
    except _OverBudget:
        return InputProblem(doc.location, f"timed out after {budget:.3g} s in stage {dog.stage}")


def _stages(doc: Document, ruleset: RuleSet, now: dt.datetime, dog: _Watchdog) -> _Extracted | InputProblem:
    try:
        # 3. extract
        dog.stage = "extract"
        article = extract_article(doc, ruleset.registry)
        # 4. fingerprint
        dog.stage = "fingerprint"
        fingerprint = fingerprint_article(article)
        language = identify_language(article.text)
        vector = document_vector(article.text, language.code if language else None)
        # 5. facts, and the checks of an article against itself and its date
        dog.stage = "facts"
        facts = tuple(extract_facts(article))
        seen = _capture_time(doc) or now
        dog.stage = "cross-check"
        inconsistencies = tuple(check_article(article, facts, seen))
        # 6. rules
        dog.stage = "rules"
        findings = tuple(apply_rules(article, ruleset, RuleContext(now=seen, facts=facts)))
        return _Extracted(doc, article, fingerprint, facts, inconsistencies, findings, language, vector)
    except ExtractError as exc:
        return InputProblem(doc.location, exc.message)
    except RecursionError:
        return InputProblem(doc.location, "HTML nested too deeply to extract")
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the run
        return InputProblem(doc.location, f"internal error while extracting ({type(exc).__name__}: {exc})")


def _capture_time(doc: Document) -> dt.datetime | None:
    """When an archived page was captured: what it looked like then is what is judged."""
    stamp = doc.capture.captured_utc if doc.capture else None
    if not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def _store(entry: _Prepared, run: _Run) -> list[Event]:
    store, counts, now = run.store, run.counts, run.now
    if isinstance(entry, InputProblem):
        counts["errors" if entry.severity == "error" else "warnings"] += 1
        store.add_problem(run.run_id, entry, now())
        return [ProblemResult(entry)]
    events: list[Event] = []
    doc = entry.doc
    for note in doc.notes:
        warning = InputProblem(doc.location, note, "warning")
        counts["warnings"] += 1
        store.add_problem(run.run_id, warning, now())
        events.append(ProblemResult(warning))
    counts["articles_seen"] += 1
    known: int | None = entry.article_id if isinstance(entry, _Known) else _same_version(entry, store)
    if known is None:
        assert isinstance(entry, _Extracted)
        try:
            with store.transaction():
                known = _write(entry, run)
                _record_capture(doc, known, run)
        except sqlite3.IntegrityError:
            # The same input was given twice in this run: the first one is stored.
            known = store.known_article(entry.article.location, entry.article.raw_sha256)
            if known is None:
                raise
        else:
            counts["articles_new"] += 1
            return [*events, ArticleResult(doc.location, known, "new", store.article_summary(known))]
    counts["articles_known"] += 1
    _record_capture(doc, known, run)
    return [*events, ArticleResult(doc.location, known, "known", store.article_summary(known))]


def _same_version(entry: _Extracted, store: AuditStore) -> int | None:
    """A page fetched again whose article did not change (new bytes around it) is the version already stored."""
    capture = entry.doc.capture
    latest = store.latest_version(capture.url) if capture is not None else None
    if latest is not None and latest[1] == entry.fingerprint.content_hash:
        return latest[0]
    return None


def _record_capture(doc: Document, article_id: int, run: _Run) -> None:
    """Store each fetch (final URL, status, headers) or archived capture; the versions of a URL follow from them."""
    if doc.capture is not None:
        run.store.add_fetch(run.run_id, article_id, doc.capture, run.now())


def _write(entry: _Extracted, run: _Run) -> int:
    """The stages that read or write the database, for one article, inside its savepoint."""
    store, now, article = run.store, run.now, entry.article
    # 7. store the article, its facts, its own inconsistencies and its flags
    article_id = store.add_article(run.run_id, article, entry.fingerprint, now())
    store.add_facts(article_id, entry.facts)
    store.add_disagreements(run.run_id, article_id, None, entry.inconsistencies, now())
    store.add_flags(run.run_id, article_id, entry.findings, run.ruleset.version, now())
    if entry.findings:
        store.refresh_findings([article_id], tuple(SEVERITY_WEIGHTS.values()))
    store.add_semantics(article_id, entry.language, entry.vector)
    # 8. copies: exact and near copies, paraphrases, direction, stories
    matched = _matched_for(article_id, article, run)
    copies = list(matched.copies) if matched else find_copies(article_id, article, entry.fingerprint, store, entry.vector)
    store.add_copies(run.run_id, article_id, copies, now())
    store.add_bands(article_id, band_keys(entry.fingerprint))
    run.touched.add(article_id)
    run.touched.update(c.source_id if c.article_id == article_id else c.article_id for c in copies)
    # 9. cross-check the facts of every copy, in their aligned sentences
    if matched:
        for other_id, checked in matched.checks:
            store.add_disagreements(run.run_id, article_id, other_id, checked, now())
        return article_id
    for copy in copies:
        if not is_cross_checked(copy):
            continue
        other_id = copy.source_id if copy.article_id == article_id else copy.article_id
        found = check_copy(article_id, article, entry.facts, copy, store.load_article(other_id), store.facts_of(other_id))
        store.add_disagreements(run.run_id, article_id, other_id, found, now())
    return article_id


def _matched_for(article_id: int, article: Article, run: _Run) -> Matched | None:
    """Stages 8 and 9 as a batch engine found them for this article, if it found them for this very article."""
    found = run.matched.get(article_id) if run.matched is not None else None
    if found is None or (found.location, found.raw_sha256) != (article.location, article.raw_sha256):
        return None
    return found


def _score_sources(run: _Run) -> None:
    """Score the sources this run touched (those of its new articles and of the articles they are linked to)."""
    rescore_sources(run.store, run.touched, run.ruleset.registry, run.now())


def rescore_sources(store: AuditStore, article_ids: Collection[int], registry: Registry, now: dt.datetime) -> None:
    """Score again the sources of these articles, from their counts in ``source_counts``."""
    if not article_ids:
        return
    stats = [SourceStats(**row) for row in store.source_stats(store.sources_of(article_ids))]
    scores = score_sources(stats, registry)
    store.save_scores(
        [
            {"key": s.key, "score": round(s.score, 1), "reasons": json.dumps(s.reasons, ensure_ascii=False),
             "kind": s.kind, "registry_name": s.registry_name, "prior": s.prior}
            for s in scores
        ],
        now,
    )
