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
