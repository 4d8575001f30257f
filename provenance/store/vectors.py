"""Languages and document vectors of articles, and the nearest-neighbour search over the vectors.

The index is the ``article_vectors`` table: a float16 vector and its packed
sign bits per article. A query scans the sign bits of every stored vector
(32 bytes each, held in memory once read: 32 MB at a million articles) by
Hamming distance, which tracks the angle between vectors, then re-ranks the
closest by their exact cosine. The signs are read at the start of a run from
``vector_sign_blocks`` (4,096 articles a row, written as the database grows)
and, after the last block, from ``article_vectors`` by key. sqlite-vec was the
other candidate: it cannot be loaded where Python's sqlite3 is built without
extension loading (as here), and ``benchmarks/semantic_copies.py --index``
compares the two scans.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..article.language import Language
from ..corpus.semantic import MODEL, choose_vector_candidates, sign_bits, stored_cosine, vector_bytes
from .base import StoreBase

__all__ = ["SignIndex", "VectorsStore"]

#: Vectors whose signs differ in more than this many of 256 bits (a cosine below about 0.45) are never close.
MAX_HAMMING = 96
#: Nearest by Hamming distance that are re-ranked by cosine, per result wanted.
SHORTLIST = 4
#: Articles per row of ``vector_sign_blocks``.
BLOCK = 4096


class SignIndex:
    """Packed sign bits of many vectors, searched by Hamming distance with numpy."""

    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        # Column-major: each 64-bit word of the 256 bits is one contiguous array (3 times faster to scan).
        self.words = np.zeros((4, 0), dtype=np.uint64)
        self._size = 0

    def add(self, article_id: int, bits: bytes) -> None:
        self._reserve(self._size + 1)
        self.ids[self._size] = article_id
        self.words[:, self._size] = np.frombuffer(bits, dtype=np.uint64)
        self._size += 1

    def extend(self, ids: bytes, bits: bytes) -> None:
        """Many at once: ids as little-endian int64, their bits 32 bytes each, ids ascending."""
        new_ids = np.frombuffer(ids, dtype="<i8")
        count = len(new_ids)
        self._reserve(self._size + count)
        self.ids[self._size : self._size + count] = new_ids
        self.words[:, self._size : self._size + count] = np.frombuffer(bits, dtype="<u8").reshape(count, 4).T
        self._size += count

    def _reserve(self, size: int) -> None:
        if size <= len(self.ids):
            return
        grown = max(1024, 2 * len(self.ids), size)
        self.ids = np.resize(self.ids, grown)
        words = np.zeros((4, grown), dtype=np.uint64)
        words[:, : self._size] = self.words[:, : self._size]
        self.words = words

    def __len__(self) -> int:
        return self._size

    def shortlist(self, vector: np.ndarray, limit: int, *, exclude: int, upto: int | None = None) -> list[int]:
        """Ids whose vectors may be among the ``limit`` nearest to ``vector`` (``SHORTLIST`` times as many, by
        their signs), ``exclude`` left out; only among ids up to ``upto`` when it is given (ids added in order):
        the index as it was when that article was added."""
        size = None if upto is None else int(np.searchsorted(self.ids[: self._size], upto, side="right"))
        return [i for i in self.nearest(sign_bits(vector), (limit + 1) * SHORTLIST, size=size) if i != exclude]

    def nearest(self, bits: bytes, limit: int, max_distance: int = MAX_HAMMING, *, size: int | None = None) -> list[int]:
        """Ids of the vectors with the fewest differing signs, at most ``limit``, closest first; among the
        first ``size`` vectors added when it is given (a batch engine's index of every article, read as
        the index held when one of them was added)."""
        size = self._size if size is None else min(size, self._size)
        if not size:
            return []
        query = np.frombuffer(bits, dtype=np.uint64)
        distance = _popcount(self.words[0, :size] ^ query[0])
        for k in range(1, 4):
            distance += _popcount(self.words[k, :size] ^ query[k])
        keep = np.flatnonzero(distance <= max_distance)
        if len(keep) > limit:
            keep = keep[np.argpartition(distance[keep], limit - 1)[:limit]]
        keep = keep[np.argsort(distance[keep], kind="stable")]
        return [int(i) for i in self.ids[keep]]


def _popcount(words: np.ndarray) -> np.ndarray:
    """Set bits of each uint64 (numpy 2's bitwise_count; unpacked bits on numpy 1)."""
    if hasattr(np, "bitwise_count"):
        counted: np.ndarray = np.bitwise_count(words).astype(np.uint16)
        return counted
    as_bytes = words.view(np.uint8).reshape(len(words), 8)
    unpacked: np.ndarray = np.unpackbits(as_bytes, axis=1).sum(axis=1, dtype=np.uint16)
    return unpacked


class VectorsStore(StoreBase):
    """Article languages and vectors; the semantic candidates of the copies stage."""

    _sign_index: SignIndex | None = None

    def add_semantics(self, article_id: int, language: Language | None, vector: np.ndarray | None) -> None:
        """Store an article's language and its document vector (None: a language the model does not read)."""
        if language is not None:
            self.db.execute("UPDATE articles SET language = ?, language_probability = ? WHERE id = ?",
                            [language.code, language.probability, article_id])
        if vector is None:
            return
        bits = sign_bits(vector)
        replaced = self.db.execute("SELECT 1 FROM article_vectors WHERE article_id = ?", [article_id]).fetchone()
        self.db.execute("INSERT OR REPLACE INTO article_vectors (article_id, model, vector, bits) VALUES (?, ?, ?, ?)",
                        [article_id, MODEL, vector_bytes(vector), bits])
        if replaced:  # a block holding it, and every later one, is read from article_vectors again
            self.db.execute("DELETE FROM vector_sign_blocks WHERE last_id >= ?", [article_id])
            self._sign_index = None
        if self._sign_index is not None:
            self._sign_index.add(article_id, bits)

    def vector_candidates(
        self, vector: np.ndarray, *, exclude: int, ids: Sequence[int], limit: int
    ) -> list[tuple[int, float]]:
        """(id, cosine) of the stored vectors nearest to ``vector`` with a cosine of at least MIN_DOCUMENT,
        best first, at most ``limit``; and of the articles ``ids`` (other candidates) that have a vector."""
        near = self._signs().shortlist(vector, limit, exclude=exclude)
        wanted = list(dict.fromkeys([*near, *ids]))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        rows = self.db.execute(
            f"SELECT article_id, vector FROM article_vectors WHERE model = ? AND article_id IN ({marks})",
            [MODEL, *wanted],
        ).fetchall()
        scored = {int(r[0]): stored_cosine(vector, bytes(r[1])) for r in rows}
        return choose_vector_candidates(scored, ids, limit)

    def _signs(self) -> SignIndex:
        """The signs of every stored vector: whole blocks, then the articles after the last block (which are
        packed into new blocks once there are BLOCK of them)."""
        if self._sign_index is None:
            index = SignIndex()
            last = 0
            for ids, bits, last_id in self.db.execute(
                "SELECT ids, bits, last_id FROM vector_sign_blocks WHERE model = ? ORDER BY first_id", [MODEL]
            ).fetchall():
                index.extend(bytes(ids), bytes(bits))
                last = int(last_id)
            tail = self.db.execute(
                "SELECT article_id, bits FROM article_vectors WHERE article_id > ? AND model = ? ORDER BY article_id",
                [last, MODEL],
            ).fetchall()
            for start in range(0, len(tail) - BLOCK + 1, BLOCK):
                self._write_block(tail[start : start + BLOCK])
            for article_id, bits in tail:
                index.add(int(article_id), bytes(bits))
            self._sign_index = index
        return self._sign_index

    def _write_block(self, rows: Sequence[tuple[int, bytes]]) -> None:
        ids = np.array([int(r[0]) for r in rows], dtype="<i8").tobytes()
        bits = b"".join(bytes(r[1]) for r in rows)
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO vector_sign_blocks (model, first_id, last_id, ids, bits) VALUES (?, ?, ?, ?, ?)",
                [MODEL, int(rows[0][0]), int(rows[-1][0]), ids, bits],
            )
