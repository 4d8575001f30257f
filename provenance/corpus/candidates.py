"""Candidate copies from MinHash LSH bands: which stored articles to compare a new one with.

32 bands of 2 values over the word-5-shingle signature find reprints and
excerpts (a verbatim excerpt has a 5-gram Jaccard of only about 0.3 with its
source), and 21 bands of 3 values over the signature of names and numbers
find rewrites, whose reworded sentences share few 5-grams but keep the same
facts. Each key carries its band number in the top bits, so one table of
keys serves both, in SQLite (local engine) or as a join on the key (Spark).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..article.fingerprint import signature_values
from ..models import Fingerprint

__all__ = [
    "ANCHOR_BANDS",
    "MAX_CANDIDATES",
    "MIN_ESTIMATED_ANCHORS",
    "MIN_ESTIMATED_JACCARD",
    "SHINGLE_BANDS",
    "band_keys",
    "estimate",
    "rank_candidates",
]

#: Candidate search: (first band number, rows per band, bands) for each signature.
SHINGLE_BANDS = (0, 2, 32)
ANCHOR_BANDS = (64, 3, 21)
#: A candidate is compared on its text when either estimate reaches its floor.
MIN_ESTIMATED_JACCARD = 0.04
MIN_ESTIMATED_ANCHORS = 0.2
MAX_CANDIDATES = 25
#: Articles sharing the most band keys that are looked at, before the estimates.
MAX_BAND_MATCHES = MAX_CANDIDATES * 8


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


def estimate(a: bytes, b: bytes) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.mean(signature_values(a) == signature_values(b)))


def rank_candidates(
    fingerprint: Fingerprint, candidates: Iterable[tuple[int, bytes, bytes]], *, skip: set[int] | frozenset[int] = frozenset()
) -> list[tuple[int, float]]:
    """The candidates worth confirming, best first: (article id, estimated anchor Jaccard).

    ``candidates`` are (id, minhash, anchor minhash) of the articles that share
    the most band keys with this one; at most MAX_CANDIDATES are kept, ranked by
    the larger of the two estimates, ties by the higher id. Both estimates are
    computed for all candidates at once, as two matrix comparisons.
    """
    kept = [c for c in candidates if c[0] not in skip]
    if not kept:
        return []
    ids = np.array([c[0] for c in kept], dtype=np.int64)
    shingled = _estimates(fingerprint.minhash, [c[1] for c in kept])
    anchors = _estimates(fingerprint.anchor_minhash, [c[2] for c in kept])
    passing = (shingled >= MIN_ESTIMATED_JACCARD) | (anchors >= MIN_ESTIMATED_ANCHORS)
    best = np.maximum(shingled, anchors)
    # Best first, ties by the higher id: sort on (-best, -id).
    order = [i for i in np.lexsort((-ids, -best)).tolist() if passing[i]][:MAX_CANDIDATES]
    return [(int(ids[i]), float(anchors[i])) for i in order]


def _estimates(signature: bytes | None, others: list[bytes]) -> np.ndarray:
    """The share of equal values between a signature and each of others (0 where the lengths differ)."""
    result = np.zeros(len(others), dtype=np.float64)
    if not signature:
        return result
    same = [i for i, other in enumerate(others) if len(other) == len(signature)]
    if not same:
        return result
    matrix = np.frombuffer(b"".join(others[i] for i in same), dtype="<u4").reshape(len(same), -1)
    result[same] = (matrix == signature_values(signature)[None, :]).mean(axis=1)
    return result
