"""A literal prefilter in front of the pattern rules: skip a rule whose patterns cannot match a page.

Most pages match no rule, yet each rule's patterns (case-insensitive, with
``\\b`` and ``^`` in front) make Python's regex engine try every position of the
page. ``required_literals`` reads a rule's patterns with the regex parser and
finds the words that every match must contain (one of each alternation at
least), as RE2's and Hyperscan's prefilters do; ``may_match`` looks for them
with ``str.__contains__`` in the lower-cased page, and the patterns run only
when all of some pattern's are there.

The test is conservative: a pattern whose matches need no literal of three
characters or more that lower-casing finds as the pattern would (ASCII, or
letters such as "é" and "д" with one plain capital; or a caseless character
such as U+FFFD or a CJK one) gets no prefilter (``None``) and always runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Protocol

from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]  # the regex parser (3.11+)

__all__ = ["Clauses", "may_match", "required_literals"]

#: Literals shorter than this are too common to be worth a test.
MIN_LITERAL = 3
#: Characters that Python's case-insensitive matching folds onto an ASCII letter but str.lower() keeps
#: (the Kelvin sign lower-cases to k already).
_FOLD = (("\u017f", "s"), ("\u0131", "i"))


#: A pattern's test: every set must have one of its strings in the page (a conjunction of disjunctions).
Clauses = tuple[frozenset[str], ...]


class _Source(Protocol):
    """A compiled pattern that keeps its source (a rule's LinearPattern, or a ``re.Pattern``)."""

    @property
    def pattern(self) -> str: ...


def required_literals(patterns: Sequence[_Source]) -> tuple[Clauses, ...] | None:
    """For each pattern, sets of lower-case strings such that every text it matches holds one string of each
    set; None when some pattern needs no usable literal (then the rule always runs)."""
    found: list[Clauses] = []
    for pattern in patterns:
        try:
            parsed = _p.parse(pattern.pattern, re.IGNORECASE | re.MULTILINE)
        except re.error:
            return None
        clauses = _clauses(list(parsed))
        if not clauses:
            return None
        found.append(tuple(frozenset(c) for c in clauses))
    return tuple(found) if found else None


def _clauses(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """The literal sets that every match of a sequence passes through, one string of each at least."""
    clauses: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if run:
            clauses.append({run})
            run = ""
        if op is _c.SUBPATTERN:
            clauses += _clauses(list(av[-1]))
        elif op in _REPEATS and av[0] >= 1:
            clauses += _clauses(list(av[2]))
        elif op is _c.BRANCH:
            branches = [_best(_clauses(list(branch))) for branch in av[1]]
            if all(b is not None for b in branches):
                clauses.append(set().union(*branches))  # type: ignore[arg-type]
    if run:
        clauses.append({run})
    return [usable for usable in map(_usable, clauses) if usable is not None]


def _best(clauses: list[set[str]]) -> set[str] | None:
    """The most selective clause: the longest shortest string, then the fewest strings."""
    return max(clauses, key=lambda c: (min(len(s) for s in c), -len(c))) if clauses else None


_REPEATS = tuple(op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)


def _usable(option: Iterable[str]) -> set[str] | None:
    """Literals worth looking for: ASCII ones of MIN_LITERAL characters or more, or rare caseless characters
    (CJK, U+FFFD) that case-insensitive matching cannot fold onto anything else."""
    words = {s.lower() for s in option}
    for word in words:
        caseless = all(not c.isascii() and c.lower() == c == c.upper() for c in word)
        if not word or not (caseless or (len(word) >= MIN_LITERAL and all(map(_folds_plainly, word)))):
            return None
    return words


def _folds_plainly(char: str) -> bool:
    """Whether ``str.lower()`` of a text finds this (lower-case) character wherever case-insensitive
    matching would: ASCII, and letters such as "é", "ł" or "д" whose one capital lower-cases back to them;
    not the sigmas (final "ς" lower-cases to "σ" in a pattern but not in a text) nor the dotless "ı"."""
    if char.isascii():
        return True
    upper = char.upper()
    return char not in "σςıſ" and len(upper) == 1 and upper != char and upper.lower() == char


@lru_cache(maxsize=8)
def _folded(page: str) -> str:
    folded = page.lower()
    for char, ascii_letter in _FOLD:
        if char in folded:  # rare: a test is cheaper than str.translate over the whole page
            folded = folded.replace(char, ascii_letter)
    return folded


def may_match(literals: tuple[Clauses, ...] | None, page: str) -> bool:
    """False when no pattern has one string of each of its sets in the page, so that none can match."""
    if literals is None:
        return True
    folded = _folded(page)
    return any(all(any(word in folded for word in clause) for clause in clauses) for clauses in literals)
