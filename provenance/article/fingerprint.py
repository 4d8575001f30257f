"""Stage 3: fingerprint an article body, so that copies can be found later
without re-reading the inputs.

- ``content_hash``: SHA-256 of the normalised text (NFKC, case-folded, word
  tokens joined by single spaces), so that whitespace, punctuation and case
  do not hide a duplicate.
- ``minhash``: a datasketch MinHash of the word 5-shingles, stored as
  little-endian uint32 values, with the recipe that made it.

Tokens are words, except that each CJK character is a token of its own:
Chinese and Japanese are not written with spaces. So is each letter of Thai,
Lao, Khmer and Myanmar, with its vowel and tone marks. A word keeps its
combining marks (Devanagari and other Indic vowel signs, zero-width joiners),
which are not word characters to ``re``; Arabic and Hebrew vowel points and
the Arabic tatweel, which writers may leave out, are dropped. A text
with none of these is tokenised exactly as before they were handled.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from ..models import Article, Fingerprint, MinHashRecipe

__all__ = ["ANCHOR_PERM", "RECIPE", "anchors", "fingerprint_article", "tokens", "shingles", "shingle_hashes", "content_hash", "signature_values"]

RECIPE = MinHashRecipe(
    shingle_size=5,
    num_perm=128,
    seed=1,
    scheme="affine32",
    tokenizer="words-cjkchars; anchors=names-numbers/perm64",
    shingle_hash="blake2b64-poly64-fold32",
    library="datasketch",
    library_version=version("datasketch"),
)

_CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_TOKEN = re.compile(f"[{_CJK_CHARS}]|[^\\W_]+")
_WORD = re.compile(r"[^\W_]+")


def _char_class(first: int, last: int, categories: tuple[str, ...], extra: str = "") -> str:
    """A regex character class body of the code points in [first, last] of these Unicode categories."""
    ranges: list[tuple[int, int]] = []
    for cp in range(first, last + 1):
        if unicodedata.category(chr(cp)) in categories:
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges) + extra


# Combining marks of the scripts after Latin (U+0483 on), and the zero-width (non-)joiners.
_MARKS = _char_class(0x0483, 0x1CFF, ("Mn", "Mc", "Me"), "\u200c\u200d")
# Letters of scripts written without spaces between words: Thai, Lao, Myanmar, Khmer.
_UNSPACED = "".join(_char_class(a, b, ("Lo",)) for a, b in ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF)))
_SPECIAL = re.compile(f"[{_CJK_CHARS}{_MARKS}{_UNSPACED}]")
_ANY_TOKEN = re.compile(f"[{_CJK_CHARS}]|[{_UNSPACED}][{_MARKS}]*|(?:[^\\W_]|[{_MARKS}])+")


def tokens(text: str) -> list[str]:
    """Normalised word tokens of a text."""
    normal = unicodedata.normalize("NFKC", text).casefold()
    special = _SPECIAL.search(normal)
    if special is None:
        return _WORD.findall(normal)
    if not _MARKS_OR_UNSPACED.search(normal, special.start()):
        return _TOKEN.findall(normal)
    words = (_OPTIONAL_MARKS.sub("", t) for t in _ANY_TOKEN.findall(normal))
    return [t for t in words if t and not _ALL_MARKS.fullmatch(t)]


_MARKS_OR_UNSPACED = re.compile(f"[{_MARKS}{_UNSPACED}]")
# Marks a writer may leave out without changing the word: Hebrew points, Arabic vowel signs, tatweel.
_OPTIONAL_MARKS = re.compile("[\u0591-\u05c7\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
_ALL_MARKS = re.compile(f"[{_MARKS}]+")


def shingles(words: list[str], size: int = RECIPE.shingle_size) -> list[str]:
    """Word n-grams; a text shorter than ``size`` is one shingle of all its words."""
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def fingerprint_article(article: Article, recipe: MinHashRecipe = RECIPE) -> Fingerprint:
    """The content hash and MinHash signatures of an article's body."""
    words = tokens(article.text)
    hashes = shingle_hashes(words, recipe.shingle_size)
    return Fingerprint(
        content_hash=content_hash(words),
        minhash=_minhash(hashes, recipe),
        recipe=recipe,
        token_count=len(words),
        shingle_count=len(hashes),
        anchor_minhash=_minhash(shingle_hashes(anchors(article.text), 1), recipe, ANCHOR_PERM),
    )


#: Permutations of the anchor signature (the first ones of the recipe's).
ANCHOR_PERM = 64
_ANCHOR = re.compile(r"(?<![\w.])(?:\d+(?:[.,]\d+)*|[A-Z][\w'’-]*[\w])")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


def anchors(text: str) -> list[str]:
    """The names and numbers of a text: what a rewrite keeps when it rewords.

    Capitalised words count unless they open a sentence; numbers lose their
    thousands separators ("240,000" and "240000" are one anchor).
    """
    found = []
    for match in _ANCHOR.finditer(text):
        word = match.group(0)
        if word[0].isdigit():
            found.append(word.replace(",", ""))
        elif not _SENTENCE_START.search(text[max(0, match.start() - 3) : match.start()]):
            found.append(word.casefold())
    return sorted(set(found))


def shingle_hashes(words: list[str], size: int = RECIPE.shingle_size) -> np.ndarray:
    """32-bit hashes of the word n-grams, computed from 64-bit token hashes in one pass.

    Each token is hashed once (BLAKE2b, 8 bytes); an n-gram's hash is the
    polynomial ``sum(t[i + j] * M**j) mod 2**64`` of its token hashes, folded
    to 32 bits. A text shorter than ``size`` is one n-gram of all its words.
    """
    if not words:
        return np.zeros(0, dtype=np.uint32)
    looked_up = list(map(_TOKEN_HASHES.get, words))
    if None in looked_up:
        looked_up = [_token_hash(w) if v is None else v for w, v in zip(words, looked_up)]
    values = np.array(looked_up, dtype=np.uint64)
    span = min(size, len(values))
    count = len(values) - span + 1
    total = np.zeros(count, dtype=np.uint64)
    for j in range(span):
        total = total * _MULTIPLIER + values[j : j + count]
    folded = (total >> np.uint64(32)) ^ (total & np.uint64(0xFFFFFFFF))
    return folded.astype(np.uint32)


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
#: Words whose hashes are kept. A run's vocabulary keeps growing with its articles (names, numbers,
#: typos: 95,000 words after 20,000 generated news articles), so the table is emptied when full:
#: its memory stays bounded, and the common words are back after a few articles.
TOKEN_CACHE_WORDS = 200_000
_TOKEN_HASHES: dict[str, int] = {}


def _token_hash(word: str) -> int:
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    if len(_TOKEN_HASHES) >= TOKEN_CACHE_WORDS:
        _TOKEN_HASHES.clear()
    _TOKEN_HASHES[word] = value
    return value


def content_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def _minhash(hashes: np.ndarray, recipe: MinHashRecipe, num_perm: int | None = None) -> bytes:
    """datasketch's ``affine32`` MinHash of pre-hashed shingles, in one vectorised pass.

    Equal to ``MinHash(scheme="affine32").update_batch`` over the same 32-bit
    values (a test checks it); done here to skip datasketch's per-item loop.
    """
    a, b = _permutations(recipe)
    if num_perm is not None:
        a, b = a[:num_perm], b[:num_perm]
    if not len(hashes):
        return np.full(len(a), 0xFFFFFFFF, dtype="<u4").tobytes()
    hv = hashes.astype(np.uint32)
    # MurmurHash3's 32-bit finalizer, then h -> a * h + b mod 2**32 for each permutation.
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    hv = hv ^ (hv >> np.uint32(16))
    permuted = hv[:, None] * a[None, :] + b[None, :]
    signature: bytes = permuted.min(axis=0).astype("<u4").tobytes()
    return signature


@lru_cache(maxsize=4)
def _permutations(recipe: MinHashRecipe) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` permutations ``h -> a * h + b mod 2**32`` (odd ``a``), drawn as datasketch
    draws them, from numpy's ``RandomState(seed)``: importing datasketch would pull in scipy at start-up.
    A test pins them to datasketch's own."""
    if recipe.scheme != "affine32":
        raise ValueError(f"unsupported MinHash scheme: {recipe.scheme}")
    gen = np.random.RandomState(recipe.seed)
    a = gen.randint(0, 1 << 31, recipe.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, recipe.num_perm, dtype=np.uint32)
    return a, b


def signature_values(signature: bytes) -> np.ndarray:
    """The uint32 values of a stored signature."""
    return np.frombuffer(signature, dtype="<u4")
