"""Rule patterns on RE2: matching in time linear in the text, whatever the pattern.

Rule files are data, and user rules come from anywhere: a pattern such as
``(a+)+$`` takes Python's backtracking ``re`` exponential time on a line of
``a``. Every rule pattern, built-in or user, is compiled with RE2 (the
``google-re2`` package), which never backtracks. Patterns keep Python's
syntax for what both share; ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes and ``\\Z``
are translated. Features that need backtracking (look-ahead, look-behind,
back-references, atomic groups, possessive quantifiers, conditionals) are
refused when the rule is loaded, with the feature named.

Where a rule needs context that look-around would give, it matches the context
and names the evidence with a group called ``match``: ``(?:^|\\s)(?P<match>\\?{2,})``
reports only the question marks.

RE2's ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII; use ``\\pL``, ``\\pN`` or
classes of ranges for other scripts. The terms of a check's lexicon (``params``
lists such as ``agents`` or ``terms``) are compiled with ``is_unicode``: there
``\\w``, ``\\d`` and ``\\s`` (and their negations) match in every script, as in
Python's ``re``, because a lexicon lists words of any language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import re2

__all__ = ["LinearPattern", "PatternError", "Span", "top_level_alternatives"]


class PatternError(ValueError):
    """A pattern RE2 cannot compile; the message says why, in a rule author's words."""


@dataclass(frozen=True, slots=True)
class Span:
    """What a pattern matched: the ``match`` group if the pattern has one, else the whole match."""

    text: str
    start: int
    end: int


_ESCAPE = re.compile(r"(\\\\)|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\Z")
_FEATURES = (
    ("(?<=", "look-behind (?<=...)"),
    ("(?<!", "look-behind (?<!...)"),
    ("(?=", "look-ahead (?=...)"),
    ("(?!", "look-ahead (?!...)"),
    ("(?P=", "a back-reference (?P=name)"),
    ("(?>", "an atomic group (?>...)"),
    ("(?(", "a conditional (?(...)...)"),
)
_BACKREF = re.compile(r"(?<!\\)(?:\\\\)*\\[1-9]")
_POSSESSIVE = re.compile(r"(?<!\\)(?:[*+?}])\+")


def _translate(source: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1)
        code = m.group(2) or m.group(3)
        return rf"\x{{{code}}}" if code else r"\z"

    return _ESCAPE.sub(one, source)


_WORD, _SPACE = r"\p{L}\p{N}\p{M}_", r"\s\p{Z}\x{85}\x{0b}\x{1c}-\x{1f}"
#: escape -> (outside a character class, inside one); a negated escape inside a class stays ASCII
_UNICODE = {
    "w": (f"[{_WORD}]", _WORD), "W": (f"[^{_WORD}]", r"\W"),
    "d": (r"\p{Nd}", r"\p{Nd}"), "D": (r"\P{Nd}", r"\D"),
    "s": (f"[{_SPACE}]", _SPACE), "S": (f"[^{_SPACE}]", r"\S"),
}


def _unicode_classes(source: str) -> str:
    r"""``\w``, ``\d``, ``\s`` and their negations as the Unicode classes Python's ``re`` gives them."""
    out: list[str] = []
    index, in_class = 0, False
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            escaped = source[index + 1]
            out.append(_UNICODE[escaped][in_class] if escaped in _UNICODE else source[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            # a "]" right after "[" or "[^" is a literal
            opening = "[^" if source.startswith("[^", index) else "["
            out.append(opening)
            index += len(opening)
            if source.startswith("]", index):
                out.append("]")
                index += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


def _needs_backtracking(source: str) -> str | None:
    for token, name in _FEATURES:
        if token in source:
            return name
    if _BACKREF.search(source):
        return "a back-reference (\\1...\\9)"
    if _POSSESSIVE.search(source):
        return "a possessive quantifier (*+, ++, ?+)"
    return None


class LinearPattern:
    """A rule pattern compiled with RE2: multi-line (``^`` and ``$`` at line ends), case-insensitive unless asked.

    ``deferred`` compiles it on first use instead of now: for patterns known to compile (a rule set
    checked before), so that a run compiles only the patterns its pages reach.
    """

    __slots__ = ("pattern", "is_case_sensitive", "is_unicode", "_compiled", "_group", "_whole")

    def __init__(
        self, source: str, *, is_case_sensitive: bool = False, is_unicode: bool = False, deferred: bool = False
    ) -> None:
        self.pattern = source
        self.is_case_sensitive = is_case_sensitive
        self.is_unicode = is_unicode
        feature = _needs_backtracking(source)
        if feature is not None:
            raise PatternError(
                f"uses {feature}, which needs a backtracking engine; rule patterns run on RE2 in linear time:"
                " rewrite it without it (match the context and name the evidence with a group (?P<match>...))"
            )
        self._compiled: Any = None
        self._group = 0
        self._whole = False  # a union: the whole match, context included
        if not deferred:
            self._compile()

    def _compile(self) -> Any:
        if self._compiled is None:
            options = re2.Options()
            options.log_errors = False
            options.case_sensitive = self.is_case_sensitive
            try:
                translated = _translate(self.pattern)
                regex = re2.compile("(?m)" + (_unicode_classes(translated) if self.is_unicode else translated), options)
            except re2.error as exc:
                raise PatternError(f"not a valid RE2 regular expression: {_message(exc)}") from None
            self._group = 0 if self._whole else int(regex.groupindex.get("match", 0))
            self._compiled = regex
        return self._compiled

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Span]:
        regex = self._compile()
        for m in regex.finditer(text, pos, len(text) if endpos is None else endpos):
            start, end = m.span(self._group)
            if start >= 0:
                yield Span(text[start:end], start, end)

    def search(self, text: str) -> Span | None:
        return next(self.finditer(text), None)

    def spans(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str | None]]:
        """``(start, end, name of the last group matched)`` in ``text[start:end]``, offsets into ``text``.

        The slice is matched on its own, so a caller that walks a text piece by
        piece pays for each piece once (RE2's wrapper re-encodes the whole text
        it is given, whatever ``pos`` says).
        """
        regex = self._compile()
        piece = text[start:end]
        for m in regex.finditer(piece):
            s, e = m.span(self._group)
            if s >= 0:
                yield start + s, start + e, m.lastgroup

    def match_end(self, text: str, start: int, end: int | None = None) -> int | None:
        """Where a match anchored at ``start`` (within ``text[:end]``) ends, or None."""
        m = self._compile().match(text[start:end])
        return None if m is None else start + m.end()

    def matches_empty(self) -> bool:
        return self._compile().match("") is not None

    @staticmethod
    def union(patterns: tuple[LinearPattern, ...], *, deferred: bool = False) -> LinearPattern | None:
        """All the patterns in one (to find quickly where any may match), or None if they cannot be joined.
        ``deferred``: compiled on first use, for patterns whose union is known to compile."""
        if not patterns:
            return None
        try:
            joined = LinearPattern("|".join(f"(?:{p.pattern})" for p in patterns), deferred=True,
                                   is_case_sensitive=patterns[0].is_case_sensitive, is_unicode=patterns[0].is_unicode)
            joined._whole = True  # where any pattern matches, context included
            if not deferred:
                joined._compile()
        except PatternError:
            return None
        return joined


def _message(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else str(exc)
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def top_level_alternatives(source: str) -> list[str]:
    """``source`` cut at the ``|`` outside any group or class (one piece when it has none)."""
    parts, depth, escaped, last = [], 0, False, 0
    for index, char in enumerate(source):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(source[last:index])
            last = index + 1
    parts.append(source[last:])
    return parts
