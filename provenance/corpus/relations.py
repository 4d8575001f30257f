"""How much two texts share, and the relation that follows: duplicate, reprint, excerpt, rewrite,
paraphrase or related.

Confirmation works on the texts themselves: exact 5-shingle Jaccard and
containment both ways, and sentence alignment with rapidfuzz; when the wording
shows no copy, the semantic sentence alignment of ``semantic`` may still show
a paraphrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..article.fingerprint import shingles, tokens
from ..article.sentences import split_sentences
from ..models import AlignedPair
from .matching import best_pairs
from .semantic import MeaningMeasures, is_paraphrase

__all__ = ["MIN_ALIGNMENT", "RELATED_COSINE", "Measures", "align_sentences", "classify", "measure"]

#: Sentences at least this alike (rapidfuzz ratio, 0-100) are aligned.
MIN_ALIGNMENT = 62.0


@dataclass(frozen=True, slots=True)
class Measures:
    """How much two texts share. ``containment`` is the share of the first text found in the second."""

    jaccard: float
    containment: float
    other_containment: float
    coverage: float  # share of the first text's words in aligned sentences
    other_coverage: float
    anchor_jaccard: float
    pairs: tuple[AlignedPair, ...]

    @property
    def similarity(self) -> float:
        """The larger of the 5-gram Jaccard and the aligned share of the shorter text."""
        return round(max(self.jaccard, min(1.0, max(self.coverage, self.other_coverage))), 4)


def align_sentences(text: str, other: str, *, min_score: float = MIN_ALIGNMENT) -> list[AlignedPair]:
    """Pairs of sentences, one from each text, that say the same thing, best first, each used once."""
    from rapidfuzz import fuzz, process

    spans, left = _sentence_table(text)
    other_spans, right = _sentence_table(other)
    if not spans or not other_spans:
        return []
    scores = process.cdist(left, right, scorer=fuzz.ratio, score_cutoff=min_score, dtype=np.uint8)
    pairs = []
    for i, j in best_pairs(scores, scores != 0):
        (a, b), (c, d) = spans[i], other_spans[j]
        pairs.append(AlignedPair(text[a:b], other[c:d], float(scores[i, j]), a, b, c, d))
    return sorted(pairs, key=lambda p: p.start)


@lru_cache(maxsize=64)
def _sentence_table(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """Sentences of four words or more and their normalised forms; cached, as a new article meets many candidates."""
    spans = [s for s in split_sentences(text) if len(text[s[0] : s[1]].split()) >= 4]
    return spans, [" ".join(tokens(text[a:b])) for a, b in spans]


@lru_cache(maxsize=64)
def _shingle_set(text: str) -> frozenset[str]:
    return frozenset(shingles(tokens(text)))


def measure(text: str, other: str, anchor_jaccard: float = 0.0) -> Measures:
    """Shingle overlap and sentence alignment of two texts."""
    mine, theirs = _shingle_set(text), _shingle_set(other)
    shared = len(mine & theirs)
    union = len(mine | theirs) or 1
    pairs = tuple(align_sentences(text, other))
    words = len(text.split()) or 1
    other_words = len(other.split()) or 1
    return Measures(
        jaccard=round(shared / union, 4),
        containment=round(shared / (len(mine) or 1), 4),
        other_containment=round(shared / (len(theirs) or 1), 4),
        coverage=round(min(1.0, sum(len(p.sentence.split()) for p in pairs) / words), 4),
        other_coverage=round(min(1.0, sum(len(p.other_sentence.split()) for p in pairs) / other_words), 4),
        anchor_jaccard=round(anchor_jaccard, 4),
        pairs=pairs,
    )


# 3. relation -------------------------------------------------------------------


#: Documents at least this alike in meaning are on the same topic (``related``) when nothing more is shown.
RELATED_COSINE = 0.85


def classify(m: Measures, meaning: MeaningMeasures | None = None) -> str | None:
    """The relation of a text to another, from their measures, or None when they are unrelated.

    Wording first: reprint, excerpt, rewrite. Then meaning, when it was
    measured: ``paraphrase`` when the sentences say the same things in other
    words, ``related`` when only the documents are alike. Thresholds were set
    on the Clough-Stevenson corpus and the synthetic families of
    benchmarks/copies_families.py and benchmarks/semantic_copies.py.
    """
    if m.jaccard >= 0.6:
        return "reprint"
    if max(m.containment, m.other_containment) >= 0.6:
        return "excerpt"
    aligned = len(m.pairs)
    coverage = max(m.coverage, m.other_coverage)
    if coverage >= 0.2 and (aligned >= 3 or (aligned >= 2 and m.jaccard >= 0.01)):
        return "rewrite"
    if meaning is not None and is_paraphrase(meaning):
        return "paraphrase"
    if m.anchor_jaccard >= 0.2 and (aligned >= 1 or m.anchor_jaccard >= 0.3):
        return "related"
    if meaning is not None and meaning.cosine >= RELATED_COSINE:
        return "related"
    return None
