"""Embedded rule examples: how they are written, and the article each one becomes.

An example is a quoted string, read as one zone of the first kind the rule
reads (``body`` for ``page`` and ``body-span`` rules), or a mapping for rules
that need a whole page or its metadata::

    examples:
      match:
        - "As an AI language model, I cannot browse the internet."
        - text: "Kremlin Daily\\n\\nTalks resume...\\n"
          page: true                     # zone the text like a page dump
          url: "https://kremlin-daily.example/a/1"
          published: "2026-03-01"
          now: "2026-06-01"              # the audit time (default 2026-01-01)
      no-match: [...]
      todo-match: [...]                  # known misses, run as strict xfail
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ExtractError
from ..models import ZONE_KINDS, Article, Document, Finding, Metadata, Zone
from .rulefiles import FieldReader, describe

if TYPE_CHECKING:
    from .engine import Rule, RuleSet

__all__ = ["EXAMPLE_NOW", "Example", "ExampleResult", "example_article", "read_examples", "run_example", "run_examples"]

#: The audit time of an example that does not give one.
EXAMPLE_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
_KINDS = ("match", "no-match", "todo-match")
_KEYS = ("text", "zone", "page", "url", "published", "site-name", "title", "byline", "now")


@dataclass(frozen=True, slots=True)
class Example:
    """One embedded example of a rule."""

    text: str
    zone: str | None = None
    is_page: bool = False
    url: str | None = None
    published: str | None = None
    site_name: str | None = None
    title: str | None = None
    byline: str | None = None
    now: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one embedded example; ``id`` is ``rule-id/no-match/0``.

    ``ok`` is the expected outcome: a match example found, a no-match example
    clean, a todo-match example still missed (a known miss).
    """

    rule_id: str
    kind: str  # match | no-match | todo-match
    index: int
    text: str
    ok: bool
    findings: tuple[Finding, ...] = ()
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.rule_id}/{self.kind}/{self.index}"


def read_examples(reader: FieldReader) -> dict[str, tuple[Example, ...]]:
    """The ``examples`` field of a rule: at least one match and one no-match."""
    if not reader.has("examples"):
        reader.fail("examples", "missing (required: match and no-match examples)")
    section = reader.child(reader.raw("examples"), "examples")
    section.only(_KINDS)
    found = {kind: tuple(_example(section, kind, i, item) for i, item in enumerate(section.items(kind))) for kind in _KINDS}
    for kind in ("match", "no-match"):
        if not found[kind]:
            section.fail(kind, "expected at least one example")
    return found


def _example(section: FieldReader, kind: str, index: int, item: object) -> Example:
    if isinstance(item, str):
        if not item.strip():
            section.fail(f"{kind}[{index}]", "expected a non-empty string")
        return Example(item)
    if not isinstance(item, dict):
        section.fail(f"{kind}[{index}]", f"expected a quoted string or a mapping, got {describe(item)}")
    reader = section.child(item, f"{kind}[{index}]")
    reader.only(_KEYS)
    now = reader.optional_text("now")
    zone = reader.optional_text("zone")
    if zone is not None and zone not in ZONE_KINDS:
        reader.fail("zone", f"expected a zone kind ({'|'.join(ZONE_KINDS)}), got {zone!r}")
    return Example(
        text=reader.text("text"),
        zone=zone,
        is_page=reader.flag("page"),
        url=reader.optional_text("url"),
        published=reader.optional_text("published"),
        site_name=reader.optional_text("site-name"),
        title=reader.optional_text("title"),
        byline=reader.optional_text("byline"),
        now=_instant(reader, now) if now else None,
    )


def _instant(reader: FieldReader, text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        reader.fail("now", f"expected an ISO 8601 date, got {text!r}")
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def example_article(example: Example, rule: Rule) -> tuple[Article, dt.datetime] | str:
    """The article an example stands for and its audit time, or why none could be built."""
    from ..article.extract import extract_article, registered_domain

    now = example.now or EXAMPLE_NOW
    hints = Metadata(example.url, example.title, example.byline, example.published, example.site_name)
    if example.is_page:
        try:
            return extract_article(Document("example", "text", example.text, "0" * 64, hints)), now
        except ExtractError as exc:
            return f"the example page has no article: {exc.message}"
    kind = example.zone or next((z for z in rule.zones if z not in ("page", "body-span")), "body")
    article = Article(
        location="example",
        kind="text",
        raw_sha256="0" * 64,
        page_text=example.text,
        text=example.text if kind == "body" else "",
        zones=(Zone(kind, 0, len(example.text)),),
        title=example.title,
        byline=example.byline,
        published=example.published,
        url=example.url,
        domain=registered_domain(example.url),
        site_name=example.site_name,
    )
    return article, now


def run_examples(ruleset: RuleSet, rule_ids: Sequence[str] | None = None) -> list[ExampleResult]:
    """Run every embedded example (of the given rules, or of all rules)."""
    return [
        run_example(ruleset, rule, kind, index)
        for rule in ruleset.rules
        if rule_ids is None or rule.id in rule_ids
        for kind in ("match", "no-match", "todo-match")
        for index in range(len(rule.examples.get(kind, ())))
    ]


def run_example(ruleset: RuleSet, rule: Rule, kind: str, index: int) -> ExampleResult:
    """Run one example of a rule: ``kind`` is match, no-match or todo-match."""
    from .engine import RuleContext, apply_rule

    example = rule.examples[kind][index]
    built = example_article(example, rule)
    if isinstance(built, str):
        return ExampleResult(rule.id, kind, index, example.text, False, (), built)
    article, now = built
    findings = tuple(apply_rule(article, rule, RuleContext(now=now, registry=ruleset.registry)))
    if kind == "match":
        reason = "" if findings else "expected a finding, got none"
    elif kind == "no-match":
        reason = f"expected no finding, got: {findings[0].message}" if findings else ""
    else:
        reason = "a todo-match now matches: move it to match" if findings else ""
    return ExampleResult(rule.id, kind, index, example.text, not reason, findings, reason)
