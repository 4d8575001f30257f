"""The ``provenance`` command. The only module that prints or exits.

Exit codes: 0 when every input was audited, 1 when some inputs could not be
(see the ``errors`` table), 2 for a usage, configuration or database error.
"""

from __future__ import annotations

import json
import os
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import ProvenanceError
from .ingest import DEFAULT_MAX_BYTES, IngestOptions
from .pipeline import DEFAULT_BATCH_SIZE, ArticleResult, AuditOptions, ProblemResult, RunResult, audit
from .store import AuditStore

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


@app.command("audit")
def audit_command(
    paths: Annotated[list[str], typer.Argument(help="Files and directories (.txt, .html, .htm, .jsonl, also .gz).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines: one object per article and error, then the run.")] = False,
    max_bytes: Annotated[int, typer.Option(help="Largest page read, in bytes, after decompression.", min=1)] = DEFAULT_MAX_BYTES,
    batch_size: Annotated[int, typer.Option(help="Articles written per transaction.", min=1)] = DEFAULT_BATCH_SIZE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors and the closing summary.")] = False,
) -> None:
    """Audit articles and write them to the audit database."""
    db_path = _db_path(db)
    try:
        store = AuditStore.open(db_path)
    except ProvenanceError as exc:
        raise _fail(str(exc)) from None
    options = AuditOptions(ingest=IngestOptions(max_bytes=max_bytes), batch_size=batch_size)
    show_progress = not as_json and sys.stderr.isatty()
    run: RunResult | None = None
    try:
        with _Progress(show_progress) as progress:
            for event in audit(paths, store, options=options):
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
    from .store import schema_sql

    store = AuditStore.memory()
    typer.echo(schema_sql(store.db), nl=False)
    store.close()


def _article_line(event: ArticleResult) -> str:
    s = event.summary
    title = s["title"] or "(no title)"
    outlet = s["outlet"] or "(unknown outlet)"
    date = (s["published"] or "no date")[:10]
    tag = "new  " if event.status == "new" else "known"
    extra = f", copy of story {s['story_id']}" if s["copies"] else ""
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


if __name__ == "__main__":  # pragma: no cover
    app()
