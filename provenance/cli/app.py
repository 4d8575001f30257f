"""The ``provenance`` command. The only module that prints or exits.

Exit codes: 0 when every input was audited, 1 when some inputs could not be
(see the ``errors`` table), 2 for a usage, configuration or database error.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ProvenanceError
from ..ingest.fetch import DEFAULT_TIMEOUT, FetchOptions
from ..ingest.readers import DEFAULT_MAX_BYTES, IngestOptions
from ..models import InputProblem
from ..engines.local import (
    DEFAULT_BATCH_SIZE, DEFAULT_TIME_BUDGET, ArticleResult, AuditOptions, ProblemResult, RunResult, audit, default_jobs, utc_now,
)
from ..rules.engine import RuleSet, load_rules, rules_in
from ..rules.examples import run_examples
from ..corpus.scoring import SourceScore, describe_score
from ..store.sqlite import AuditStore, utc_text

DEFAULT_DB = Path("db") / "audit.db"

app = typer.Typer(
    help="Source reliability and provenance checker for news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Audit database (default: $PROVENANCE_DB, else db/audit.db).",
        show_default=False,
        dir_okay=False,
    ),
]


def _db_path(db: Path | None) -> Path:
    if db is not None:
        return db
    env = os.environ.get("PROVENANCE_DB")
    return Path(env) if env else DEFAULT_DB


def _fail(message: str, hint: str | None = None) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"  hint: {hint}", err=True)
    return typer.Exit(2)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"provenance {version('provenance')}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Audit news articles: extract, fingerprint, find copies, and store everything in SQLite."""


RulesOption = Annotated[
    list[Path] | None,
    typer.Option("--rules", help="A folder of extra rules (repeatable); also $PROVENANCE_RULES, folders joined by ':'.",
                 file_okay=False, show_default=False),
]


def _rule_dirs(given: list[Path] | None) -> list[Path]:
    env = [Path(p) for p in os.environ.get("PROVENANCE_RULES", "").split(os.pathsep) if p]
    return [*env, *(given or [])]


def _load_rules(given: list[Path] | None) -> RuleSet:
    try:
        return load_rules(_rule_dirs(given))
    except ProvenanceError as exc:
        raise _fail(str(exc), "Fix the rule file, or run `provenance rules test DIR` to check a folder.") from None


@app.command("audit")
def audit_command(
    paths: Annotated[list[str] | None, typer.Argument(
        help="Files and directories (.txt, .html, .htm, .jsonl, .warc, also .gz) and http(s) URLs.",
        show_default=False)] = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines: one object per article and error, then the run.")] = False,
    max_bytes: Annotated[int, typer.Option(help="Largest page read, in bytes, after decompression.", min=1)] = DEFAULT_MAX_BYTES,
    batch_size: Annotated[int, typer.Option(help="Articles written per transaction.", min=1)] = DEFAULT_BATCH_SIZE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the closing summary.")] = False,
    feed: Annotated[list[str] | None, typer.Option(
        "--feed", help="RSS or Atom feed URL, or a file of feed URLs (one a line): audit its items not audited yet. "
                       "Repeat for more.", show_default=False)] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch private, loopback and link-local addresses too (refused by default: "
                                "URLs come from untrusted feeds).")] = False,
    concurrency: Annotated[int, typer.Option(help="URLs fetched at the same time.", min=1, max=256)] = 8,
    timeout: Annotated[float, typer.Option(
        help="Seconds allowed to connect and between two reads of a URL; a whole fetch gets three times as long.",
        min=0.1)] = DEFAULT_TIMEOUT,
    rules: RulesOption = None,
    jobs: Annotated[int, typer.Option(help="Processes for extraction, facts and rules on large inputs.", min=1)] = (
        default_jobs()),
    time_budget: Annotated[float, typer.Option(
        help="Seconds allowed to extract, check and flag one input, per 100 KB of it (at least this much); past it the "
             "input is an error and the run goes on. 0: no limit.", min=0)] = DEFAULT_TIME_BUDGET,
) -> None:
    """Audit articles (files, URLs, WARC archives, feed items) and write them to the audit database."""
    db_path = _db_path(db)
    if not paths and not feed:
        raise _fail("nothing to audit", "Give files, directories or URLs, or --feed URL.")
    try:
        store = AuditStore.open(db_path)
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None
    ruleset = _load_rules(rules)
    fetch = FetchOptions(timeout=timeout, concurrency=concurrency, allow_private=allow_private)
    options = AuditOptions(ingest=IngestOptions(max_bytes=max_bytes, fetch=fetch), batch_size=batch_size, rules=ruleset,
                           jobs=jobs, time_budget=time_budget)
    show_progress = not as_json and sys.stderr.isatty()
    run: RunResult | None = None
    feeds = _FeedRun(store, fetch) if feed else None
    try:
        with _Progress(show_progress) as progress:
            item_urls = feeds.start(feed or [], as_json, progress) if feeds else []
            for event in audit([*(paths or []), *item_urls], store, options=options, command=_command(feeds)):
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
                    _print_problem(event, as_json, progress)
        if feeds is not None and run is not None:
            run = feeds.finish(run)
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()
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


@app.command("schema")
def schema_command() -> None:
    """Print the SQL schema of the audit database (the content of db/schema.sql)."""
    from ..store.sqlite import schema_sql

    store = AuditStore.memory()
    typer.echo(schema_sql(store.db), nl=False)
    store.close()


PassagesOption = Annotated[int, typer.Option("--passages", help="Matching passages shown per link.", min=0)]


@app.command("story")
def story_command(story_id: Annotated[int, typer.Argument(help="Story id (articles.story_id).")], db: DbOption = None,
                  passages: PassagesOption = 2) -> None:
    """Print a story's articles in time order as a derivation tree, with matching passages."""
    store = _open_read_only(db)
    story = store.story_row(story_id)
    if story is None:
        raise _fail(f"story {story_id}: no such story", "Try `provenance show ARTICLE` to find an article's story.")
    members = store.story_members(story_id)
    store.close()
    typer.echo(f"Story {story_id}: {story['title'] or '(no title)'}")
    span = " to ".join(dict.fromkeys(d for d in (story["first_published"], story["last_published"]) if d)) or "no dates"
    typer.echo(f"  {story['articles']} article(s), {span}")
    origin = f"#{story['origin_id']}" if story["origin_id"] else "unknown"
    typer.echo(f"  origin: {origin} ({story['origin_reason']})\n")
    children: dict[int | None, list[dict[str, Any]]] = {}
    ids = {m["id"] for m in members}
    for member in members:
        parent = member["source_id"] if member["source_id"] in ids else None
        children.setdefault(parent, []).append(member)
    for root in children.get(None, []):
        _print_tree(root, children, "", passages, is_root=True)


def _print_tree(member: dict[str, Any], children: dict[int | None, list[dict[str, Any]]], indent: str,
                passages: int, *, is_root: bool = False, is_last: bool = True) -> None:
    date = (member["published"] or "no date")[:10]
    head = f"{date:<10}  #{member['id']:<5} {_clip(member['outlet'] or '(unknown outlet)', 24):<24} {_clip(member['title'] or '(no title)', 60)}"
    branch = "" if is_root else ("└─ " if is_last else "├─ ")
    typer.echo(f"{indent}{branch}{head}")
    inner = indent + ("" if is_root else ("   " if is_last else "│  "))
    if member["relation"] and not is_root:
        typer.echo(f"{inner}   {member['relation']} of #{member['source_id']}, similarity {member['similarity']:.2f}: "
                   f"{member['reason']}; {member['primary_reason']}")
        for pair in _best(json.loads(member["evidence"] or "{}").get("aligned", []), passages):
            typer.echo(f"{inner}     > {_clip(pair['sentence'], 100)}")
            typer.echo(f"{inner}     < {_clip(pair['other_sentence'], 100)}  ({pair['score']:.0f})")
    if member["unordered"]:
        linked = ", ".join(f"{part.split()[0]} with #{part.split()[1]}" for part in member["unordered"].split(", "))
        typer.echo(f"{inner}   direction unknown: {linked}")
    kids = children.get(member["id"], [])
    for i, child in enumerate(kids):
        _print_tree(child, children, inner, passages, is_last=i == len(kids) - 1)


@app.command("show")
def show_command(article: Annotated[str, typer.Argument(help="Article id, input location or URL.")], db: DbOption = None,
                 passages: PassagesOption = 3) -> None:
    """Print an article: metadata, zones, its copies and the passages that match."""
    store = _open_read_only(db)
    article_id = store.find_article(article)
    if article_id is None:
        raise _fail(f"{article}: no such article in the audit database")
    row = store.article_row(article_id)
    zones = store.db.execute(
        "SELECT kind, count(*) FROM zones WHERE article_id = ? GROUP BY kind ORDER BY min(start_offset)", [article_id]
    ).fetchall()
    links = store.links_of(article_id)
    store.close()
    typer.echo(f"#{row['id']} {row['title'] or '(no title)'}")
    for label, key in (("location", "location"), ("url", "url"), ("outlet", "site_name"), ("domain", "domain"),
                       ("byline", "byline"), ("published", "published"), ("story", "story_id")):
        if row[key] is not None:
            extra = f" (from {row['published_source']})" if key == "published" else ""
            typer.echo(f"  {label:<10} {row[key]}{extra}")
    typer.echo(f"  {'words':<10} {row['word_count']}")
    typer.echo(f"  {'zones':<10} " + ", ".join(f"{kind} ×{count}" for kind, count in zones))
    if not links:
        typer.echo("\nNo copies found.")
    for link in links:
        mine = link["article_id"] == article_id
        other = link["source_id"] if mine else link["article_id"]
        title = link["source_title"] if mine else link["article_title"]
        role = {("derived", True): "copied from", ("derived", False): "copied by"}.get((link["direction"], mine), "linked with")
        star = " [primary source]" if link["is_primary"] and mine else ""
        typer.echo(f"\n{link['relation']} — {role} #{other} {_clip(title or '(no title)', 60)}{star}")
        typer.echo(f"  similarity {link['similarity']:.2f}, containment {link['containment']:.2f} / "
                   f"{link['source_containment']:.2f}: {link['reason']}")
        for pair in _best(json.loads(link["evidence"] or "{}").get("aligned", []), passages):
            this, that = (pair["sentence"], pair["other_sentence"]) if mine else (pair["other_sentence"], pair["sentence"])
            typer.echo(f"    > {_clip(this, 110)}")
            typer.echo(f"    < {_clip(that, 110)}  ({pair['score']:.0f})")


def _best(pairs: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    return sorted(pairs, key=lambda p: -float(p["score"]))[:count]


def _open_read_only(db: Path | None) -> AuditStore:
    try:
        return AuditStore.open(_db_path(db), read_only=True)
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None


rules_app = typer.Typer(help="Show and check the rules (rules/ and --rules folders).", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list_command(rules: RulesOption = None) -> None:
    """List every rule: id, category, severity, zones and description."""
    ruleset = _load_rules(rules)
    for rule in sorted(ruleset.rules, key=lambda r: (r.category, r.id)):
        zones = ",".join(rule.zones)
        typer.echo(f"{rule.severity:<7} {rule.category:<16} {rule.id:<44} [{zones}] {rule.description}")
    typer.echo(f"{len(ruleset.rules)} rule(s), {ruleset.version}")


@rules_app.command("test")
def rules_test_command(
    folder: Annotated[Path | None, typer.Argument(help="A rules folder to check (default: every rule).",
                                                  file_okay=False, show_default=False)] = None,
) -> None:
    """Run every rule's embedded examples: those that must match and those that must not."""
    ruleset = _load_rules([folder] if folder else None)
    ids = rules_in(ruleset, folder) if folder else None
    results = run_examples(ruleset, ids)
    failed = [r for r in results if not r.ok]
    for result in failed:
        typer.echo(f"FAIL {result.id}: {result.reason}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@app.command("sources")
def sources_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Sources shown.", min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False,
) -> None:
    """List the sources, worst score first, with the reasons of each score."""
    store = _open_read_only(db)
    rows = store.db.execute(
        "SELECT key, name, domain, kind, registry_name, prior, score, score_reasons, articles FROM sources"
        " WHERE score IS NOT NULL ORDER BY score, key LIMIT ?",
        [limit],
    ).fetchall()
    store.close()
    for key, name, domain, kind, registry_name, prior, score, reasons, articles in rows:
        scored = SourceScore(key, score, kind, registry_name, prior, json.loads(reasons or "{}"))
        if as_json:
            typer.echo(json.dumps({"key": key, "name": name, "domain": domain, "kind": kind, "score": score,
                                   "articles": articles, "reasons": scored.reasons}, ensure_ascii=False))
        else:
            label = registry_name or name or key
            typer.echo(f"{score:5.1f}  {_clip(label, 30):<30} {kind or '':<14} {describe_score(scored)}")
    if not rows and not as_json:
        typer.echo("No scored sources yet: run `provenance audit` first.")


def _article_line(event: ArticleResult) -> str:
    s = event.summary
    title = s["title"] or "(no title)"
    outlet = s["outlet"] or "(unknown outlet)"
    date = (s["published"] or "no date")[:10]
    tag = "new  " if event.status == "new" else "known"
    extra = f", story {s['story_id']}" if s["story_id"] is not None else ""
    return (
        f"{tag} #{s['id']:<5} {date:<10}  {_clip(outlet, 24):<24}  {_clip(title, 70)}\n"
        f"      {event.location}  ({s['flags']} flag(s), {s['disagreements']} disagreement(s){extra})"
    )


def _print_problem(event: ProblemResult, as_json: bool, progress: _Progress) -> None:
    problem = event.problem
    if as_json:
        typer.echo(json.dumps({"type": "error", "input": problem.location, "problem": problem.problem, "severity": problem.severity}, ensure_ascii=False))
    else:
        progress.print(f"{problem.severity}: {problem.location}: {problem.problem}", err=True)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _Progress:
    """A progress line on a terminal; nothing at all under cron or in a pipe."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.completed} articles"),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task("", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def advance(self, location: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, advance=1, description=_clip(location, 50))

    def print(self, text: str, err: bool = False) -> None:
        # While the bar is live, rich redirects writes to stdout and stderr above it.
        typer.echo(text, err=err)


# serve and report: the audit database in Datasette, and what is new by email -----------------


@app.command("serve")
def serve_command(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1.", min=1, max=65535)] = 8001,
    writable: Annotated[
        bool, typer.Option("--writable", help="Let Datasette write to the database (for plugins that edit it).")
    ] = False,
) -> None:
    """Browse the audit database in Datasette on 127.0.0.1: read-only, with titles, facets, search and queries."""
    from ..outputs.server import serve

    db_path = _db_path(db)
    if not db_path.is_file():
        raise _fail(f"{db_path}: no audit database here", "Run `provenance audit PATH` first, or give --db.")
    try:
        AuditStore.open(db_path).close()  # bring the schema up to date, as every command does
    except ProvenanceError as exc:
        typer.echo(f"warning: {exc}; serving the schema as it is", err=True)
    mode = "read-write" if writable else "read-only"
    typer.echo(f"Serving {db_path} ({mode}) at http://127.0.0.1:{port}/{db_path.stem} — Ctrl-C to stop.", err=True)
    serve(db_path, port=port, read_only=not writable)


@app.command("report")
def report_command(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Items since a date (2026-01-01), a date-time, or a time ago (24h, 7d). "
                        "Default: everything no emailed report has carried.")] = None,
    min_severity: Annotated[str, typer.Option(
        "--min-severity", help="info, warning or error. Disagreements count as warnings, new stories as info.")] = "info",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    as_html: Annotated[bool, typer.Option("--html", help="Print an HTML page.")] = False,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Datasette URL of the server or database, for links (default: $PROVENANCE_DATASETTE_URL).",
        show_default=False)] = None,
    email: Annotated[bool, typer.Option(
        "--email", help="Send it by SMTP (text and HTML) and mark its items reported. Quiet on success.")] = False,
    to: Annotated[list[str] | None, typer.Option(
        "--to", help="Recipient; repeat for more (default: $PROVENANCE_MAIL_TO).", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the email instead of sending it; marks nothing.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML settings file (default: $PROVENANCE_CONFIG, else ~/.config/provenance/config.toml).",
        dir_okay=False, show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", help="Items shown per section; the rest are counted.", min=1)] = 50,
    lock_timeout: Annotated[float, typer.Option(
        "--lock-timeout", help="Seconds to wait for another --email run to finish.", min=0)] = 300.0,
) -> None:
    """Summarise the new flags, disagreements and stories and the worst sources; --email sends it."""
    import datetime as dt
    import sqlite3

    from ..errors import MailError
    from ..outputs.mail import config_path, load_config, recipients_from, smtp_settings
    from ..outputs.outbox import Window, build_email, collect_report, send_report
    from ..outputs.report import SEVERITIES, database_url, parse_since, render_html, render_markdown, render_rich, report_json

    now = dt.datetime.now(dt.timezone.utc)
    db_path = _db_path(db)
    if sum((as_json, as_markdown, as_html)) > 1:
        raise _fail("choose one of --json, --markdown and --html")
    if (email or dry_run) and (as_json or as_markdown or as_html):
        raise _fail("--email sends text and HTML; drop --json, --markdown and --html")
    if min_severity not in SEVERITIES:
        raise _fail(f"--min-severity: expected info, warning or error, got {min_severity!r}")
    severity: Any = min_severity
    try:
        since_utc = utc_text(parse_since(since, now)) if since else None
    except ValueError as exc:
        raise _fail(f"--since: {exc}") from None
    try:
        settings_file = load_config(config_path(os.environ, config))
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None
    configured = base_url or os.environ.get("PROVENANCE_DATASETTE_URL") or (settings_file.get("report") or {}).get("base_url")
    base = str(configured) if configured else None
    try:
        if base:
            database_url(base, db_path.stem)
    except ValueError as exc:
        raise _fail(f"--base-url: {exc}") from None
    if not db_path.is_file():
        raise _fail(f"{db_path}: no audit database here", "Run `provenance audit PATH` first, or give --db.")
    try:
        if email or dry_run:
            settings = smtp_settings(os.environ, settings_file)
            recipients = recipients_from(os.environ, settings_file, to or [])
            if not dry_run:
                result = send_report(db_path, recipients=recipients, settings=settings, now=lambda: dt.datetime.now(dt.timezone.utc),
                                     window=Window(since_utc, severity), base_url=base, shown=limit, lock_timeout=lock_timeout)
                if result.refused:
                    raise MailError(f"report {result.report_id} was sent, but the server refused "
                                    + ", ".join(f"{addr} ({code})" for addr, (code, _) in result.refused.items()))
                return
        store = AuditStore.open(db_path)
        try:
            window = Window(since_utc, severity, unreported_only=since_utc is None or email or dry_run)
            report = collect_report(store.db, window, database=db_path.stem, now=now, base_url=base, shown=limit)
        finally:
            store.close()
        if dry_run:
            if report.is_empty:
                typer.echo("Nothing new: no message would be sent.")
            else:
                typer.echo(build_email(report, settings, recipients, now).as_string(), nl=False)
        elif as_json:
            typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        elif as_markdown:
            typer.echo(render_markdown(report), nl=False)
        elif as_html:
            typer.echo(render_html(report), nl=False)
        else:
            from rich.console import Console

            Console(highlight=False).print(render_rich(report))
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise _fail(f"{db_path}: {exc}") from None


# feeds and watch: audit what is new in RSS and Atom feeds ------------------------------------


@app.command("watch")
def watch_command(
    feeds_file: Annotated[Path, typer.Argument(
        help="File of RSS or Atom feed URLs, one a line (blank lines and # comments skipped).", dir_okay=False)],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines: one object per article and error, then the run.")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch private, loopback and link-local addresses too.")] = False,
    concurrency: Annotated[int, typer.Option(help="URLs fetched at the same time.", min=1, max=256)] = 8,
    timeout: Annotated[float, typer.Option(
        help="Seconds allowed to connect and between two reads of a URL.", min=0.1)] = DEFAULT_TIMEOUT,
    max_bytes: Annotated[int, typer.Option(help="Largest page read, in bytes, after decompression.", min=1)] = DEFAULT_MAX_BYTES,
) -> None:
    """Audit the feed items that are new since the last run, then exit (for cron).

    Prints only problems and a one-line summary; nothing at all with no new
    item and no problem. A second watch on the same database while one runs
    does nothing. Exit code 1 when some item or feed could not be audited.
    """
    db_path = _db_path(db)
    with _watch_lock(db_path) as is_locked:
        if not is_locked:
            typer.echo(f"another `provenance watch` is running on {db_path}; nothing done", err=True)
            return
        try:
            store = AuditStore.open(db_path)
        except ProvenanceError as exc:
            raise _fail(str(exc)) from None
        fetch = FetchOptions(timeout=timeout, concurrency=concurrency, allow_private=allow_private)
        options = AuditOptions(ingest=IngestOptions(max_bytes=max_bytes, fetch=fetch))
        feeds = _FeedRun(store, fetch, command="watch")
        run: RunResult | None = None
        try:
            with _Progress(False) as progress:
                urls = feeds.start([str(feeds_file)], as_json, progress)
                for event in audit(urls, store, options=options, command="watch"):
                    if isinstance(event, RunResult):
                        run = feeds.finish(event)
                        continue
                    feeds.record(event)
                    if isinstance(event, ProblemResult):
                        _print_problem(event, as_json, progress)
                    elif as_json:
                        typer.echo(json.dumps({"type": "article", "status": event.status, **event.summary}, ensure_ascii=False))
        except ProvenanceError as exc:
            raise _fail(str(exc)) from None
        finally:
            store.close()
    assert run is not None
    counts = run.counts
    if as_json:
        typer.echo(json.dumps({"type": "run", "run_id": run.run_id, "db": str(db_path), **counts}))
    elif counts["articles_seen"] or counts["errors"] or counts["warnings"]:
        typer.echo(
            f"Watched {len(feeds.feed_urls)} feed(s): {counts['articles_new']} new article(s), "
            f"{counts['articles_known']} already in {db_path}; {counts['errors']} error(s), "
            f"{counts['warnings']} warning(s). Run {run.run_id}."
        )
    if counts["errors"]:
        raise typer.Exit(1)


def _command(feeds: _FeedRun | None) -> str:
    return "audit" if feeds is None else feeds.command


class _FeedRun:
    """The feed side of a run: which items to audit, what became of them, and the feeds' own problems."""

    def __init__(self, store: AuditStore, fetch: FetchOptions, command: str = "audit") -> None:
        self.store = store
        self.fetch = fetch
        self.command = command
        self.feed_urls: list[str] = []
        self.problems: list[InputProblem] = []
        self._items: set[str] = set()

    def start(self, given: list[str], as_json: bool, progress: _Progress) -> list[str]:
        """Read the feeds, print their problems, and return the URLs of the items still to audit."""
        from ..ingest.feeds import read_feeds

        self.feed_urls = _feed_urls(given)
        pending: list[str] = []
        for feed in read_feeds(self.feed_urls, self.fetch):
            if feed.problem is not None:
                self.problems.append(InputProblem(feed.url, feed.problem))
            self.problems.extend(feed.problems)
            pending.extend(item.url for item in self.store.pending_feed_items(feed.url, feed.items, utc_now()))
        for problem in self.problems:
            _print_problem(ProblemResult(problem), as_json, progress)
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


def _feed_urls(given: list[str]) -> list[str]:
    """Feed URLs from --feed values: a URL, or a file of URLs."""
    from ..ingest.feeds import read_feed_list

    urls: list[str] = []
    for value in given:
        if value[:8].lower().startswith(("http://", "https://")):
            urls.append(value)
            continue
        try:
            urls.extend(read_feed_list(Path(value).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ProvenanceError(f"cannot read the list of feeds ({reason})", source=value) from None
    return list(dict.fromkeys(urls))


@contextlib.contextmanager
def _watch_lock(db_path: Path) -> Iterator[bool]:
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


if __name__ == "__main__":  # pragma: no cover
    app()
