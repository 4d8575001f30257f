"""What the commands share: the database option, errors, rules folders, clipping."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ProvenanceError
from ..rules.engine import RuleSet, load_rules
from ..store.sqlite import AuditStore

__all__ = ["DEFAULT_DB", "DbOption", "RulesOption", "checked_db_path", "clip", "db_path_of", "fail", "load_rule_set", "open_read_only",
           "rule_dirs"]

DEFAULT_DB = Path("db") / "audit.db"

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        metavar="PATH",
        help="Audit database (default: $PROVENANCE_DB, else db/audit.db).",
        show_default=False,
        dir_okay=False,
    ),
]


def db_path_of(db: Path | None) -> Path:
    if db is not None:
        return db
    env = os.environ.get("PROVENANCE_DB")
    return Path(env) if env else DEFAULT_DB


def checked_db_path(db: Path | None) -> Path:
    """The database path; one given with --db must be in a directory that exists (a typo makes no new database)."""
    path = db_path_of(db)
    if db is not None and not path.parent.is_dir():
        raise fail(f"{path}: no such directory: {path.parent}",
                   "Check the spelling of --db; create the directory first for a new database.")
    return path


def fail(message: str, hint: str | None = None) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"  hint: {hint}", err=True)
    return typer.Exit(2)


RulesOption = Annotated[
    list[Path] | None,
    typer.Option("--rules", metavar="DIR", help="A folder of extra rules (repeatable); also $PROVENANCE_RULES, folders joined by ':'.",
                 file_okay=False, show_default=False),
]


def rule_dirs(given: list[Path] | None) -> list[Path]:
    env = [Path(p) for p in os.environ.get("PROVENANCE_RULES", "").split(os.pathsep) if p]
    return [*env, *(given or [])]


def load_rule_set(given: list[Path] | None) -> RuleSet:
    try:
        return load_rules(rule_dirs(given))
    except ProvenanceError as exc:
        raise fail(str(exc), "Fix the rule file, or run `provenance rules test DIR` to check a folder.") from None


def open_read_only(db: Path | None) -> AuditStore:
    try:
        return AuditStore.open(db_path_of(db), read_only=True)
    except ProvenanceError as exc:
        raise fail(str(exc)) from None


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

