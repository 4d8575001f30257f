"""Who copied whom: the link between a new article and a known copy of it, with its direction.

After passim: only an article published earlier, by another outlet, can be a
source; asymmetric containment and credits ("Xinhua reports", "first
published by") decide when dates cannot. When no copy can be shown to be
first, the link says ``direction = 'unknown'``: a common unseen source, not an
invented one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Article, Copy, KnownArticle
from .relations import Measures, measure

__all__ = ["duplicate_link", "link"]


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
    source_is_known, reason = _direction(article, known, relation, m)
    if source_is_known is None:
        if relation == "excerpt" and m.other_containment > m.containment:
            # The excerpt is the one whose text is contained in the other: it goes first.
            return Copy(known.id, article_id, relation, "unknown", m.similarity, reason, m.other_containment,
                        m.containment, _flipped(evidence))
        return Copy(article_id, known.id, relation, "unknown", m.similarity, reason, m.containment,
                    m.other_containment, evidence)
    if source_is_known:
        return Copy(article_id, known.id, relation, "derived", m.similarity, reason, m.containment,
                    m.other_containment, evidence)
    return Copy(known.id, article_id, relation, "derived", m.similarity, reason, m.other_containment,
                m.containment, _flipped(evidence))


def _flipped(evidence: dict[str, object]) -> dict[str, object]:
    aligned = evidence["aligned"]
    assert isinstance(aligned, list)
    return {**evidence, "coverage": evidence["other_coverage"], "other_coverage": evidence["coverage"],
            "aligned": [_flip(p) for p in aligned]}


def _flip(pair: dict[str, object]) -> dict[str, object]:
    return {"score": pair["score"], "span": pair["other_span"], "other_span": pair["span"]}


def _direction(article: Article, known: KnownArticle, relation: str, m: Measures) -> tuple[bool | None, str]:
    """Is the known article the source of the new one (True), the reverse (False), or unknown (None)?"""
    mine, theirs = _outlet(article.domain, article.site_name), _outlet(known.domain, known.site_name)
    if mine and mine == theirs:
        return None, f"same outlet ({mine}): a version or a mirror, not a copy between outlets"
    day, other_day = (article.published or "")[:10], (known.published or "")[:10]
    if day and other_day and day != other_day:
        earlier = other_day < day
        # Share of the later text found in the earlier one: a source must hold what the copy took.
        held = m.containment if earlier else m.other_containment
        if relation in ("reprint", "excerpt") and held < 0.5:
            return None, (
                f"the earlier copy ({min(day, other_day)}) holds only {held:.0%} of the later one: "
                "both likely derive from a fuller source"
            )
        return earlier, f"the source was published on {min(day, other_day)}, the copy on {max(day, other_day)}"
    if relation == "excerpt" and abs(m.containment - m.other_containment) >= 0.2:
        known_is_longer = m.containment > m.other_containment
        return known_is_longer, "the copy holds only part of the source's text (asymmetric containment)"
    if _credits(article.credits, known.domain, known.site_name):
        return True, f"the copy credits the source's outlet ({theirs})"
    if _credits(known.credits, article.domain, article.site_name):
        return False, f"the copy credits the source's outlet ({mine})"
    shared = sorted(set(article.credits) & set(known.credits))
    when = "the same day" if day and day == other_day else "no date that orders them"
    if shared:
        return None, f"common unseen source: both credit {', '.join(shared)}; {when}"
    return None, f"no copy can be shown to be first: {when}"


def _outlet(domain: str | None, site: str | None) -> str | None:
    return domain or (" ".join(site.lower().split()) if site else None)


def _credits(credits: Sequence[str], domain: str | None, site: str | None) -> bool:
    names = {n.casefold() for n in (domain, site) if n}
    return any(c.casefold() in names for c in credits)
