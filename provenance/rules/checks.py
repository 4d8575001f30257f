"""Python checks for the rules that need more than a pattern.

A rule names its check (``check: keyword-stuffing``) and may set the check's
``params``; everything else about the rule (id, category, severity, message,
zones, examples) stays in its YAML file. A check is registered here with the
parameters it takes and their defaults, and the placeholders it adds to the
rule's message. It returns :class:`Hit` values with offsets into
``Article.page_text``, or without offsets for something that is missing.

This module holds the registry and the checks on the text of the page;
:mod:`provenance.attribution` and :mod:`provenance.staleness` add theirs.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import Article, Fact, Zone
from .patterns import LinearPattern, top_level_alternatives
from .registry import Registry
from ..article.zones import normalise_space, word_count

__all__ = ["CHECKS", "CheckCall", "CheckSpec", "Hit", "check", "select_zones", "sentence_span"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: Spaces are taken only from where their run starts: tried from every space of a long run, \s* was quadratic.
_SEGMENT_SPLIT = re.compile(r"(?<!\s)\s*[|｜•·]\s*")
_SENTENCE_END = re.compile(r"[.!?。！？](?=[\"'”’)\]]*(?:\s|$))")
_SENTENCE_BREAK = re.compile(r"[.!?。！？][\"'”’)\]]*\s+|\n")
#: sentence punctuation of CJK prose; Korean writes Latin stops and commas after its syllables
_CJK_PUNCT = re.compile(r"[。，！？；：、]|(?<=[\uac00-\ud7af])[.,!?]")
_BY_LINE = re.compile(r"^\W*(?:By|BY|Written by|Words by|Reporting by)\s+[A-Z][\w.'’-]+\s+[A-Z][\w.'’-]+")


@dataclass(frozen=True, slots=True)
class Hit:
    """What a check found: the evidence and its offsets into ``page_text``."""

    matched: str
    start: int | None = None
    end: int | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    confidence: str | None = None


@dataclass(frozen=True, slots=True)
class CheckCall:
    """Everything a check gets: the article, the rule's params and zones, the context."""

    article: Article
    params: Mapping[str, object]
    zones: tuple[str, ...]
    now: dt.datetime
    facts: tuple[Fact, ...]
    registry: Registry

    def number(self, name: str) -> float:
        value = self.params[name]
        assert isinstance(value, (int, float))
        return float(value)

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.params[name]
        assert isinstance(value, tuple)
        return value

    def text(self, name: str) -> str:
        value = self.params[name]
        assert isinstance(value, str)
        return value


CheckFn = Callable[[CheckCall], list[Hit]]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """A registered check: the function, its parameters with defaults, its message fields."""

    fn: CheckFn
    params: Mapping[str, object]
    fields: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: the list params whose entries are patterns (compiled with RE2, refused when the rule is loaded)
    patterns: tuple[str, ...] = ()


CHECKS: dict[str, CheckSpec] = {}


def check(
    name: str,
    params: Mapping[str, object] | None = None,
    fields: Sequence[str] = (),
    choices: Mapping[str, tuple[str, ...]] | None = None,
    patterns: Sequence[str] = (),
) -> Callable[[CheckFn], CheckFn]:
    """Register a check under ``name``; a param's default gives its type (int, float, str, list).

    ``choices`` restricts a string param to a set of values; ``patterns`` names
    the list params whose entries are patterns (Unicode-aware RE2, see
    :mod:`provenance.rules.patterns`).
    """

    def register(fn: CheckFn) -> CheckFn:
        CHECKS[name] = CheckSpec(fn, dict(params or {}), tuple(fields), dict(choices or {}), tuple(patterns))
        return fn

    return register


# Shared helpers -----------------------------------------------------------------


def select_zones(article: Article, names: Sequence[str]) -> list[Zone]:
    """The zones a rule reads: ``page`` is every zone, ``body-span`` the body and what lies between."""
    zones = list(article.zones) or [Zone("body", 0, len(article.page_text))]
    if "page" in names:
        return zones
    wanted = set(names)
    span = _body_span(article, zones) if "body-span" in wanted else range(0)
    return [zone for i, zone in enumerate(zones) if zone.kind in wanted or i in span]


def _body_span(article: Article, zones: list[Zone]) -> range:
    """From the first to the last body zone; a record's text is all article.

    A banner between the first or the last paragraphs can make the zoner take
    the paragraph beyond it for a standfirst or for boilerplate: such a
    paragraph of prose (15 words or more, ending a sentence), separated from
    the body by banners and boilerplate only, extends the span.
    """
    if article.kind == "record":
        return range(len(zones))
    body = [i for i, zone in enumerate(zones) if zone.kind == "body"]
    if not body:
        return range(0)
    first, last = body[0], body[-1]
    before = first - 1
    while before >= 0 and zones[before].kind in ("banner", "boilerplate"):
        before -= 1
    if before < first - 1 and before >= 0 and zones[before].kind == "standfirst" and _is_prose(article, zones[before]):
        first = before
    after = last + 1
    while after < len(zones) and zones[after].kind in ("banner", "boilerplate"):
        if zones[after].kind == "boilerplate" and _is_prose(article, zones[after]) and after > last + 1:
            last = after
        after += 1
    return range(first, last + 1)


def _is_prose(article: Article, zone: Zone) -> bool:
    text = article.zone_text(zone)
    return word_count(text) >= 15 and bool(_SENTENCE_END.search(text))


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line) of ``text`` around ``text[start:end]``."""
    # Looked for in the 2,000 characters before the match only: from the start of the text, for
    # every match, it was quadratic on a long zone.
    left = max(0, start - 2000)
    for match in _SENTENCE_BREAK.finditer(text, left, start):
        left = match.end()
    found = _SENTENCE_BREAK.search(text, end)
    return left, (found.start() + 1 if found else len(text))


def cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


@dataclass(frozen=True, slots=True)
class _Terms:
    """Spam terms as one pattern (group ``t<i>`` for term i) and their literal openings."""

    pattern: LinearPattern
    openings: tuple[str | None, ...]

    def present(self, folded_page: str) -> int:
        """How many terms may be on a page: those whose opening is in it (or that have none)."""
        return sum(1 for opening in self.openings if opening is None or opening in folded_page)


@lru_cache(maxsize=64)
def _terms(terms: tuple[str, ...]) -> _Terms:
    groups = [f"(?P<t{i}>{term})" for i, term in enumerate(terms)]
    latin = [g for g, t in zip(groups, terms) if re.match(r"[A-Za-z]", t)]
    other = [g for g, t in zip(groups, terms) if not re.match(r"[A-Za-z]", t)]
    parts = ([r"\b(?:" + "|".join(latin) + ")"] if latin else []) + other
    return _Terms(LinearPattern("|".join(parts), is_unicode=True), tuple(_opening(t) for t in terms))


def _opening(term: str) -> str | None:
    """The literal text a term must start with (two characters or more), case-folded."""
    if len(top_level_alternatives(term)) > 1:
        return None
    literal = re.match(r"[^\\\[\](){}.*+?|^$]*", term)
    text = literal.group(0) if literal else ""
    if text and term[len(text) : len(text) + 1] in ("?", "*", "{"):
        text = text[:-1]  # "casinos?": the last letter is optional
    return text.casefold() if len(text) >= 2 else None


def _norm(text: str) -> str:
    return normalise_space(text).casefold()


# Text checks ------------------------------------------------------------------------


@check(
    "keyword-stuffing", {"terms": (), "min-terms": 3, "min-segments": 4, "min-density": 0.25}, ("terms", "count"),
    patterns=("terms",),
)
def keyword_stuffing(call: CheckCall) -> list[Hit]:
    """A block listing spam terms: in most of its ``|``-separated segments, or densely in no prose.

    Prose about casinos or drugs names the terms too, but in sentences and
    sparsely: it needs ``min-terms`` distinct terms (terms of the list, not
    spellings) and either ``min-segments``
    segments of which at least ``min-terms`` hold a term, or a term per
    ``1 / min-density`` words and no sentence end. A block whose terms
    are half or more in the article's body is on topic (the tags of a story
    about casinos) and does not fire.
    """
    terms = _terms(call.texts("terms"))
    article = call.article
    if terms.present(article.page_text.casefold()) < call.number("min-terms"):
        return []
    hits = []
    for zone in select_zones(article, call.zones):
        text = article.zone_text(zone)
        found = list(terms.pattern.spans(text))
        distinct = list({group: text[s:e].casefold() for s, e, group in reversed(found)}.values())[::-1]
        if len(distinct) < call.number("min-terms") or _is_on_topic(article, zone, distinct):
            continue
        if _is_term_list(text, terms.pattern, call) or _is_dense(text, len(found), call):
            shown = ", ".join(distinct[:3])
            hits.append(Hit(text.strip(), zone.start, zone.end, {"terms": shown, "count": str(len(distinct))}))
    return hits


def _is_on_topic(article: Article, zone: Zone, terms: list[str]) -> bool:
    """Whether half the terms or more are also in the article's body: tags of a casino story."""
    body = " ".join(article.zone_text(z) for z in article.zones if z.kind == "body" and z != zone).casefold()
    return sum(1 for term in terms if term in body) * 2 >= len(terms)


def _is_term_list(text: str, pattern: LinearPattern, call: CheckCall) -> bool:
    segments = [s for s in _SEGMENT_SPLIT.split(text) if s.strip()]
    if len(segments) < call.number("min-segments"):
        return False
    with_terms = sum(1 for s in segments if pattern.search(s))
    return with_terms >= call.number("min-terms") and with_terms >= 0.3 * len(segments)


def _is_dense(text: str, hits: int, call: CheckCall) -> bool:
    words = max(1, word_count(text))
    return hits / words >= call.number("min-density") and not _SENTENCE_END.search(text.strip())


@check("script-block", {"min-chars": 30, "min-share": 0.5, "min-segments": 5, "max-segment-chars": 25, "page-max-share": 0.05})
def script_block(call: CheckCall) -> list[Hit]:
    """A list of CJK keywords on a page whose body is not CJK: an injected link farm.

    A line needs ``min-chars`` CJK characters making ``min-share`` of its
    characters, ``min-segments`` short segments (split on ``|`` and spaces,
    median no longer than ``max-segment-chars``) and hardly any CJK sentence
    punctuation, so a quotation or a bilingual paragraph (prose) does not fire.
    """
    article = call.article
    if not _CJK.search(article.page_text):
        return []
    lists = [z for z in select_zones(article, call.zones) if _is_cjk_list(article.zone_text(z), call)]
    if not lists:
        return []
    body = "".join(article.zone_text(z) for z in article.zones if z.kind == "body" and z not in lists)
    letters = sum(1 for c in body if c.isalpha()) or 1
    if cjk_count(body) / letters > call.number("page-max-share"):
        return []
    return [Hit(article.zone_text(z).strip(), z.start, z.end) for z in lists]


def _is_cjk_list(text: str, call: CheckCall) -> bool:
    if not _CJK.search(text):
        return False
    cjk = cjk_count(text)
    visible = sum(1 for c in text if not c.isspace()) or 1
    if cjk < call.number("min-chars") or cjk / visible < call.number("min-share"):
        return False
    segments = [s for s in re.split(r"[|｜\s]+", text) if s]
    if len(segments) < call.number("min-segments"):
        return False
    if statistics.median(len(s) for s in segments) > call.number("max-segment-chars"):
        return False
    # Korean prose spaces its words too, but most of them end in a particle or a verb ending
    hangul = [s for s in segments if _HANGUL.search(s)]
    if len(hangul) >= len(segments) / 2 and sum(1 for s in hangul if _HANGUL_ENDING.search(s)) >= 0.3 * len(hangul):
        return False
    return len(_CJK_PUNCT.findall(text)) <= max(1, cjk // 100)


_HANGUL = re.compile(r"[\uac00-\ud7af]")
#: particles and verb endings that close most words of a Korean sentence, and seldom a keyword
_HANGUL_ENDING = re.compile(r"(?:은|는|이|가|을|를|의|에|에서|으로|로|와|과|도|만|다|요|고|며|서|게|지)[.,!?)\]]*$")


@check("duplicated-headline", {}, ("count",))
def duplicated_headline(call: CheckCall) -> list[Hit]:
    """The headline printed more than once (related lists and menus aside)."""
    article = call.article
    titles = [z for z in article.zones if z.kind == "title"]
    wanted = {_norm(article.zone_text(z)) for z in titles}
    if article.title:
        wanted.add(_norm(article.title))
    wanted.discard("")
    same = [
        z
        for z in article.zones
        if z.kind not in ("related", "navigation", "comments") and _norm(article.zone_text(z)) in wanted
    ]
    if len(same) < 2:
        return []
    second = same[1]
    return [Hit(article.zone_text(second), second.start, second.end, {"count": str(len(same))})]


@check("duplicated-paragraph", {"min-words": 15}, ("count",))
def duplicated_paragraph(call: CheckCall) -> list[Hit]:
    """A paragraph of ``min-words`` or more printed twice on the page (a teaser repeating the lead)."""
    article = call.article
    seen: dict[str, list[Zone]] = {}
    for zone in select_zones(article, call.zones):
        if zone.kind in ("related", "comments"):
            continue
        text = article.zone_text(zone)
        if word_count(text) >= call.number("min-words"):
            seen.setdefault(_norm(text), []).append(zone)
    hits = []
    for zones in seen.values():
        if len(zones) > 1:
            again = zones[1]
            hits.append(Hit(article.zone_text(again), again.start, again.end, {"count": str(len(zones))}))
    return hits


@check("missing-metadata", {"field": "byline"}, ("field",), {"field": ("byline", "date", "title")})
def missing_metadata(call: CheckCall) -> list[Hit]:
    """No byline (nor a credit), or no publication date, anywhere in the page or its record.

    A credit counts when it names a registered agency or outlet, or stands in a
    byline zone: "according to the Arvenian ministry" in the body is not one.
    A line of the page opening "By First Last" counts as a byline the
    extractor missed.
    """
    article = call.article
    wanted = call.text("field")
    if wanted == "byline":
        present = (
            bool(article.byline)
            or any(_is_credit(article, c, call.registry) for c in article.credits)
            or any(_BY_LINE.match(article.zone_text(z)) for z in article.zones)
        )
    elif wanted == "date":
        present = bool(article.published)
    else:
        present = bool(article.title)
    return [] if present else [Hit("", fields={"field": wanted})]


def _is_credit(article: Article, credit: str, registry: Registry) -> bool:
    if registry.for_name(credit) is not None:
        return True
    return any(credit in article.zone_text(z) for z in article.zones if z.kind == "byline")
