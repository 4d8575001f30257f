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
   11. scores       score_sources()          every source, after the run

Stages 3 to 6 need only the document and run before the write transaction;
7 to 9 read or write the database. A failure in one input becomes an
InputProblem: it is recorded in ``errors`` and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any, Literal

from ..corpus.copies import aligned_pairs, band_keys, find_copies
from ..corpus.crosscheck import check_article, compare_copies
from ..errors import ExtractError
from ..article.extract import extract_article
from ..article.facts import extract_facts
from ..article.fingerprint import fingerprint_article
from ..article.language import Language, identify_language
from ..corpus.semantic import document_vector
from ..ingest.readers import IngestOptions, read_inputs
from ..models import Article, Disagreement, Document, Fact, Finding, Fingerprint, InputProblem
from ..rules.engine import RuleContext, RuleSet, apply_rules, load_rules
from ..corpus.scoring import SourceStats, score_sources
from ..store.sqlite import AuditStore

__all__ = ["DEFAULT_BATCH_SIZE", "AuditOptions", "ArticleResult", "ProblemResult", "RunResult", "audit"]

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


DEFAULT_BATCH_SIZE = 200
MIN_BATCH_FOR_WORKERS = 64


@dataclass(frozen=True, slots=True)
class AuditOptions:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    #: Articles written per transaction.
    batch_size: int = DEFAULT_BATCH_SIZE
    #: The rules to apply; None loads the built-in rules.
    rules: RuleSet | None = None
    #: Processes for extraction, facts and rules (used for batches of 64 documents or more).
    jobs: int = 1


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
    ruleset = options.rules or load_rules()
    run = _Run(store, store.start_run(command, given, version("provenance"), now()), now, ruleset, options.jobs)
    status = "failed"
    try:
        batch: list[Document | InputProblem] = []
        # 1. ingest
        for item in read_inputs(given, options.ingest, validators=store.fetch_validators):
            batch.append(item)
            if len(batch) >= options.batch_size:
                yield from _run_batch(batch, run)
                batch = []
        yield from _run_batch(batch, run)
        # 11. source scores, from everything the database now holds
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
    pool: ProcessPoolExecutor | None = None
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("articles_seen", "articles_new", "articles_known", "errors", "warnings"), 0)
    )


def _run_batch(batch: list[Document | InputProblem], run: _Run) -> Iterator[Event]:
    prepared: list[_Prepared | Document] = []
    for item in batch:
        if isinstance(item, InputProblem):
            prepared.append(item)
            continue
        # 2. recognise an input audited before
        known = run.store.known_article(item.location, item.raw_sha256)
        prepared.append(item if known is None else _Known(item, known))
    fresh = [item for item in prepared if isinstance(item, Document)]
    extracted = iter(_extract_all(fresh, run))
    entries = [next(extracted) if isinstance(item, Document) else item for item in prepared]
    events: list[Event] = []
    with run.store.transaction():
        for entry in entries:
            events.extend(_store(entry, run))
    yield from events


def _extract_all(docs: list[Document], run: _Run) -> list[_Extracted | InputProblem]:
    """Stages 3 to 6 for a batch: in worker processes when the batch is large enough to pay for them."""
    now = run.now()
    if run.jobs > 1 and len(docs) >= MIN_BATCH_FOR_WORKERS:
        if run.pool is None:
            # spawn, not fork: a forked child must not inherit the open SQLite connection.
            run.pool = ProcessPoolExecutor(
                run.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(run.ruleset,),
            )
        return list(run.pool.map(_extract_in_worker, [(doc, now) for doc in docs], chunksize=8))
    return [_extract(doc, run.ruleset, now) for doc in docs]


_WORKER_RULES: RuleSet | None = None


def _start_worker(ruleset: RuleSet) -> None:
    global _WORKER_RULES
    _WORKER_RULES = ruleset


def _extract_in_worker(job: tuple[Document, dt.datetime]) -> _Extracted | InputProblem:
    assert _WORKER_RULES is not None
    return _extract(job[0], _WORKER_RULES, job[1])


def _extract(doc: Document, ruleset: RuleSet, now: dt.datetime) -> _Extracted | InputProblem:
    """The stages that need nothing but the document: extraction to rules."""
    try:
        # 3. extract
        article = extract_article(doc)
        # 4. fingerprint
        fingerprint = fingerprint_article(article)
        language = identify_language(article.text)
        vector = document_vector(article.text, language.code if language else None)
        # 5. facts, and the checks of an article against itself and its date
        facts = tuple(extract_facts(article))
        seen = _capture_time(doc) or now
        inconsistencies = tuple(check_article(article, facts, seen))
        # 6. rules
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
    store.add_semantics(article_id, entry.language, entry.vector)
    # 8. copies: exact and near copies, paraphrases, direction, stories
    copies = find_copies(article_id, article, entry.fingerprint, store, entry.vector)
    store.add_copies(run.run_id, article_id, copies, now())
    store.add_bands(article_id, band_keys(entry.fingerprint))
    # 9. cross-check the facts of every copy, in their aligned sentences
    for copy in copies:
        if copy.relation in ("duplicate", "related"):
            continue
        other_id = copy.source_id if copy.article_id == article_id else copy.article_id
        other = store.load_article(other_id)
        is_update = bool({article.url, article.canonical_url} & {other.url, other.canonical_url} - {None})
        found = compare_copies(article, entry.facts, other, store.facts_of(other_id),
                               aligned_pairs(copy, article_id), is_update=is_update)
        store.add_disagreements(run.run_id, article_id, other_id, found, now())
    return article_id


def _score_sources(run: _Run) -> None:
    stats = [SourceStats(**row) for row in run.store.source_stats()]
    scores = score_sources(stats, run.ruleset.registry)
    run.store.save_scores(
        [
            {"key": s.key, "score": round(s.score, 1), "reasons": json.dumps(s.reasons, ensure_ascii=False),
             "kind": s.kind, "registry_name": s.registry_name, "prior": s.prior}
            for s in scores
        ],
        run.now(),
    )
