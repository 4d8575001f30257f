"""Lexicons: lists of terms kept in a rule's YAML, found in a text as whole words.

Every lexicon entry is a regular expression without lookarounds or
backreferences (so that it runs on a linear-time engine too). Entries are
case-insensitive unless they say ``(?-i:...)``; where a match begins or ends
with a letter of a script written with spaces between words (Latin with
Vietnamese's letters, Greek, Cyrillic, Armenian, Georgian, the Indic scripts and
Sinhala) or a digit, it only counts as
a whole word, which the lexicon tests itself because ``\\b`` does not separate
Latin from CJK letters. Scripts whose words run together or take attached
particles (CJK, Thai, Hangul, Arabic, Hebrew) match anywhere.

Also here: what the checks that read lexicons share, the sentences of a text,
whether a quotation is open, and the words of a text in any script.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..models import Zone
from .patterns import LinearPattern, top_level_alternatives

__all__ = ["Lexicon", "lexicon", "list_params", "quoted", "sentences", "word_count"]

#: Letters and digits of the scripts whose words are whole-word matched (see above).
_SPACED_CLASS = r"A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0900-\u0d7f\u0d80-\u0dff\u10a0-\u10ff\u1e00-\u1eff\u1f00-\u1fff"
_SPACED = re.compile(f"[{_SPACED_CLASS}]")
#: (Each run of stops is tried from its start only: tried from every stop of a long run, it was quadratic.)
_SENTENCE_END = re.compile(
    r"(?<![.!?])[.!?]+[\"'”’)\]*_]*(?:\s+|$)|(?<![。！？۔।॥])[。！？۔।॥]+|\n\s*\n|\n(?=\s*[-*•>#|])"
)
_OPENERS = "“«„「『‘"
_SINGLE_OPEN = re.compile(r"(?:^|[\s(\[])'(?=\w|$)")
_SINGLE_CLOSE = re.compile(r"(?<=\w)'(?=[\s).,;:!?\]]|$)")
_CLOSERS = "”»」』’"


def _marks() -> str:
    """The combining marks (vowel signs, viramas, accents) as a character class body: ``\\w`` leaves them out,
    so "மூலம்" or "हिंदी" would read as several words."""
    codes = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me")]
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][-1] == code - 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return "".join(f"\\u{r[0]:04x}-\\u{r[-1]:04x}" if len(r) > 1 else f"\\u{r[0]:04x}" for r in runs)


@lru_cache(maxsize=1)
def _word() -> re.Pattern[str]:
    """A word in any script (built on first use: listing the marks takes 9 ms)."""
    return re.compile(rf"[^\W\d_](?:[^\W\d_]|[{_marks()}])*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One list of terms as a single pattern, and each alternative alone (to retry a cut word)."""

    pattern: LinearPattern | None
    parts: tuple[str, ...] = ()
    #: whether a match in a piece of a text is a match in the whole text (no term is anchored)
    is_screenable: bool = True
    #: the terms in patterns of a few hundred characters, for ``may_occur``: RE2 runs one long alternation
    #: (case folded, Unicode classes) over ten times slower than its pieces, whose automata stay small
    screens: tuple[LinearPattern, ...] = ()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """The whole-word spans of the terms in ``text[start:end]``."""
        if self.pattern is None:
            return []
        stop = len(text) if end is None else end
        spans = []
        for s, e in self._raw(text, start, stop):
            if e <= s or (_SPACED.match(text[s]) and s > 0 and _SPACED.match(text[s - 1])):
                continue
            if not _is_word_end(text, e):
                # "assiste" in "assisted", "został" of "został|została": another alternative, or
                # another way through one, may match the whole word
                e = self._word_end(text, s, stop)
                if e < 0:
                    continue
            spans.append((s, e))
        return spans

    def _word_end(self, text: str, start: int, stop: int) -> int:
        """The furthest end of a match at ``start`` that ends a word, or -1. The piece is given a
        trailing space, so that every match ends with the one character after its word."""
        piece = text[start:stop] + " "
        ends = [_word_alternative(a).match_end(piece, 0) for a in self.parts]
        best = max((start + end - 1 for end in ends if end is not None and end > 1), default=-1)
        # a match that ends in a character of no spaced script ("Note:") ends a word whatever follows
        plain = [_alternative(a).match_end(text, start, stop) for a in self.parts]
        return max([best, *(end for end in plain if end is not None and end > start and _is_word_end(text, end))])

    def _raw(self, text: str, start: int, stop: int) -> list[tuple[int, int]]:
        """The matches of the terms, as the single pattern finds them: leftmost, the earlier term first
        at one position, none inside another. A long list is run in its screens' pieces and merged."""
        assert self.pattern is not None
        if len(self.screens) <= 1:
            return [(s, e) for s, e, _ in self.pattern.spans(text, start, stop)]
        found = sorted(
            (s, order, e) for order, screen in enumerate(self.screens) for s, e, _ in screen.spans(text, start, stop)
        )
        merged: list[tuple[int, int]] = []
        for s, _, e in found:
            if merged and (s == merged[-1][0] or s < merged[-1][1]):
                continue  # an earlier piece's term matched here first, or a match already covers it
            merged.append((s, e))
        return merged

    def search(self, text: str) -> bool:
        return bool(self.find(text))

    def regions(self, page: str, zones: Iterable[Zone]) -> list[Zone]:
        """The zones of ``page`` that a term may occur in, from one pass of each screen over the page: a
        page's menus, links and footers are dozens of zones, and screening each alone paid the engine's
        call overhead dozens of times (2.4 ms a page on the Zyte pages)."""
        if self.pattern is None:
            return []
        if not self.is_screenable:
            return list(zones)
        found = sorted((s, e) for screen in self.screens for s, e, _ in screen.spans(page))
        if not found:
            return []
        starts = [s for s, _ in found]
        reach = list(itertools.accumulate((e for _, e in found), max))  # the furthest end of the matches so far
        kept = []
        for zone in zones:
            # a match overlaps the zone: the last one starting before its end reaches into it
            at = bisect.bisect_left(starts, zone.end) - 1
            if at >= 0 and reach[at] > zone.start:
                kept.append(zone)
        return kept

    def may_occur(self, text: str) -> bool:
        """False only when no term can be found in any piece of ``text``: one pass to skip a page."""
        if self.pattern is None:
            return False
        return not self.is_screenable or any(screen.search(text) is not None for screen in self.screens)


@lru_cache(maxsize=256)
def lexicon(terms: tuple[str, ...]) -> Lexicon:
    """The terms of a rule's list as one case-insensitive RE2 pattern (longest alternatives first)."""
    if not terms:
        return Lexicon(None)
    ordered = sorted(terms, key=len, reverse=True)
    parts = tuple(part for term in ordered for part in _top_level(term))
    screenable = not any(_ANCHOR.search(term) for term in terms)
    # compiled when first searched: most pages never reach most lists
    pattern = LinearPattern("|".join(f"(?:{t})" for t in ordered), is_unicode=True, deferred=True)
    return Lexicon(pattern, parts, screenable, _screens(ordered) or (pattern,))


#: Source characters per screening pattern. On 300 news bodies, the AI-disclosure rule's 52 agents screen
#: a page in 0.69 ms as one pattern and 0.04 ms in patterns of 600 characters (its references: 0.91 and
#: 0.06 ms); a list shorter than this stays one pattern, as scanning a page twice costs more.
SCREEN_CHARS = 600


def _screens(ordered: list[str]) -> tuple[LinearPattern, ...]:
    """The terms in patterns of about ``SCREEN_CHARS`` source characters, when they need more than one."""
    if sum(map(len, ordered)) <= SCREEN_CHARS:
        return ()
    chunks: list[list[str]] = [[]]
    for term in ordered:
        if chunks[-1] and sum(map(len, chunks[-1])) + len(term) > SCREEN_CHARS:
            chunks.append([])
        chunks[-1].append(term)
    return tuple(LinearPattern("|".join(f"(?:{t})" for t in c), is_unicode=True, deferred=True) for c in chunks)


#: an anchor outside a character class (crudely: any ^ not opening a class, $, \b, \B, \A, \z, \Z)
_ANCHOR = re.compile(r"(?<!\[)\^|\$(?![^\[]*\])|\\[bBAzZ]")


@lru_cache(maxsize=4096)
def _alternative(part: str) -> LinearPattern:
    """One alternative of a lexicon alone, compiled when a match first needs it."""
    return LinearPattern(part, is_unicode=True)


@lru_cache(maxsize=4096)
def _word_alternative(part: str) -> LinearPattern:
    """One alternative of a lexicon alone, ending where a word does (it takes the character after the
    word), compiled when a match first needs it."""
    return LinearPattern(f"(?:{part})[^{_SPACED_CLASS}]", is_unicode=True)


def list_params(params: dict[str, object]) -> tuple[str, ...]:
    """The list params of a check: every one is a lexicon of patterns."""
    return tuple(name for name, default in params.items() if isinstance(default, tuple))


def _top_level(term: str) -> list[str]:
    """``term`` cut at its top-level ``|``."""
    return [p for p in top_level_alternatives(term) if p]


def _is_word_end(text: str, end: int) -> bool:
    return not (_SPACED.match(text[end - 1]) and end < len(text) and _SPACED.match(text[end]))


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of ``text``: split at sentence ends, blank lines and list items."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if text[start:end].strip():
            yield start, end
        start = end
    if text[start:].strip():
        yield start, len(text)


def quoted(prefix: str) -> bool:
    """Whether ``prefix`` leaves a quotation open."""
    opened = sum(prefix.count(c) for c in _OPENERS) - sum(1 for i, c in enumerate(prefix) if c in _CLOSERS and _closes(prefix, i))
    singles = len(_SINGLE_OPEN.findall(prefix)) - len(_SINGLE_CLOSE.findall(prefix))
    return opened > 0 or singles > 0 or prefix.count('"') % 2 == 1


def _closes(text: str, index: int) -> bool:
    nxt = text[index + 1 : index + 2]
    return text[index] != "’" or not nxt.isalpha()


def word_count(text: str) -> int:
    """Words of a text, a CJK character counting as half a word."""
    return len(_word().findall(_CJK.sub(" ", text))) + len(_CJK.findall(text)) // 2
