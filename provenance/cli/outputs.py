"""``provenance serve``, ``provenance report`` and ``provenance watch``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ProvenanceError
from ..ingest.fetch import DEFAULT_TIMEOUT, FetchOptions
from ..ingest.readers import DEFAULT_MAX_BYTES, IngestOptions
from ..engines.local import AuditOptions, ProblemResult, RunResult, audit
from ..store.sqlite import AuditStore, utc_text
from .audit import FeedRun, Progress, print_problem, watch_lock
from .common import DbOption, checked_db_path, db_path_of, fail

def serve_command(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="Port on 127.0.0.1.", min=1, max=65535)] = 8001,
    writable: Annotated[
        bool, typer.Option("--writable", metavar="", help="Let Datasette write to the database (for plugins that edit it).")
    ] = False,
) -> None:
    """Browse the audit database in Datasette on 127.0.0.1: read-only, with titles, facets, search and queries."""
    from ..outputs.server import serve

    db_path = db_path_of(db)
    if not db_path.is_file():
        raise fail(f"{db_path}: no audit database here", "Run `provenance audit PATH` first, or give --db.")
    try:
        AuditStore.open(db_path).close()  # bring the schema up to date, as every command does
    except ProvenanceError as exc:
        typer.echo(f"warning: {exc}; serving the schema as it is", err=True)
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            raise fail(f"port {port} on 127.0.0.1 is busy ({exc.strerror or exc})",
                       f"Another server is running there: stop it, or pick another port with --port {port + 1}.") from None
    mode = "read-write" if writable else "read-only"
    typer.echo(f"Serving {db_path} ({mode}) at http://127.0.0.1:{port}/{db_path.stem} — Ctrl-C to stop.", err=True)
    serve(db_path, port=port, read_only=not writable)


def report_command(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="WHEN", help="Items since a date (2026-01-01), a date-time, or a time ago (24h, 7d). "
                        "Default: everything no emailed report has carried.")] = None,
    min_severity: Annotated[str, typer.Option(
        "--min-severity", metavar="info|warning|error", help="info, warning or error. Disagreements count as warnings, new stories as info.")] = "info",
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON.")] = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", metavar="", help="Print Markdown.")] = False,
    as_html: Annotated[bool, typer.Option("--html", metavar="", help="Print an HTML page.")] = False,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", metavar="URL", help="Datasette URL of the server or database, for links (default: $PROVENANCE_DATASETTE_URL).",
        show_default=False)] = None,
    email: Annotated[bool, typer.Option(
        "--email", metavar="", help="Send it by SMTP (text and HTML) and mark its items reported. Quiet on success.")] = False,
    to: Annotated[list[str] | None, typer.Option(
        "--to", metavar="ADDRESS", help="Recipient; repeat for more (default: $PROVENANCE_MAIL_TO).", show_default=False)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", metavar="", help="Print the email instead of sending it; marks nothing.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", metavar="FILE.toml", help="TOML settings file (default: $PROVENANCE_CONFIG, else ~/.config/provenance/config.toml).",
        dir_okay=False, show_default=False)] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="Items shown per section; the rest are counted.", min=1)] = 50,
    lock_timeout: Annotated[float, typer.Option(
        "--lock-timeout", metavar="SECONDS", help="Seconds to wait for another --email run to finish.", min=0)] = 300.0,
) -> None:
    """Summarise the new flags, disagreements and stories and the worst sources; --email sends it."""
    import datetime as dt
    import sqlite3

    from ..errors import MailError
    from ..outputs.mail import config_path, load_config, recipients_from, smtp_settings
    from ..outputs.outbox import Window, build_email, collect_report, send_report
    from ..outputs.render import render_html, render_markdown, render_rich, report_json
    from ..outputs.report import SEVERITIES, database_url, parse_since

    now = dt.datetime.now(dt.timezone.utc)
    db_path = db_path_of(db)
    if sum((as_json, as_markdown, as_html)) > 1:
        raise fail("choose one of --json, --markdown and --html")
    if (email or dry_run) and (as_json or as_markdown or as_html):
        raise fail("--email sends text and HTML; drop --json, --markdown and --html")
    if min_severity not in SEVERITIES:
        raise fail(f"--min-severity: expected info, warning or error, got {min_severity!r}")
    severity: Any = min_severity
    try:
        since_utc = utc_text(parse_since(since, now)) if since else None
    except ValueError as exc:
        raise fail(f"--since: {exc}") from None
    try:
        settings_file = load_config(config_path(os.environ, config))
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    configured = base_url or os.environ.get("PROVENANCE_DATASETTE_URL") or (settings_file.get("report") or {}).get("base_url")
    base = str(configured) if configured else None
    try:
        if base:
            database_url(base, db_path.stem)
    except ValueError as exc:
        raise fail(f"--base-url: {exc}") from None
    if not db_path.is_file():
        raise fail(f"{db_path}: no audit database here", "Run `provenance audit PATH` first, or give --db.")
    try:
        if email or dry_run:
            try:
                settings = smtp_settings(os.environ, settings_file)
                recipients = recipients_from(os.environ, settings_file, to or [])
            except MailError:
                if not dry_run:
                    raise
                # A dry run sends nothing: it needs no SMTP server, sender or recipient to show the message.
                from ..outputs.mail import SmtpSettings

                settings = SmtpSettings(host="(no SMTP server set)", port=25,
                                        mail_from=os.environ.get("PROVENANCE_MAIL_FROM") or "provenance@localhost")
                recipients = list(to or []) or ["recipient@localhost"]
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
                _print_message(build_email(report, settings, recipients, now))
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
        raise fail(str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise fail(f"{db_path}: {exc}") from None



def watch_command(
    feeds_file: Annotated[Path, typer.Argument(
        metavar="FEEDS.txt",
        help="File of RSS or Atom feed URLs, one a line (blank lines and # comments skipped).", dir_okay=False)],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON Lines: one object per article and error, then the run.")] = False,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", metavar="", help="Fetch private, loopback and link-local addresses too.")] = False,
    concurrency: Annotated[int, typer.Option(metavar="N", help="URLs fetched at the same time.", min=1, max=256)] = 8,
    timeout: Annotated[float, typer.Option(metavar="SECONDS",
        help="Seconds allowed to connect and between two reads of a URL.", min=0.1)] = DEFAULT_TIMEOUT,
    max_bytes: Annotated[int, typer.Option(metavar="BYTES", help="Largest page read, in bytes, after decompression.", min=1)] = DEFAULT_MAX_BYTES,
) -> None:
    """Audit the feed items that are new since the last run, then exit (for cron).

    Prints only problems and a one-line summary; nothing at all with no new
    item and no problem. A second watch on the same database while one runs
    does nothing. Exit code 1 when some item or feed could not be audited.
    """
    db_path = checked_db_path(db)
    with watch_lock(db_path) as is_locked:
        if not is_locked:
            typer.echo(f"another `provenance watch` is running on {db_path}; nothing done", err=True)
            return
        try:
            store = AuditStore.open(db_path)
        except ProvenanceError as exc:
            raise fail(str(exc)) from None
        fetch = FetchOptions(timeout=timeout, concurrency=concurrency, allow_private=allow_private)
        options = AuditOptions(ingest=IngestOptions(max_bytes=max_bytes, fetch=fetch))
        feeds = FeedRun(store, fetch, command="watch")
        run: RunResult | None = None
        try:
            with Progress(False) as progress:
                urls = feeds.start([str(feeds_file)], as_json, progress)
                for event in audit(urls, store, options=options, command="watch"):
                    if isinstance(event, RunResult):
                        run = feeds.finish(event)
                        continue
                    feeds.record(event)
                    if isinstance(event, ProblemResult):
                        print_problem(event, as_json, progress)
                    elif as_json:
                        typer.echo(json.dumps({"type": "article", "status": event.status, **event.summary}, ensure_ascii=False))
        except ProvenanceError as exc:
            raise fail(str(exc)) from None
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



def _print_message(message: Any) -> None:
    """An email as a person reads it: its headers, then each part decoded (no base64)."""
    for header in ("From", "To", "Subject", "Date", "Message-ID"):
        if message[header]:
            typer.echo(f"{header}: {message[header]}")
    for part in message.walk():
        if part.is_multipart():
            continue
        typer.echo(f"\n--- {part.get_content_type()} ---")
        content = part.get_content()
        typer.echo(content if isinstance(content, str) else f"({len(content)} bytes)")
