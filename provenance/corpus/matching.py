"""One-to-one pairing of two texts' sentences from a matrix of scores."""

from __future__ import annotations

import numpy as np

__all__ = ["best_pairs"]


def best_pairs(scores: np.ndarray, keep: np.ndarray) -> list[tuple[int, int]]:
    """(row, column) pairs among the cells ``keep`` marks, best score first, each row and column used once."""
    rows, cols = np.nonzero(keep)
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
        pairs.append((i, j))
    return pairs
