"""Who copied whom: the link between a new article and a known copy of it, with its direction.

The evidence is weighed from strongest to weakest, and the first that speaks
decides (``Copy.decided_by``, with its ``weight`` and the reason):

1. ``canonical`` (0.95): a copy's canonical link names the other's URL or outlet;
2. ``credit`` (0.9): a copy credits the other's outlet ("first published by",
   "Source: ...", "(Reuters) -", a read-more link), or both credit a third
   outlet, their common source: the link is then ``unknown`` and names
   that outlet (``unseen_source``), so that copies of an unseen original point
   to it and not to each other;
3. ``date`` (0.6): after passim, only an article published earlier, by another
   outlet, can be a source, and it must hold what the copy took;
4. ``containment`` (0.4): an excerpt holds only part of its source.

A backdated copy that credits its source is thus a copy, and undated copies
are still directed by credits, canonical links and containment. When nothing
shows which copy is first the link says ``direction = 'unknown'``, never an
invented order. Every step weighed is kept in ``evidence["direction"]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..article.extract import registered_domain
from ..models import Article, Copy, KnownArticle
from ..rules.engine import rules_dir
from ..rules.registry import Registry, load_registry, normalise_name
from .relations import Measures, measure

__all__ = ["WEIGHTS", "Verdict", "decide_direction", "duplicate_link", "link", "registered_domain_of", "unseen_credits"]


def duplicate_link(article_id: int, article: Article, known: KnownArticle) -> Copy:
    # Same normalised text: measured like any candidate, so the evidence holds the real sentence pairs.
    return link(article_id, article, known, "duplicate", measure(article.text, known.text or "", 1.0))


def link(article_id: int, article: Article, known: KnownArticle, relation: str, m: Measures) -> Copy:
    """The link, with its evidence: the measures and each aligned sentence pair as offsets into the two texts
    (``span`` into the text of ``Copy.article_id``, ``other_span`` into the source's), not the sentences."""
    evidence: dict[str, object] = {
        "jaccard": m.jaccard,
        "anchor_jaccard": m.anchor_jaccard,
        "coverage": m.coverage,
        "other_coverage": m.other_coverage,
        "aligned": [
            {"score": p.score, "span": [p.start, p.end], "other_span": [p.other_start, p.other_end]}
            for p in m.pairs
        ],
    }
    if relation == "related":
        return Copy(article_id, known.id, relation, "unknown", m.similarity, "same topic, not a copy: "
                    f"{len(m.pairs)} aligned sentence(s), 5-gram Jaccard {m.jaccard:.2f}",
                    m.containment, m.other_containment, evidence)
    verdict = decide_direction(article, known, relation, m)
    evidence["direction"] = list(verdict.steps)
    weight, decided_by, unseen = WEIGHTS[verdict.decided_by], verdict.decided_by, verdict.unseen_source
    if verdict.source_is_known is None:
        if relation == "excerpt" and m.other_containment > m.containment:
            # The excerpt is the one whose text is contained in the other: it goes first.
            return Copy(known.id, article_id, relation, "unknown", m.similarity, verdict.reason, m.other_containment,
                        m.containment, _flipped(evidence), decided_by, weight, unseen)
        return Copy(article_id, known.id, relation, "unknown", m.similarity, verdict.reason, m.containment,
                    m.other_containment, evidence, decided_by, weight, unseen)
    if verdict.source_is_known:
        return Copy(article_id, known.id, relation, "derived", m.similarity, verdict.reason, m.containment,
                    m.other_containment, evidence, decided_by, weight, unseen)
    return Copy(known.id, article_id, relation, "derived", m.similarity, verdict.reason, m.other_containment,
                m.containment, _flipped(evidence), decided_by, weight, unseen)


def _flipped(evidence: dict[str, object]) -> dict[str, object]:
    aligned = evidence["aligned"]
    assert isinstance(aligned, list)
    return {**evidence, "coverage": evidence["other_coverage"], "other_coverage": evidence["coverage"],
            "aligned": [_flip(p) for p in aligned]}


def _flip(pair: dict[str, object]) -> dict[str, object]:
    return {"score": pair["score"], "span": pair["other_span"], "other_span": pair["span"]}


#: How strongly each kind of evidence decides a direction: an explicit credit or canonical link
#: outranks dates, dates outrank containment asymmetry.
WEIGHTS = {"canonical": 0.95, "credit": 0.9, "date": 0.6, "containment": 0.4, "same-outlet": 0.0, "none": 0.0}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Which copy is the source (``source_is_known``: the known article True, the new one False,
    unknown None), the evidence that decided it, why, and every piece of evidence weighed, in order."""

    source_is_known: bool | None
    decided_by: str
    reason: str
    unseen_source: str | None = None
    steps: tuple[str, ...] = ()


def decide_direction(article: Article, known: KnownArticle, relation: str, m: Measures) -> Verdict:
    """Weigh the evidence from strongest to weakest: canonical links, credits, dates, containment."""
    steps: list[str] = []
    mine, theirs = _outlet(article.domain, article.site_name), _outlet(known.domain, known.site_name)
    if mine and mine == theirs:
        return Verdict(None, "same-outlet", f"same outlet ({mine}): a version or a mirror, not a copy between outlets")
    # 1. canonical links naming the other copy's URL or outlet
    canon, other_canon = _canonical_domain(article.canonical_url, article.domain), _canonical_domain(
        known.canonical_url, known.domain)
    points_to_known = _points_to(article.canonical_url, canon, known.url, known.canonical_url, known.domain)
    points_to_me = _points_to(known.canonical_url, other_canon, article.url, article.canonical_url, article.domain)
    if points_to_known != points_to_me:
        target, link_url = (theirs, article.canonical_url) if points_to_known else (mine, known.canonical_url)
        return Verdict(points_to_known, "canonical", f"the copy's canonical link names the source ({target}): {link_url}",
                       steps=tuple(steps))
    if canon and canon == other_canon:
        return Verdict(None, "canonical", f"common unseen source: both copies' canonical links name {canon}", canon)
    for side, domain in (("new", canon), ("known", other_canon)):
        if domain:
            steps.append(f"the {side} copy's canonical link names another outlet, {domain}")
    # 2. credits naming the other copy's outlet, or a third outlet
    credits_known = _credited(article.credits, known.domain, known.site_name)
    credits_me = _credited(known.credits, article.domain, article.site_name)
    if credits_known and not credits_me:
        return Verdict(True, "credit", f"the copy credits the source's outlet ({theirs}): '{credits_known}'",
                       steps=tuple(steps))
    if credits_me and not credits_known:
        return Verdict(False, "credit", f"the copy credits the source's outlet ({mine}): '{credits_me}'",
                       steps=tuple(steps))
    if credits_me and credits_known:
        steps.append(f"each credits the other ('{credits_known}', '{credits_me}'): the credits cannot decide")
    third = _third_credit(article, known)
    if third is not None:
        return Verdict(None, "credit", f"common unseen source: both copies credit {_shown(third, article, known)}, "
                       "which is neither of them", _shown(third, article, known), tuple(steps))
    # 3. dates
    day, other_day = (article.published or "")[:10], (known.published or "")[:10]
    if day and other_day and day != other_day:
        earlier = other_day < day
        # Share of the later text found in the earlier one: a source must hold what the copy took.
        held = m.containment if earlier else m.other_containment
        if relation in ("reprint", "excerpt") and held < 0.5:
            return Verdict(None, "date", (
                f"the earlier copy ({min(day, other_day)}) holds only {held:.0%} of the later one: "
                "both likely derive from a fuller source"), steps=tuple(steps))
        first = known if earlier else article
        own = _outlet_keys(article.domain, article.site_name) | _outlet_keys(known.domain, known.site_name)
        elsewhere = next((k for k in _credit_keys(first.credits) if k not in own), None)
        if elsewhere is not None:
            # The earlier copy says itself that it took the story from a third outlet: its date
            # (perhaps backdated) does not make it the other's source.
            shown = _shown(elsewhere, article, known)
            return Verdict(None, "credit", f"the earlier copy ({min(day, other_day)}) credits {shown} as its "
                           "source: both likely derive from it", shown, tuple(steps))
        return Verdict(earlier, "date", f"the source was published on {min(day, other_day)}, "
                       f"the copy on {max(day, other_day)}", steps=tuple(steps))
    steps.append("dates: " + ("the same day" if day and day == other_day else "no date that orders them"))
    # 4. containment asymmetry: the excerpt holds part of the source's text
    if relation == "excerpt" and abs(m.containment - m.other_containment) >= 0.2:
        known_is_longer = m.containment > m.other_containment
        return Verdict(known_is_longer, "containment",
                       "the copy holds only part of the source's text (asymmetric containment: "
                       f"{max(m.containment, m.other_containment):.0%} against {min(m.containment, m.other_containment):.0%})",
                       steps=tuple(steps))
    when = "the same day" if day and day == other_day else "no date that orders them"
    return Verdict(None, "none", f"no copy can be shown to be first: {when}", steps=tuple(steps))


def _outlet(domain: str | None, site: str | None) -> str | None:
    return domain or (" ".join(site.lower().split()) if site else None)


def _canonical_domain(canonical_url: str | None, own_domain: str | None) -> str | None:
    """The outlet a canonical link names, when it is another outlet than the page's own."""
    domain = registered_domain(canonical_url)
    return domain if domain and own_domain and domain != own_domain else None


def _points_to(canonical_url: str | None, canonical_domain: str | None, url: str | None,
               other_canonical: str | None, domain: str | None) -> bool:
    if not canonical_url or canonical_domain is None:
        return False
    target = _bare_url(canonical_url)
    return target in {_bare_url(u) for u in (url, other_canonical) if u} or canonical_domain == domain


def _bare_url(url: str) -> str:
    return re.sub(r"^https?://(?:www\.)?", "", url.strip()).split("#")[0].split("?")[0].rstrip("/").lower()


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", normalise_name(text))


def _outlet_keys(domain: str | None, site: str | None) -> set[str]:
    """The names an outlet goes by: its domain, the domain's label, its site name, and the
    registry's names for the outlet that owns the domain."""
    keys: set[str] = set()
    if domain:
        keys |= {_squash(domain), _squash(domain.split(".")[0])}
        entry = _registry().for_domain(domain)
        if entry is not None:
            keys |= {_squash(n) for n in entry.names}
    if site:
        keys.add(_squash(site))
        entry = _registry().for_name(site)
        if entry is not None:
            keys |= {_squash(n) for n in entry.names}
    return {k for k in keys if len(k) >= 2}


def _credit_keys(credits: Sequence[str]) -> dict[str, str]:
    """Each credit by its key: the registry's name for it when it has one, else the name squashed."""
    keys: dict[str, str] = {}
    for credit in credits:
        entry = _registry().for_name(credit)
        key = _squash(entry.name) if entry is not None else _squash(registered_domain_of(credit) or credit)
        if len(key) >= 2:
            keys.setdefault(key, credit)
    return keys


def registered_domain_of(credit: str) -> str | None:
    """A credit written as a domain or URL ("harbourdaily.com") names that domain."""
    text = credit.strip().lower()
    if " " in text or "." not in text:
        return None
    return registered_domain(text if "://" in text else "http://" + text)


def _credited(credits: Sequence[str], domain: str | None, site: str | None) -> str | None:
    """The credit that names this outlet, if any."""
    if not credits:
        return None
    names = _outlet_keys(domain, site)
    for credit in credits:
        entry = _registry().for_name(credit)
        if entry is not None and domain and entry.owns(domain):
            return credit
        as_domain = registered_domain_of(credit)
        if as_domain is not None and as_domain == domain:
            return credit
        if _squash(credit) in names or (entry is not None and _squash(entry.name) in names):
            return credit
    return None


def _third_credit(article: Article, known: KnownArticle) -> str | None:
    """An outlet both copies credit that is neither copy's: their common source."""
    own = _outlet_keys(article.domain, article.site_name) | _outlet_keys(known.domain, known.site_name)
    theirs = _credit_keys(known.credits)
    return next((k for k in _credit_keys(article.credits) if k in theirs and k not in own), None)


def _shown(key: str, article: Article, known: KnownArticle) -> str:
    """The credit as written for a key: the registry's name, else the first spelling seen."""
    spelled = {**_credit_keys(known.credits), **_credit_keys(article.credits)}[key]
    entry = _registry().for_name(spelled)
    return entry.name if entry is not None else spelled


@lru_cache(maxsize=1)
def _registry() -> Registry:
    """The built-in outlet registry (``rules/sources/``)."""
    folder = rules_dir() / "sources"
    return load_registry([(path, f"rules/sources/{path.name}") for path in sorted(folder.glob("*.y*ml"))])


def unseen_credits(credits: Sequence[str], outlets: Sequence[tuple[str | None, str | None]]) -> list[str]:
    """The outlets these credits name that are none of ``outlets`` (domain, site name), by their
    registry name when they have one: sources that are not in the database."""
    own: set[str] = set()
    for domain, site in outlets:
        own |= _outlet_keys(domain, site)
    found = []
    for key, credit in _credit_keys(credits).items():
        if key not in own:
            entry = _registry().for_name(credit)
            found.append(entry.name if entry is not None else credit)
    return found
