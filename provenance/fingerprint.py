"""Stage 3: fingerprint an article body, so that copies can be found later
without re-reading the inputs.

- ``content_hash``: SHA-256 of the normalised text (NFKC, case-folded, word
  tokens joined by single spaces), so that whitespace, punctuation and case
  do not hide a duplicate.
- ``minhash``: a datasketch MinHash of the word 5-shingles, stored as
  little-endian uint32 values, with the recipe that made it.

Tokens are words, except that each CJK character is a token of its own:
Chinese and Japanese are not written with spaces.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from .models import Article, Fingerprint, MinHashRecipe

__all__ = ["RECIPE", "fingerprint_article", "tokens", "shingles", "content_hash", "signature_values"]

RECIPE = MinHashRecipe(
    shingle_size=5,
    num_perm=128,
    seed=1,
    scheme="affine32",
    tokenizer="words-cjkchars",
    library="datasketch",
    library_version=version("datasketch"),
)

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Normalised word tokens of a text."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(words: list[str], size: int = RECIPE.shingle_size) -> list[str]:
    """Word n-grams; a text shorter than ``size`` is one shingle of all its words."""
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def content_hash(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def fingerprint_article(article: Article, recipe: MinHashRecipe = RECIPE) -> Fingerprint:
    """The content hash and MinHash signature of an article's body."""
    words = tokens(article.text)
    grams = shingles(words, recipe.shingle_size)
    signature = _minhash(tuple(g.encode("utf-8") for g in grams), recipe)
    return Fingerprint(
        content_hash=content_hash(words),
        minhash=signature,
        recipe=recipe,
        token_count=len(words),
        shingle_count=len(grams),
    )


def _minhash(grams: tuple[bytes, ...], recipe: MinHashRecipe) -> bytes:
    from datasketch import MinHash

    sketch = MinHash(
        num_perm=recipe.num_perm, seed=recipe.seed, permutations=_permutations(recipe), scheme=recipe.scheme
    )
    if grams:
        sketch.update_batch(grams)
    return np.asarray(sketch.hashvalues, dtype="<u4").tobytes()


@lru_cache(maxsize=4)
def _permutations(recipe: MinHashRecipe) -> object:
    from datasketch import MinHash

    return MinHash(num_perm=recipe.num_perm, seed=recipe.seed, scheme=recipe.scheme).permutations


def signature_values(signature: bytes) -> np.ndarray:
    """The uint32 values of a stored signature."""
    return np.frombuffer(signature, dtype="<u4")
