"""Find a new article's copies among everything audited, and say who copied whom.

1. **Candidates** (``candidates``): MinHash LSH bands, so that no query
   compares every pair.
2. **Confirmation** (``relations.measure``): shingle overlap and sentence
   alignment of the two texts.
3. **Relation** (``relations.classify``): duplicate, reprint, excerpt,
   rewrite, or related (same topic, not a copy).
4. **Direction** (``direction.link``): which copy is the source, and why.

``find_copies`` runs the four against an index of stored articles (the local
engine's database); ``confirm_pair`` runs 2 to 4 on one candidate pair (what
the Spark engine does after its band-key join).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..models import AlignedPair, Article, Copy, Fingerprint, KnownArticle
from .candidates import MAX_BAND_MATCHES, band_keys, rank_candidates
from .direction import duplicate_link, link
from .relations import Measures, align_sentences, classify, measure

__all__ = [
    "CopyIndex",
    "Measures",
    "align_sentences",
    "aligned_pairs",
    "band_keys",
    "classify",
    "confirm_pair",
    "find_copies",
    "measure",
]


class CopyIndex(Protocol):
    """What the copies stage needs from the database."""

    def articles_with_hash(self, content_hash: str, *, exclude: int) -> list[KnownArticle]: ...

    def band_candidates(self, keys: Sequence[int], *, exclude: int, limit: int) -> list[tuple[int, bytes, bytes]]: ...

    def known_articles(self, ids: Sequence[int]) -> list[KnownArticle]: ...


def find_copies(article_id: int, article: Article, fingerprint: Fingerprint, index: CopyIndex) -> list[Copy]:
    """Links between a new article and the copies of it already in the index."""
    same = index.articles_with_hash(fingerprint.content_hash, exclude=article_id)
    links = [duplicate_link(article_id, article, known) for known in same]
    raw = index.band_candidates(band_keys(fingerprint), exclude=article_id, limit=MAX_BAND_MATCHES)
    chosen = rank_candidates(fingerprint, raw, skip={k.id for k in same})
    anchors_of = dict(chosen)
    for known in index.known_articles([other_id for other_id, _ in chosen]):
        copy = confirm_pair(article_id, article, known, anchors_of[known.id])
        if copy is not None:
            links.append(copy)
    return links


def confirm_pair(article_id: int, article: Article, known: KnownArticle, anchor_jaccard: float) -> Copy | None:
    """The link between a new article and one candidate, or None when they are unrelated."""
    measures = measure(article.text, known.text or "", anchor_jaccard)
    relation = classify(measures)
    return None if relation is None else link(article_id, article, known, relation, measures)


def aligned_pairs(copy: Copy, article_id: int, text: str, other_text: str) -> list[AlignedPair]:
    """The aligned sentences of a link, from the side of ``article_id``.

    The evidence holds offsets only; ``text`` is the body of ``article_id`` and
    ``other_text`` the body of the other article of the link.
    """
    aligned = copy.evidence.get("aligned", [])
    assert isinstance(aligned, list)
    mine = copy.article_id == article_id
    pairs = []
    for p in aligned:
        (a, b), (c, d) = (p["span"], p["other_span"]) if mine else (p["other_span"], p["span"])
        pairs.append(AlignedPair(text[a:b], other_text[c:d], float(p["score"]), a, b, c, d))
    return pairs
