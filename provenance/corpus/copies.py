"""Find a new article's copies among everything audited, and say who copied whom.

1. **Candidates** (``candidates``): MinHash LSH bands, so that no query
   compares every pair, and the nearest document vectors (``semantic``).
2. **Confirmation** (``relations.measure``): shingle overlap and sentence
   alignment of the two texts.
3. **Relation** (``relations.classify``): duplicate, reprint, excerpt,
   rewrite, paraphrase (``semantic``: the same sentences in other words), or
   related (same topic, not a copy).
4. **Direction** (``direction.link``): which copy is the source, and why.

``find_copies`` runs the four against an index of stored articles (the local
engine's database); ``confirm_pair`` runs 2 to 4 on one candidate pair (what
the Spark engine does after its band-key join).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np

from ..models import AlignedPair, Article, Copy, Fingerprint, KnownArticle
from .candidates import MAX_BAND_MATCHES, MAX_CANDIDATES, band_keys, rank_candidates
from .direction import duplicate_link, link
from .relations import Measures, align_sentences, classify, measure
from .semantic import MIN_DOCUMENT, MODEL, MeaningMeasures, measure_meaning

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

    def vector_candidates(
        self, vector: np.ndarray, *, exclude: int, ids: Sequence[int], limit: int
    ) -> list[tuple[int, float]]: ...


def find_copies(
    article_id: int, article: Article, fingerprint: Fingerprint, index: CopyIndex, vector: np.ndarray | None = None
) -> list[Copy]:
    """Links between a new article and the copies of it already in the index.

    ``vector`` is the article's document vector (None in a language the model
    does not read): its nearest neighbours join the band candidates.
    """
    same = index.articles_with_hash(fingerprint.content_hash, exclude=article_id)
    links = [duplicate_link(article_id, article, known) for known in same]
    raw = index.band_candidates(band_keys(fingerprint), exclude=article_id, limit=MAX_BAND_MATCHES)
    skip = {k.id for k in same}
    chosen = rank_candidates(fingerprint, raw, skip=skip)
    anchors_of = dict(chosen)
    cosines: dict[int, float] = {}
    if vector is not None:
        found = index.vector_candidates(vector, exclude=article_id, ids=list(anchors_of), limit=MAX_CANDIDATES)
        cosines = {other_id: value for other_id, value in found if other_id not in skip}
        for other_id in cosines:
            anchors_of.setdefault(other_id, 0.0)
    for known in index.known_articles(list(anchors_of)):
        copy = confirm_pair(article_id, article, known, anchors_of[known.id], cosines.get(known.id))
        if copy is not None:
            links.append(copy)
    return links


def confirm_pair(
    article_id: int, article: Article, known: KnownArticle, anchor_jaccard: float, cosine: float | None = None
) -> Copy | None:
    """The link between a new article and one candidate, or None when they are unrelated.

    ``cosine`` is the cosine of the two document vectors, when both articles
    have one: then, if the wording shows no copy, their sentences are aligned by
    meaning too, and a paraphrase or a same-topic link may follow.
    """
    other = known.text or ""
    measures = measure(article.text, other, anchor_jaccard)
    relation = classify(measures)
    if cosine is None or cosine < MIN_DOCUMENT or relation not in (None, "related"):
        return None if relation is None else link(article_id, article, known, relation, measures)
    meaning = measure_meaning(article.text, other, cosine)
    relation = classify(measures, meaning)
    if relation is None:
        return None
    if relation == "paraphrase":
        measures = replace(measures, pairs=meaning.pairs, coverage=meaning.coverage,
                           other_coverage=meaning.other_coverage)
    return _semantic_evidence(link(article_id, article, known, relation, measures), meaning, relation == "paraphrase")


def _semantic_evidence(copy: Copy, meaning: MeaningMeasures, is_paraphrase: bool) -> Copy:
    """Say in a link's evidence that meaning was measured: the model, the document cosine and the pairs' cosines."""
    evidence = dict(copy.evidence)
    evidence["semantic"] = {"model": MODEL, "document_cosine": meaning.cosine, "strength": meaning.strength,
                            "share": meaning.share, "long_share": meaning.long_share, "strong_pairs": meaning.strong,
                            "mutual_best": meaning.mutual}
    if is_paraphrase:
        aligned = evidence.get("aligned", [])
        assert isinstance(aligned, list)
        evidence["aligned"] = [{**p, "semantic": True, "cosine": round(float(p["score"]) / 100, 3)} for p in aligned]
    return replace(copy, evidence=evidence)


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
