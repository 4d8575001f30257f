"""``provenance review``: a person's verdict on a flag or a disagreement."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from typing import Annotated

import typer

from ..corpus.scoring import SEVERITY_WEIGHTS
from ..engines.local import rescore_sources
from ..errors import ProvenanceError
from ..store.sqlite import AuditStore
from .common import DbOption, db_path_of, fail, load_rule_set


def review_command(
    flag_id: Annotated[int, typer.Argument(help="The flag's id (flags.id), or with --disagreement a disagreement's id.",
                                           metavar="FLAG_ID", show_default=False)],
    dismiss: Annotated[bool, typer.Option("--dismiss", metavar="", help="A false positive: it no longer counts in scores, "
                                                            "reports or the flag feed, and stays visible as dismissed.")] = False,
    confirm: Annotated[bool, typer.Option("--confirm", metavar="", help="A person checked it and it holds.")] = False,
    note: Annotated[str | None, typer.Option("--note", help="Why, in a few words.", metavar="TEXT",
                                             show_default=False)] = None,
    disagreement: Annotated[bool, typer.Option(
        "--disagreement", metavar="", help="The id is a disagreement's (disagreements.id), not a flag's.")] = False,
    reviewer: Annotated[str | None, typer.Option(
        "--reviewer", help="Who reviews (default: $PROVENANCE_REVIEWER, else the login name).", metavar="NAME",
        show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """Record a person's verdict on a flag (or a disagreement): dismissed or confirmed, by whom, when and why."""
    if dismiss == confirm:
        raise fail("give one of --dismiss and --confirm")
    db_path = db_path_of(db)
    if not db_path.is_file():
        raise fail(f"{db_path}: no audit database here", "Run `provenance audit PATH` first, or give --db.")
    who = reviewer or os.environ.get("PROVENANCE_REVIEWER") or _login()
    kind = "disagreement" if disagreement else "flag"
    verdict = "dismissed" if dismiss else "confirmed"
    now = dt.datetime.now(dt.timezone.utc)
    ruleset = load_rule_set(None)
    try:
        store = AuditStore.open(db_path)
    except ProvenanceError as exc:
        raise fail(str(exc)) from None
    try:
        with store.transaction():
            try:
                review_id = store.add_review(kind, flag_id, verdict, who, note, now)
            except KeyError:
                raise fail(f"{kind} {flag_id}: no such {kind}",
                           "Find ids with `provenance show ARTICLE`." if kind == "flag" else None) from None
            # Scores count only what is not dismissed: count the findings again and rescore their sources.
            articles = store.reviewed_articles(kind, flag_id)
            if kind == "flag":
                store.refresh_findings(articles, tuple(SEVERITY_WEIGHTS.values()))
            rescore_sources(store, articles, ruleset.registry, now)
    finally:
        store.close()
    typer.echo(f"{kind} {flag_id} {verdict} by {who}" + (f": {note}" if note else "") + f" (review {review_id})")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"
