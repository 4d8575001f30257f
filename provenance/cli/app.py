"""The ``provenance`` command. The package ``provenance.cli`` is the only code that prints or exits.

Each command group lives in a module of its own; this one holds the typer app and registers them:
``audit`` (audit, schema), ``stories`` (story, show), ``rules`` (rules list|test, sources),
``outputs`` (serve, report, watch) and ``review``.

Exit codes: 0 when every input was audited, 1 when some inputs could not be (see the ``errors``
table), 2 for a usage, configuration or database error.
"""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from . import audit, outputs, review, rules, stories

app = typer.Typer(
    help="Source reliability and provenance checker for news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"provenance {version('provenance')}")
        raise typer.Exit()


@app.callback()
def main(
    show_version: Annotated[
        bool, typer.Option("--version", metavar="", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Audit news articles: extract, fingerprint, find copies, and store everything in SQLite."""


app.command("audit")(audit.audit_command)
app.command("schema")(audit.schema_command)
app.command("import")(audit.import_command)
app.command("story")(stories.story_command)
app.command("show")(stories.show_command)
app.add_typer(rules.rules_app, name="rules")
app.command("sources")(rules.sources_command)
app.command("serve")(outputs.serve_command)
app.command("report")(outputs.report_command)
app.command("watch")(outputs.watch_command)
app.command("review")(review.review_command)


if __name__ == "__main__":  # pragma: no cover
    app()
