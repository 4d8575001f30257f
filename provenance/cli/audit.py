"""``provenance audit`` and ``provenance schema``: articles into the audit database."""

from __future__ import annotations

import contextlib
import enum
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ProvenanceError
from ..ingest.fetch import DEFAULT_TIMEOUT, FetchOptions
from ..ingest.readers import DEFAULT_MAX_BYTES, IngestOptions
from ..ingest.feeds import Feed
from ..models import InputProblem
from ..engines.local import (
    DEFAULT_BATCH_SIZE, DEFAULT_TIME_BUDGET, ArticleResult, AuditOptions, ProblemResult, RunResult, audit, default_jobs, utc_now,
)
from ..engines.replay import replay
from ..store.parquet import MANIFEST, export_parquet, load_parquet
from ..store.sqlite import AuditStore
from .common import DbOption, RulesOption, checked_db_path, clip, fail, load_rule_set

class Engine(str, enum.Enum):
    LOCAL = "local"
    SPARK = "spark"


def audit_command(
    paths: Annotated[list[str] | None, typer.Argument(
        metavar="PATH|URL",
        help="Files and directories (.txt, .html, .htm, .jsonl, .warc, also .gz) and http(s) URLs.",
        show_default=False)] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON Lines: one object per article and error, then the run.")] = False,
    max_bytes: Annotated[int, typer.Option(metavar="BYTES", help="Largest page read, in bytes, after decompression.", min=1)] = DEFAULT_MAX_BYTES,
    batch_size: Annotated[int, typer.Option(metavar="N", help="Articles written per transaction.", min=1)] = DEFAULT_BATCH_SIZE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="", help="Print only errors and the closing summary.")] = False,
    feed: Annotated[list[str] | None, typer.Option(
        "--feed", metavar="URL|FILE", help="RSS or Atom feed URL, or a file of feed URLs (one a line): audit its items not audited yet. "
                       "Repeat for more.", show_default=False)] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", metavar="", help="Fetch private, loopback and link-local addresses too (refused by default: "
                                "URLs come from untrusted feeds).")] = False,
    concurrency: Annotated[int, typer.Option(metavar="N", help="URLs fetched at the same time.", min=1, max=256)] = 8,
    timeout: Annotated[float, typer.Option(metavar="SECONDS",
        help="Seconds allowed to connect and between two reads of a URL; a whole fetch gets three times as long.",
        min=0.1)] = DEFAULT_TIMEOUT,
    rules: RulesOption = None,
    jobs: Annotated[int, typer.Option(metavar="N", help="Processes for extraction, facts and rules on large inputs.", min=1)] = (
        default_jobs()),
    time_budget: Annotated[float, typer.Option(metavar="SECONDS",
        help="Seconds allowed to extract, check and flag one input, per 100 KB of it (at least this much); past it the "
             "input is an error and the run goes on. 0: no limit.", min=0)] = DEFAULT_TIME_BUDGET,
    engine: Annotated[Engine, typer.Option(
        help="local: this process (and --jobs workers), matching each article against the database; "
             "spark: Apache Spark (the package's spark extra, and Java 17).")] = Engine.LOCAL,
    master: Annotated[str | None, typer.Option(
        metavar="URL", help="With --engine spark: the Spark master (local[*], local[2], yarn, k8s://..., "
                            "spark://...); default local[*], or what spark-submit set.", show_default=False)] = None,
    parquet: Annotated[str | None, typer.Option(
        metavar="DIR", help="Also write every table of the database as Parquet to DIR (one folder per table); "
                            "with --engine spark DIR may be any Hadoop path (hdfs://, s3a://).",
        show_default=False)] = None,
) -> None:
    """Audit articles (files, URLs, WARC archives, feed items) and write them to the audit database."""
    db_path = checked_db_path(db)
    if not paths and not feed:
        raise fail("nothing to audit", "Give files, directories or URLs, or --feed URL.")
    try:
        store = AuditStore.open(db_path)
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    ruleset = load_rule_set(rules)
    fetch = FetchOptions(timeout=timeout, concurrency=concurrency, allow_private=allow_private)
    options = AuditOptions(ingest=IngestOptions(max_bytes=max_bytes, fetch=fetch), batch_size=batch_size, rules=ruleset,
                           jobs=jobs, time_budget=time_budget)
    if engine is Engine.SPARK and feed:
        store.close()
        raise fail("--feed works with the local engine only", "Audit the feed's items with --engine local.")
    if parquet and "://" in parquet and engine is not Engine.SPARK:
        store.close()
        raise fail(f"{parquet}: a Hadoop path needs --engine spark")
    show_progress = not as_json and sys.stderr.isatty()
    run: RunResult | None = None
    feeds = FeedRun(store, fetch) if feed else None
    spark = _SparkRun(master) if engine is Engine.SPARK else None
    try:
        with Progress(show_progress) as progress:
            progress.add_inputs(list(paths or []))
            item_urls = feeds.start(feed or [], as_json, progress) if feeds else []
            progress.add_inputs(item_urls)
            events = (spark.audit(list(paths or []), store, options) if spark is not None
                      else audit([*(paths or []), *item_urls], store, options=options, command=_command(feeds)))
            for event in events:
                if feeds is not None and not isinstance(event, RunResult):
                    feeds.record(event)
                if isinstance(event, RunResult):
                    run = event
                elif isinstance(event, ArticleResult):
                    progress.advance(event.location)
                    if as_json:
                        typer.echo(json.dumps({"type": "article", "status": event.status, **event.summary}, ensure_ascii=False))
                    elif not quiet:
                        progress.print(_article_line(event))
                else:
                    progress.advance(event.problem.location, is_article=False)
                    print_problem(event, as_json, progress)
        if feeds is not None and run is not None:
            run = feeds.finish(run)
        if parquet and run is not None:
            written = spark.export(store, parquet) if spark is not None else export_parquet(store, parquet)
            if not as_json:
                typer.echo(f"Wrote {len(written)} table(s), {sum(written.values())} row(s), as Parquet to {parquet}.")
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()
        if spark is not None:
            spark.stop()
    assert run is not None
    counts = run.counts
    if as_json:
        typer.echo(json.dumps({"type": "run", "run_id": run.run_id, "db": str(db_path), **counts}))
    else:
        typer.echo(
            f"Audited {counts['articles_seen']} article(s): {counts['articles_new']} new, "
            f"{counts['articles_known']} already in {db_path}; "
            f"{counts['errors']} input(s) could not be audited, {counts['warnings']} warning(s). Run {run.run_id}."
        )
    if counts["errors"]:
        raise typer.Exit(1)


class _SparkRun:
    """The Spark engine for one audit command: its session, the audit, and a Parquet copy on any Hadoop path."""

    def __init__(self, master: str | None) -> None:
        from ..engines import spark

        self.spark = spark
        self.master = master if master is not None else spark.default_master()
        self.session: Any = None

    def audit(self, paths: list[str], store: AuditStore, options: AuditOptions) -> Iterator[ArticleResult | ProblemResult | RunResult]:
        self.session = self.spark.spark_session(self.master)
        yield from self.spark.audit_spark(paths, store, options=options, spark=self.session,
                                          spark_options=self.spark.SparkOptions(self.master))

    def export(self, store: AuditStore, target: str) -> dict[str, int]:
        if "://" not in target:
            return export_parquet(store, target)
        with tempfile.TemporaryDirectory() as folder:
            written = export_parquet(store, folder)
            self.spark.copy_to_hadoop(self.session, folder, target)
        return written

    def stop(self) -> None:
        if self.session is not None:
            self.session.stop()


def import_command(
    directory: Annotated[Path, typer.Argument(
        metavar="DIR", help="A Parquet export: the folder `audit --parquet DIR` wrote.", show_default=False)],
    db: DbOption = None,
    rules: RulesOption = None,
) -> None:
    """Load a Parquet export into an audit database: as it is into a new one; into one that holds articles,
    each article is matched against those stored (copies, stories, cross-checks, scores) as a local run does."""
    db_path = checked_db_path(db)
    if not (directory / MANIFEST).is_file():
        raise fail(f"{directory}: not a provenance Parquet export (no {MANIFEST})",
                   "Give the folder that `provenance audit --parquet DIR` wrote.")
    try:
        store = AuditStore.open(db_path)
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    try:
        if not store.has_articles():
            loaded = load_parquet(directory, store)
            typer.echo(f"Loaded {loaded.get('articles', 0)} article(s) and {len(loaded)} table(s) from {directory} "
                       f"into {db_path}.")
            return
        ruleset = load_rule_set(rules)
        with tempfile.TemporaryDirectory(dir=db_path.parent) as folder:
            source = AuditStore.open(Path(folder) / "import.db")
            try:
                load_parquet(directory, source)
                run = None
                for event in replay(source, store, options=AuditOptions(rules=ruleset), given=str(directory)):
                    if isinstance(event, RunResult):
                        run = event
                    elif isinstance(event, ProblemResult):
                        problem = event.problem
                        typer.echo(f"{problem.severity}: {problem.location}: {problem.problem}", err=True)
            finally:
                source.close()
        assert run is not None
        counts = run.counts
        typer.echo(f"Imported {counts['articles_seen']} article(s) from {directory}: {counts['articles_new']} new, "
                   f"{counts['articles_known']} already in {db_path}. Run {run.run_id}.")
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    finally:
        store.close()


def schema_command() -> None:
    """Print the SQL schema of the audit database (the content of db/schema.sql)."""
    from ..store.sqlite import schema_sql

    store = AuditStore.memory()
    typer.echo(schema_sql(store.db), nl=False)
    store.close()


def _article_line(event: ArticleResult) -> str:
    s = event.summary
    title = s["title"] or "(no title)"
    outlet = s["outlet"] or "(unknown outlet)"
    date = (s["published"] or "no date")[:10]
    tag = "new  " if event.status == "new" else "known"
    extra = f", story {s['story_id']}" if s["story_id"] is not None else ""
    copies = f", {s['copies']} copy link(s)" if s.get("copies") else ""
    worst = s.get("worst")
    line = (
        f"{tag} #{s['id']:<5} {date:<10}  {clip(outlet, 24):<24}  {clip(title, 70)}\n"
        f"      {event.location}  ({s['flags']} flag(s), {s['disagreements']} disagreement(s){copies}{extra})"
    )
    if worst:
        line += f"\n      worst: {worst['severity']}[{worst['rule_id']}] {clip(' '.join(worst['message'].split()), 90)}"
    return line


def print_problem(event: ProblemResult, as_json: bool, progress: Progress) -> None:
    problem = event.problem
    if as_json:
        typer.echo(json.dumps({"type": "error", "input": problem.location, "problem": problem.problem, "severity": problem.severity}, ensure_ascii=False))
    else:
        progress.print(f"{problem.severity}: {problem.location}: {problem.problem}", err=True)



class Progress:
    """A progress bar on a terminal (inputs done of all, rate, time left); nothing under cron or in a pipe.

    It counts inputs (files, URLs, feed items): a JSON Lines file or a WARC archive is one input
    however many articles it holds, so the total is known before the first article is read.
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None
        self._done: set[str] = set()
        self._articles = 0

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeRemainingColumn)

            self._progress = Progress(
                BarColumn(bar_width=20),
                MofNCompleteColumn(),
                TextColumn("inputs"),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=None, rate="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def add_inputs(self, inputs: list[str]) -> None:
        """Count these inputs into the total."""
        if self._progress is not None:
            total = (self._progress.tasks[0].total or 0) + count_inputs(inputs)
            self._progress.update(self._task, total=total)

    def advance(self, location: str, *, is_article: bool = True) -> None:
        if self._progress is None:
            return
        self._articles += is_article
        key = _input_of(location)
        step = 0 if key in self._done else 1
        self._done.add(key)
        task = self._progress.tasks[0]
        elapsed = task.elapsed or 0.0
        rate = f"{len(self._done) / elapsed:.1f} inputs/s" if elapsed > 0.5 else ""
        self._progress.update(self._task, advance=step, rate=rate,
                              description=f"{self._articles} articles  {clip(location, 40)}")

    def print(self, text: str, err: bool = False) -> None:
        # While the bar is live, rich redirects writes to stdout and stderr above it.
        typer.echo(text, err=err)


def count_inputs(inputs: list[str]) -> int:
    """How many inputs these paths and URLs are: the files a directory holds that can be read, each URL."""
    from ..ingest.readers import reader_for

    count = 0
    for given in inputs:
        path = Path(given)
        if given[:8].lower().startswith(("http://", "https://")) or not path.is_dir():
            count += 1
            continue
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            count += sum(1 for name in filenames if not name.startswith(".") and reader_for(Path(dirpath) / name))
    return count


def _input_of(location: str) -> str:
    """The input an article or problem came from: a JSON Lines record's file, a WARC record's archive."""
    if location[:8].lower().startswith(("http://", "https://")):
        return location
    return re.sub(r":\d+$", "", location.split("#", 1)[0])


def _command(feeds: FeedRun | None) -> str:
    return "audit" if feeds is None else feeds.command


class FeedRun:
    """The feed side of a run: which items to audit, what became of them, and the feeds' own problems."""

    def __init__(self, store: AuditStore, fetch: FetchOptions, command: str = "audit") -> None:
        self.store = store
        self.fetch = fetch
        self.command = command
        self.feed_urls: list[str] = []
        self.problems: list[InputProblem] = []
        self._items: set[str] = set()

    def start(self, given: list[str], as_json: bool, progress: Progress) -> list[str]:
        """Read the feeds, print their problems, and return the URLs of the items still to audit."""
        from ..ingest.feeds import read_feeds

        self.feed_urls, saved = _feed_urls(given)
        pending: list[str] = []
        for feed in [*saved, *read_feeds([u for u in self.feed_urls if not u.startswith("file:")], self.fetch)]:
            if feed.problem is not None:
                self.problems.append(InputProblem(feed.url, feed.problem))
            self.problems.extend(feed.problems)
            pending.extend(item.url for item in self.store.pending_feed_items(feed.url, feed.items, utc_now()))
        for problem in self.problems:
            print_problem(ProblemResult(problem), as_json, progress)
        self._items = set(pending)
        return list(dict.fromkeys(pending))

    def record(self, event: ArticleResult | ProblemResult) -> None:
        """Mark the feed items whose page this event is about."""
        if isinstance(event, ArticleResult):
            if event.location in self._items:
                self.store.mark_feed_items(event.location, utc_now(), article_id=event.article_id)
        elif event.problem.severity == "error" and event.problem.location in self._items:
            self.store.mark_feed_items(event.problem.location, utc_now(), problem=event.problem.problem)

    def finish(self, run: RunResult) -> RunResult:
        """Add the feeds' problems to the run, in the database and in its counts."""
        self.store.add_run_problems(run.run_id, self.problems, utc_now())
        errors = sum(1 for p in self.problems if p.severity == "error")
        counts = dict(run.counts)
        counts["errors"] += errors
        counts["warnings"] += len(self.problems) - errors
        return RunResult(run.run_id, counts)


def _feed_urls(given: list[str]) -> tuple[list[str], list[Feed]]:
    """Feed URLs from --feed values (a URL, or a file of URLs), and the feeds saved as local files.

    A local file that holds a feed itself (RSS or Atom XML) is read as that feed, named by its
    file URI; any other file is a list of feed URLs.
    """
    from ..ingest.feeds import parse_feed, read_feed_list

    urls: list[str] = []
    saved: list[Feed] = []
    for value in given:
        if value[:8].lower().startswith(("http://", "https://")):
            urls.append(value)
            continue
        try:
            data = Path(value).read_bytes()
            if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                uri = Path(value).resolve().as_uri()
                urls.append(uri)
                saved.append(parse_feed(data, uri))
                continue
            urls.extend(read_feed_list(data.decode("utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ProvenanceError(f"cannot read the list of feeds ({reason})", source=value) from None
    return list(dict.fromkeys(urls)), saved


@contextlib.contextmanager
def watch_lock(db_path: Path) -> Iterator[bool]:
    """Hold a lock beside the database while a watch runs; yield False if another holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield True
        return
    lock_path = db_path.with_name(db_path.name + ".watch.lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError:
        yield True
        return
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True


