"""Stage 4: find a new article's copies among everything audited, and say who copied whom.

1. **Candidates** come from MinHash LSH bands kept in the database, so that no
   query compares every pair: 32 bands of 2 values over the word-5-shingle
   signature find reprints and excerpts (a verbatim excerpt has a 5-gram
   Jaccard of only about 0.3 with its source), and 21 bands of 3 values over
   the signature of names and numbers find rewrites, whose reworded
   sentences share few 5-grams but keep the same facts.
2. **Confirmation** on the texts themselves: exact 5-shingle Jaccard and
   containment both ways, and sentence alignment with rapidfuzz.
3. **Relation**: duplicate, reprint, excerpt, rewrite, or related (same topic,
   not a copy).
4. **Direction**, after passim: only an article published earlier, by
   another outlet, can be a source; the best-aligned such copy wins;
   asymmetric containment and credits ("Xinhua reports", "first published by")
   break ties. When no copy can be shown to be first, the link says
   ``direction = 'unknown'``: a common unseen source, not an invented one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np

from ..article.fingerprint import shingles, signature_values, tokens
from ..models import AlignedPair, Article, Copy, Fingerprint, KnownArticle
from ..article.sentences import split_sentences

__all__ = [
    "CopyIndex",
    "aligned_pairs",
    "Measures",
    "align_sentences",
    "band_keys",
    "classify",
    "find_copies",
    "measure",
]

#: Candidate search: (first band number, rows per band, bands) for each signature.
SHINGLE_BANDS = (0, 2, 32)
ANCHOR_BANDS = (64, 3, 21)
#: A candidate is compared on its text when either estimate reaches its floor.
MIN_ESTIMATED_JACCARD = 0.04
MIN_ESTIMATED_ANCHORS = 0.2
MAX_CANDIDATES = 25
#: Sentences at least this alike (rapidfuzz ratio, 0-100) are aligned.
MIN_ALIGNMENT = 62.0


class CopyIndex(Protocol):
    """What the copies stage needs from the database."""

    def articles_with_hash(self, content_hash: str, *, exclude: int) -> list[KnownArticle]: ...

    def band_candidates(self, keys: Sequence[int], *, exclude: int, limit: int) -> list[tuple[int, bytes, bytes]]: ...

    def known_articles(self, ids: Sequence[int]) -> list[KnownArticle]: ...


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


# 1. candidates -----------------------------------------------------------------


def band_keys(fingerprint: Fingerprint) -> list[int]:
    """The LSH keys of an article: one per band, band number in the top bits."""
    keys = _keys(signature_values(fingerprint.minhash), *SHINGLE_BANDS)
    if fingerprint.anchor_minhash:
        anchor = signature_values(fingerprint.anchor_minhash)
        if not (anchor == 0xFFFFFFFF).all():
            keys += _keys(anchor, *ANCHOR_BANDS)
    return keys


def _keys(values: np.ndarray, first: int, rows: int, bands: int) -> list[int]:
    keys = []
    for band in range(bands):
        bucket = 0
        for value in values[band * rows : band * rows + rows].tolist():
            bucket = (bucket * 0x100000001B3 + value + 1) & 0xFFFFFFFFFFFFFF
        keys.append(((first + band) << 56) | bucket)
    return keys


def _estimate(a: bytes, b: bytes) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.mean(signature_values(a) == signature_values(b)))


# 2. confirmation ---------------------------------------------------------------

def align_sentences(text: str, other: str, *, min_score: float = MIN_ALIGNMENT) -> list[AlignedPair]:
    """Pairs of sentences, one from each text, that say the same thing, best first, each used once."""
    from rapidfuzz import fuzz, process

    spans, left = _sentence_table(text)
    other_spans, right = _sentence_table(other)
    if not spans or not other_spans:
        return []
    scores = process.cdist(left, right, scorer=fuzz.ratio, score_cutoff=min_score, dtype=np.uint8)
    rows, cols = np.nonzero(scores)
    order = np.argsort(-scores[rows, cols], kind="stable")
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for k in order.tolist():
        i, j = int(rows[k]), int(cols[k])
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
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


def classify(m: Measures) -> str | None:
    """The relation of a text to another, from their measures, or None when they are unrelated.

    Thresholds were set on the Clough-Stevenson corpus and the synthetic
    families of benchmarks/copies_families.py (see that script).
    """
    if m.jaccard >= 0.6:
        return "reprint"
    if max(m.containment, m.other_containment) >= 0.6:
        return "excerpt"
    aligned = len(m.pairs)
    coverage = max(m.coverage, m.other_coverage)
    if coverage >= 0.2 and (aligned >= 3 or (aligned >= 2 and m.jaccard >= 0.01)):
        return "rewrite"
    if m.anchor_jaccard >= 0.2 and (aligned >= 1 or m.anchor_jaccard >= 0.3):
        return "related"
    return None


# 4. direction and the stage's verb ---------------------------------------------


def find_copies(article_id: int, article: Article, fingerprint: Fingerprint, index: CopyIndex) -> list[Copy]:
    """Links between a new article and the copies of it already in the index."""
    same = index.articles_with_hash(fingerprint.content_hash, exclude=article_id)
    links = [_duplicate_link(article_id, article, known) for known in same]
    seen = {k.id for k in same}
    raw = index.band_candidates(band_keys(fingerprint), exclude=article_id, limit=MAX_CANDIDATES * 8)
    ranked = []
    for other_id, minhash, anchor in raw:
        if other_id in seen:
            continue
        estimate = _estimate(fingerprint.minhash, minhash)
        anchors = _estimate(fingerprint.anchor_minhash, anchor)
        if estimate >= MIN_ESTIMATED_JACCARD or anchors >= MIN_ESTIMATED_ANCHORS:
            ranked.append((max(estimate, anchors), other_id, anchors))
    ranked.sort(reverse=True)
    chosen = ranked[:MAX_CANDIDATES]
    anchors_of = {other_id: anchors for _, other_id, anchors in chosen}
    for known in index.known_articles([other_id for _, other_id, _ in chosen]):
        measures = measure(article.text, known.text or "", anchors_of[known.id])
        relation = classify(measures)
        if relation is not None:
            links.append(_link(article_id, article, known, relation, measures))
    return links


def _duplicate_link(article_id: int, article: Article, known: KnownArticle) -> Copy:
    # Same normalised text: measured like any candidate, so the evidence holds the real sentence pairs.
    return _link(article_id, article, known, "duplicate", measure(article.text, known.text or "", 1.0))


def _link(article_id: int, article: Article, known: KnownArticle, relation: str, m: Measures) -> Copy:
    evidence: dict[str, object] = {
        "jaccard": m.jaccard,
        "anchor_jaccard": m.anchor_jaccard,
        "coverage": m.coverage,
        "other_coverage": m.other_coverage,
        "aligned": [
            {"score": p.score, "span": [p.start, p.end], "other_span": [p.other_start, p.other_end],
             "sentence": p.sentence, "other_sentence": p.other_sentence}
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
    return {"score": pair["score"], "span": pair["other_span"], "other_span": pair["span"],
            "sentence": pair["other_sentence"], "other_sentence": pair["sentence"]}


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


def aligned_pairs(copy: Copy, article_id: int) -> list[AlignedPair]:
    """The aligned sentences of a link, from the side of ``article_id``."""
    aligned = copy.evidence.get("aligned", [])
    assert isinstance(aligned, list)
    mine = copy.article_id == article_id
    pairs = []
    for p in aligned:
        (a, b), (c, d) = (p["span"], p["other_span"]) if mine else (p["other_span"], p["span"])
        sentence, other = (p["sentence"], p["other_sentence"]) if mine else (p["other_sentence"], p["sentence"])
        pairs.append(AlignedPair(sentence, other, float(p["score"]), a, b, c, d))
    return pairs
