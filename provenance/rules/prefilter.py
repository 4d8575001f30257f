"""A literal prefilter in front of the pattern rules: skip a rule whose patterns cannot match a page.

Most pages match no rule, yet each rule's patterns (case-insensitive, with
``\\b`` and ``^`` in front) make Python's regex engine try every position of the
page. ``required_literals`` reads a rule's patterns with the regex parser and
finds words that every match must contain (one of them at least), as RE2's and
Hyperscan's prefilters do; ``may_match`` looks for them with ``str.__contains__``
in the lower-cased page, and the patterns run only when one is there.

The test is conservative: a pattern whose matches need no ASCII literal of
three characters or more (or a caseless character such as U+FFFD or a CJK
one) gets no prefilter (``None``) and always runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from re import _constants as _c, _parser as _p  # type: ignore[attr-defined]  # the regex parser (3.11+)

__all__ = ["may_match", "required_literals"]

#: Literals shorter than this are too common to be worth a test.
MIN_LITERAL = 3
#: Characters that Python's case-insensitive matching folds onto an ASCII letter but str.lower() keeps.
_FOLD = str.maketrans({"\u017f": "s", "\u0131": "i", "\u212a": "k"})


def required_literals(patterns: Sequence[re.Pattern[str]]) -> frozenset[str] | None:
    """Lower-case strings one of which is in every text any of ``patterns`` matches, or None."""
    found: set[str] = set()
    for pattern in patterns:
        try:
            parsed = _p.parse(pattern.pattern, pattern.flags)
        except re.error:
            return None
        literals = _sequence(list(parsed))
        if literals is None:
            return None
        found |= literals
    return frozenset(found) if found else None


def _sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The best literal set among the parts of a sequence, each of which every match passes through."""
    options: list[set[str]] = []
    run = ""
    for op, av in items:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if run:
            options.append({run})
            run = ""
        if op is _c.SUBPATTERN:
            sub = _sequence(list(av[-1]))
        elif op is _c.BRANCH:
            branches = [_sequence(list(branch)) for branch in av[1]]
            sub = set().union(*branches) if all(b is not None for b in branches) else None  # type: ignore[arg-type]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) and av[0] >= 1:
            sub = _sequence(list(av[2]))
        elif op is _c.ATOMIC_GROUP if hasattr(_c, "ATOMIC_GROUP") else False:
            sub = _sequence(list(av))
        else:
            sub = None
        if sub is not None:
            options.append(sub)
    if run:
        options.append({run})
    usable = [_usable(option) for option in options]
    candidates = [option for option in usable if option is not None]
    if not candidates:
        return None
    return max(candidates, key=lambda option: (min(len(s) for s in option), -len(option)))


def _usable(option: Iterable[str]) -> set[str] | None:
    """Literals worth looking for: ASCII ones of MIN_LITERAL characters or more, or rare caseless characters
    (CJK, U+FFFD) that case-insensitive matching cannot fold onto anything else."""
    words = {s.lower() for s in option}
    for word in words:
        caseless = all(not c.isascii() and c.lower() == c == c.upper() for c in word)
        if not word or not (caseless or (word.isascii() and len(word) >= MIN_LITERAL)):
            return None
    return words


@lru_cache(maxsize=8)
def _folded(page: str) -> str:
    return page.lower().translate(_FOLD)


def may_match(literals: frozenset[str] | None, page: str) -> bool:
    """False when no literal is in the page, so that no pattern behind them can match."""
    if literals is None:
        return True
    folded = _folded(page)
    return any(literal in folded for literal in literals)
