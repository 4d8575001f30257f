"""``provenance rules list|test`` and ``provenance sources``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from ..rules.engine import rules_in
from ..rules.examples import run_examples
from ..corpus.scoring import SourceScore, describe_score
from .common import DbOption, RulesOption, clip, load_rule_set, open_read_only

rules_app = typer.Typer(help="Show and check the rules (rules/ and --rules folders).", no_args_is_help=True)


@rules_app.command("list")
def rules_list_command(rules: RulesOption = None) -> None:
    """List every rule: id, category, severity, zones and description."""
    ruleset = load_rule_set(rules)
    for rule in sorted(ruleset.rules, key=lambda r: (r.category, r.id)):
        zones = ",".join(rule.zones)
        typer.echo(f"{rule.severity:<7} {rule.category:<16} {rule.id:<44} [{zones}] {rule.description}")
    typer.echo(f"{len(ruleset.rules)} rule(s), {ruleset.version}")


@rules_app.command("test")
def rules_test_command(
    folder: Annotated[Path | None, typer.Argument(metavar="DIR", help="A rules folder to check (default: every rule).",
                                                  file_okay=False, show_default=False)] = None,
) -> None:
    """Run every rule's embedded examples: those that must match and those that must not."""
    ruleset = load_rule_set([folder] if folder else None)
    ids = rules_in(ruleset, folder) if folder else None
    results = run_examples(ruleset, ids)
    failed = [r for r in results if not r.ok]
    for result in failed:
        typer.echo(f"FAIL {result.id}: {result.reason}")
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


def sources_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(metavar="N", help="Sources shown.", min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print JSON Lines.")] = False,
) -> None:
    """List the sources, worst score first, with the reasons of each score."""
    store = open_read_only(db)
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
            typer.echo(f"{score:5.1f}  {clip(label, 30):<30} {kind or '':<14} {describe_score(scored)}")
    if not rows and not as_json:
        typer.echo("No scored sources yet: run `provenance audit` first.")

