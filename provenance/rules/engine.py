"""Rules as data: load the YAML rules, apply them to an article, run their examples.

A rule is one YAML file, ``rules/<folder>/<rule-id>.yaml`` (the file name is
the id). It reads some zones of the page (``zones``: zone kinds, ``body-span``
for the body and every zone between its paragraphs, or ``page``) and either
matches regular expressions (``patterns``, minus ``patterns-not``) or runs a
Python check registered in :mod:`provenance.checks` (``check`` and
``params``). Every rule carries examples that must match and must not match.

Pattern semantics:

- patterns are case-insensitive (``case-sensitive: true`` to change) and
  multi-line (``^`` and ``$`` match at line ends), and run on RE2, in time
  linear in the text (:mod:`provenance.rules.patterns`): a pattern that needs
  backtracking (look-around, back-references) is refused at load time;
- a match is dropped when a ``patterns-not`` pattern matches anywhere in the
  sentence around it;
- each zone gives at most one finding per rule, and only when it holds at
  least ``min-count`` distinct matches (default 1).

``inputs`` (default: all) restricts a rule to kinds of input: the scrape
rules read text dumps and records, which are copies of a page, and not HTML,
where a publisher's own page legitimately repeats its headline or carries
"Advertisement" markers.

The built-in rules are ``provenance/_data/rules`` in an installed wheel, else
the ``rules/`` folder of the checkout. ``rules/sources/*.yaml`` (and
``sources/*.yaml`` in a user folder) is the registry of outlets, not rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import cast

import re2

from . import attribution as _attribution  # noqa: F401  (registers its checks)
from . import staleness as _staleness  # noqa: F401  (registers its check)
from . import spam as _spam  # noqa: F401  (registers its check)
from . import statements as _statements  # noqa: F401  (registers its check)
from . import patterns as patterns_module
from .patterns import LinearPattern, PatternError, Span
from ..cache import has_mark, set_mark
from .checks import CHECKS, CheckCall, Hit, select_zones, sentence_span
from ..errors import RuleFileError
from .examples import Example, ExampleResult, read_examples, run_example, run_examples
from ..models import ZONE_KINDS, Article, Fact, Finding, Severity, Zone
from .registry import Registry, load_registry
from .prefilter import Clauses, may_match, required_literals
from .rulefiles import FieldReader, combined, read_yaml

__all__ = [
    "CATEGORIES",
    "Example",
    "ExampleResult",
    "Rule",
    "RuleContext",
    "RuleSet",
    "apply_rule",
    "apply_rules",
    "load_rules",
    "rules_dir",
    "rules_in",
    "run_example",
    "run_examples",
]

CATEGORIES = (
    "ai-disclosure",
    "ai-leftover",
    "seo-spam",
    "attribution",
    "staleness",
    "metadata",
    "encoding",
    "rights",
    "scrape-artifact",
)
SEVERITIES = ("info", "warning", "error")
CONFIDENCES = ("high", "medium", "low")
_FIELDS = (
    "id", "category", "severity", "confidence", "description", "message", "patterns", "patterns-not",
    "case-sensitive", "min-count", "zones", "inputs", "check", "params", "examples", "aliases",
)  # fmt: skip
INPUT_KINDS = ("text", "html", "record")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_MAX_FINDINGS_PER_RULE = 10


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule, as loaded from its file."""

    id: str
    category: str
    severity: Severity
    confidence: str
    description: str
    message: str
    zones: tuple[str, ...]
    examples: dict[str, tuple[Example, ...]]
    patterns: tuple[LinearPattern, ...] = ()
    patterns_not: tuple[LinearPattern, ...] = ()
    screen: LinearPattern | None = None
    #: Strings one of which every match contains (see rules.prefilter); None: no such test.
    prefilter: tuple[Clauses, ...] | None = None
    min_count: int = 1
    check: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    inputs: tuple[str, ...] = INPUT_KINDS
    source: str = ""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The loaded rules, the outlet registry, and the version that names them."""

    rules: tuple[Rule, ...]
    registry: Registry
    version: str
    files: tuple[str, ...] = ()

    def get(self, rule_id: str) -> Rule:
        """A rule by id or by one of its old ids (``aliases``)."""
        for rule in self.rules:
            if rule.id == rule_id or rule_id in rule.aliases:
                return rule
        raise KeyError(rule_id)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What the rules know besides the article: the audit time, its facts, the registry.

    ``registry`` None means the registry of the rule set.
    """

    now: dt.datetime
    facts: tuple[Fact, ...] = ()
    registry: Registry | None = None


def rules_dir() -> Path:
    """The built-in ``rules/``: inside the installed wheel, or at the top of a checkout."""
    packaged = resources.files("provenance") / "_data" / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """Load the built-in rules and the registry, then each user folder in order.

    Raises RuleFileError naming the file and the field on the first bad file,
    on an id defined twice, and on a user folder that does not exist.
    """
    rule_files: list[tuple[Path, str]] = []
    registry_files: list[tuple[Path, str]] = []
    for folder, shown in [(rules_dir(), Path("rules")), *((Path(d), Path(d)) for d in extra_dirs)]:
        if not folder.is_dir():
            raise RuleFileError("not a folder of rules", source=str(shown))
        for path in sorted(folder.rglob("*.y*ml")):
            relative = path.relative_to(folder)
            if any(part.startswith(".") for part in relative.parts):
                continue
            target = registry_files if relative.parts[0] == "sources" else rule_files
            target.append((path, (shown / relative).as_posix()))
    registry = load_registry(registry_files)
    version = _version(rule_files + registry_files)
    # Compiling every pattern on RE2 (to refuse a bad one with its file and field) is most of the time
    # of loading; a rule set that passed once, by the same checking code, compiles each pattern at its
    # first use instead.
    mark = f"{version}-{_checker_digest()}"
    checked = has_mark(mark)
    rules = _read_rules(rule_files, deferred=checked)
    if not checked:
        set_mark(mark)
    return RuleSet(rules, registry, version, tuple(s for _, s in rule_files))


@lru_cache(maxsize=1)
def _checker_digest() -> str:
    """The code that checks patterns: this module, the pattern compiler and the RE2 library installed."""
    digest = hashlib.sha256()
    for path in (Path(__file__), Path(patterns_module.__file__ or ""), Path(re2.__file__ or "")):
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:12]


def rules_in(ruleset: RuleSet, folder: Path) -> list[str]:
    """The ids of the rules loaded from ``folder`` (a user folder given to load_rules, or ``rules``)."""
    prefix = Path(folder).as_posix().rstrip("/") + "/"
    return [rule.id for rule in ruleset.rules if rule.source.startswith(prefix)]


def _read_rules(files: Sequence[tuple[Path, str]], *, deferred: bool = False) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    errors: list[RuleFileError] = []
    for path, source in files:
        try:
            rule = _read_rule(path, source, deferred=deferred)
        except RuleFileError as exc:
            errors.append(exc)  # read on: every bad file is reported at once
            continue
        for name in (rule.id, *rule.aliases):
            if name in seen:
                errors.append(RuleFileError(f"id: {name!r} is already defined in {seen[name]}", source=source))
            seen[name] = source
        rules.append(rule)
    if errors:
        raise combined(errors)
    return tuple(rules)


def _version(files: Sequence[tuple[Path, str]]) -> str:
    digest = hashlib.sha256()
    for path, source in sorted(files, key=lambda item: item[1]):
        digest.update(source.encode() + b"\0" + path.read_bytes() + b"\0")
    return "rules-" + digest.hexdigest()[:12]


def _read_rule(path: Path, source: str, *, deferred: bool = False) -> Rule:
    reader = FieldReader(read_yaml(path, source), source)
    reader.only(_FIELDS)
    rule_id = reader.optional_text("id") or path.stem  # the file name is the id; `id:` may repeat it
    if not _ID.match(rule_id):
        reader.fail("id", f"expected lower-case words joined by '-', got {rule_id!r}")
    if rule_id != path.stem:
        reader.fail("id", f"expected {path.stem!r} (the file name), got {rule_id!r}")
    check = _read_check(reader)
    patterns = _patterns(reader, "patterns", deferred=deferred)
    if check is None and not patterns:
        reader.fail("patterns", "missing (a rule needs patterns or a check)")
    if check is not None and patterns:
        reader.fail("patterns", "a rule has patterns or a check, not both")
    screen = LinearPattern.union(patterns, deferred=deferred)
    message = reader.text("message")
    allowed = {"match", *(CHECKS[check].fields if check else ())}
    for name in _PLACEHOLDER.findall(message):
        if name not in allowed:
            reader.fail("message", f"unknown placeholder {{{name}}} (expected one of {sorted(allowed)})")
    return Rule(
        id=rule_id,
        category=reader.choice("category", CATEGORIES),
        severity=cast(Severity, reader.choice("severity", SEVERITIES)),
        confidence=reader.choice("confidence", CONFIDENCES, default="high"),
        description=reader.text("description"),
        message=message,
        zones=_zones(reader),
        examples=read_examples(reader),
        patterns=patterns,
        patterns_not=_patterns(reader, "patterns-not", deferred=deferred),
        screen=screen,
        prefilter=required_literals(patterns) if patterns else None,
        min_count=reader.integer("min-count", 1),
        check=check,
        params=_params(reader, check, deferred=deferred) if check else {},
        aliases=reader.texts("aliases"),
        inputs=_inputs(reader),
        source=source,
    )


def _read_check(reader: FieldReader) -> str | None:
    name = reader.optional_text("check")
    if name is not None and name not in CHECKS:
        reader.fail("check", f"expected one of {'|'.join(sorted(CHECKS))}, got {name!r}")
    if name is None and reader.has("params"):
        reader.fail("params", "only a rule with a check takes params")
    return name


def _params(reader: FieldReader, check: str, *, deferred: bool = False) -> dict[str, object]:
    """A check's params; the entries of its pattern lists must compile on RE2 and not match the empty string
    (unless ``deferred``: known to, as the check compiles them when it first runs)."""
    spec = CHECKS[check]
    params = reader.params(check, spec.params, spec.choices)
    for name in () if deferred else spec.patterns:
        entries = params[name]
        assert isinstance(entries, tuple)
        for index, text in enumerate(entries):
            _compiled(reader, f"params.{name}[{index}]", text, is_unicode=True)
    return params


def _patterns(reader: FieldReader, key: str, *, deferred: bool = False) -> tuple[LinearPattern, ...]:
    is_case_sensitive = reader.flag("case-sensitive")
    return tuple(
        _compiled(reader, f"{key}[{index}]", text, is_case_sensitive=is_case_sensitive, deferred=deferred)
        for index, text in enumerate(reader.texts(key))
    )


def _compiled(reader: FieldReader, field: str, text: str, *, is_case_sensitive: bool = False,
              is_unicode: bool = False, deferred: bool = False) -> LinearPattern:
    """``text`` compiled on RE2, or the rule file refused with ``field`` named: not RE2, or matching nothing.
    ``deferred``: known to compile, compiled at its first use."""
    try:
        pattern = LinearPattern(text, is_case_sensitive=is_case_sensitive, is_unicode=is_unicode, deferred=deferred)
    except PatternError as exc:
        reader.fail(field, str(exc))
    if not deferred and pattern.matches_empty():
        reader.fail(field, "the pattern matches the empty string")
    return pattern


def _zones(reader: FieldReader) -> tuple[str, ...]:
    names = reader.texts("zones", required=True)
    if names == ("page",):
        return names
    for index, name in enumerate(names):
        if name not in (*ZONE_KINDS, "body-span"):
            reader.fail(f"zones[{index}]", f"expected page, body-span or a zone kind ({'|'.join(ZONE_KINDS)}), got {name!r}")
    return names


def _inputs(reader: FieldReader) -> tuple[str, ...]:
    kinds = reader.texts("inputs") or INPUT_KINDS
    for index, kind in enumerate(kinds):
        if kind not in INPUT_KINDS:
            reader.fail(f"inputs[{index}]", f"expected {'|'.join(INPUT_KINDS)}, got {kind!r}")
    return kinds


# Applying rules --------------------------------------------------------------


def apply_rules(article: Article, ruleset: RuleSet, context: RuleContext) -> list[Finding]:
    """Every finding of every rule on one article, in page order. Offsets are into ``page_text``."""
    if context.registry is None:
        context = replace(context, registry=ruleset.registry)
    findings: list[Finding] = []
    for rule in ruleset.rules:
        findings.extend(apply_rule(article, rule, context))
    return sorted(findings, key=lambda f: (f.start if f.start is not None else -1, f.rule_id))


def apply_rule(article: Article, rule: Rule, context: RuleContext) -> list[Finding]:
    """The findings of one rule on one article (``context.registry`` None: an empty registry)."""
    if article.kind not in rule.inputs:
        return []
    if rule.check is not None:
        registry = context.registry or Registry()
        call = CheckCall(article, rule.params, rule.zones, context.now, context.facts, registry)
        hits = CHECKS[rule.check].fn(call)
    else:
        hits = _pattern_hits(article, rule)
    return [_finding(article, rule, hit) for hit in hits[:_MAX_FINDINGS_PER_RULE]]


def _pattern_hits(article: Article, rule: Rule) -> list[Hit]:
    hits = []
    for zone in _candidate_zones(article, rule):
        text = article.zone_text(zone)
        found: list[Span] = []
        for pattern in rule.patterns:
            found.extend(m for m in pattern.finditer(text) if m.end > m.start and not _excluded(text, m, rule))
        if found and len({m.text.casefold() for m in found}) >= rule.min_count:
            first = min(found, key=lambda m: m.start)
            hits.append(Hit(first.text, zone.start + first.start, zone.start + first.end))
    return hits


def _candidate_zones(article: Article, rule: Rule) -> list[Zone]:
    """The zones a pattern rule reads, less those that no pattern can match.

    One scan of the whole page with all the rule's patterns finds where they
    may match; only the zones those spans overlap are read one by one.
    """
    if not may_match(rule.prefilter, article.page_text):
        return []
    zones = select_zones(article, rule.zones)
    if rule.screen is None or not zones:
        return zones
    low = article.page_text.rfind("\n", 0, zones[0].start) + 1
    high = max(z.end for z in zones)
    spans = [(m.start, max(m.end, m.start + 1)) for m in rule.screen.finditer(article.page_text, low, high)]
    if not spans:
        return []
    return [z for z in zones if any(start < z.end and end > z.start for start, end in spans)]


def _excluded(text: str, match: Span, rule: Rule) -> bool:
    if not rule.patterns_not:
        return False
    start, end = sentence_span(text, match.start, match.end)
    sentence = text[start:end]
    return any(pattern.search(sentence) for pattern in rule.patterns_not)


def _finding(article: Article, rule: Rule, hit: Hit) -> Finding:
    shown = " ".join(hit.matched.split())
    values = {"match": shown if len(shown) <= 80 else shown[:77] + "...", **hit.fields}
    message = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), rule.message)
    return Finding(
        rule_id=rule.id,
        category=rule.category,
        severity=rule.severity,
        message=message,
        matched=hit.matched,
        zone=_zone_at(article, hit.start),
        start=hit.start,
        end=hit.end,
        confidence=hit.confidence or rule.confidence,
    )


def _zone_at(article: Article, offset: int | None) -> str | None:
    if offset is None:
        return None
    for zone in article.zones:
        if zone.start <= offset < zone.end:
            return zone.kind
    return None
