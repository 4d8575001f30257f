"""Meaning, not wording: embeddings that find and confirm copies rewritten in other words.

The model is WordLlama's ``l2_supercat`` at 256 dimensions (MIT): a table of
token embeddings distilled from large language models, averaged over the
tokens of a text. Its weights and tokenizer ship inside the ``wordllama``
wheel, so nothing is downloaded. They are read here directly (``tokenizers``
and the safetensors file), on first use: importing ``wordllama`` itself
configures the root logger, and its 0.4 loader looks for the tokenizer in the
wrong folder and then tries the network.

Two uses:

- **Document vectors** (``document_vector``): one unit vector per article,
  stored with it; nearest neighbours are extra candidates for the copies stage.
- **Semantic sentence alignment** (``measure_meaning``): sentences of two
  texts paired by the cosine of their vectors, each used once, best first.
  A paraphrase aligns many sentences strongly; two outlets covering one event
  independently align a few loosely. ``is_paraphrase`` draws that line
  (thresholds calibrated in ``benchmarks/semantic_copies.py``).

Languages: English only. The model was trained on English; on other scripts
its averages collapse to one direction (unrelated Russian articles have a
cosine of 0.98), so texts in other languages get no vector and are matched on
their wording alone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from ..article.sentences import split_sentences
from ..errors import ProvenanceError
from ..models import AlignedPair
from .matching import best_pairs

__all__ = [
    "DIMENSIONS",
    "MODEL",
    "SEMANTIC_LANGUAGES",
    "MeaningMeasures",
    "align_meanings",
    "choose_vector_candidates",
    "cosine",
    "document_vector",
    "embed",
    "is_paraphrase",
    "measure_meaning",
    "sign_bits",
    "stored_cosine",
    "vector_bytes",
    "vector_from_bytes",
]

MODEL = "wordllama-l2_supercat-256"
DIMENSIONS = 256
#: Languages the model reads (py3langid codes).
SEMANTIC_LANGUAGES = frozenset({"en"})

#: Sentences at least this alike (cosine) are aligned; at least STRONG_PAIR they say the same thing.
MIN_PAIR = 0.70
STRONG_PAIR = 0.80
#: A paraphrase: at least MIN_STRONG strongly aligned sentences and a summed strength (each
#: pair counts (cosine - MIN_PAIR) / (1 - MIN_PAIR)) of at least MIN_STRENGTH, and at least
#: MIN_SHARE per sentence of the text with fewer sentences and MIN_LONG_SHARE per sentence of the
#: other (quoted speech left out): a few loosely aligned sentences between a short text and a long
#: report of the same event are not a paraphrase.
MIN_STRONG = 1
MIN_STRENGTH = 0.85
MIN_SHARE = 0.1
MIN_LONG_SHARE = 0.05
#: Or a sentence-by-sentence rewrite: at least MIN_MUTUAL sentences whose best match is mutual, at
#: least MIN_PAIR_EVIDENCE alike and MIN_MARGIN ahead of any other match, making MIN_MUTUAL_SHARE of
#: the text with fewer sentences. Independent reports of one event align a few sentences loosely.
MIN_PAIR_EVIDENCE = 0.50
MIN_MARGIN = 0.05
MIN_MUTUAL = 6
MIN_MUTUAL_SHARE = 0.6
#: Below this document cosine two texts are not compared sentence by sentence.
MIN_DOCUMENT = 0.75

_WEIGHTS = "weights/l2_supercat_256.safetensors"
_TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


@dataclass(frozen=True, slots=True)
class MeaningMeasures:
    """How much two texts say the same thing. ``coverage`` is the first text's share of words in strong pairs."""

    cosine: float
    pairs: tuple[AlignedPair, ...]  # score: cosine x 100
    strength: float
    share: float  # strength per sentence of the text with fewer sentences
    long_share: float  # strength per sentence of the text with more sentences
    strong: int
    mutual: int  # sentences each the other's clear best match
    mutual_share: float
    coverage: float
    other_coverage: float


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (float32, one row per text) of the mean token embedding of each text."""
    tokens, table = _model()
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    if not texts:
        return out
    encoded = tokens.ids(texts)
    if len(encoded) == 1:  # one document: its rows summed (a third of the cost of the general case)
        ids = np.array(encoded[0], dtype=np.intp)
        np.clip(ids, 0, len(table) - 1, out=ids)
        out[0] = table[ids].sum(axis=0)
    else:
        lengths = np.array([len(e) for e in encoded])
        ids = np.array(list(chain.from_iterable(encoded)), dtype=np.intp)
        if len(ids):
            np.clip(ids, 0, len(table) - 1, out=ids)
            rows = np.flatnonzero(lengths)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[rows]
            out[rows] = np.add.reduceat(table[ids], starts, axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = out / norms
    return result


def document_vector(text: str, language: str | None) -> np.ndarray | None:
    """The document vector of a text in a language the model reads, else None.

    Its components are rounded to float16, as it is stored: an article compared before and after
    it is stored (or exported and loaded elsewhere) gives the same cosines.
    """
    if language not in SEMANTIC_LANGUAGES or not text.strip():
        return None
    return vector_from_bytes(vector_bytes(embed([text])[0]))


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a.astype(np.float32), b.astype(np.float32)))


def vector_bytes(vector: np.ndarray) -> bytes:
    """A vector as stored: little-endian float16 (512 bytes)."""
    return vector.astype("<f2").tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f2").astype(np.float32)


def sign_bits(vector: np.ndarray) -> bytes:
    """The signs of a vector's components, packed (32 bytes): their Hamming distance tracks the angle."""
    return np.packbits(vector > 0).tobytes()


def choose_vector_candidates(
    scored: Mapping[int, float], ids: Sequence[int], limit: int
) -> list[tuple[int, float]]:
    """(id, cosine) of the semantic candidates of an article, from the cosines ``scored`` of the stored
    vectors nearest to it and of the other candidates ``ids``: the nearest with a cosine of at least
    MIN_DOCUMENT, best first (ties: the higher id), at most ``limit``; then those of ``ids`` that have a cosine."""
    given = set(ids)
    nearest = sorted(((c, i) for i, c in scored.items() if i not in given and c >= MIN_DOCUMENT), reverse=True)
    return [(i, c) for c, i in nearest[:limit]] + [(i, scored[i]) for i in ids if i in scored]


def stored_cosine(query: np.ndarray, stored: bytes) -> float:
    """The cosine of a new article's vector with a stored one (float16 bytes), as the copies stage rounds it."""
    return round(float(vector_from_bytes(stored) @ query.astype(np.float32)), 4)


def measure_meaning(text: str, other: str, document_cosine: float | None = None) -> MeaningMeasures:
    """Semantic sentence alignment of two texts and what it adds up to."""
    if document_cosine is None:
        a, b = embed([text, other])
        document_cosine = cosine(a, b)
    pairs = tuple(align_meanings(text, other, min_cosine=MIN_PAIR_EVIDENCE))
    strong = [p for p in pairs if p.score >= STRONG_PAIR * 100]
    words, other_words = len(text.split()) or 1, len(other.split()) or 1
    strength = sum(max(0.0, p.score / 100 - MIN_PAIR) / (1 - MIN_PAIR) for p in pairs)
    counts = (_unquoted_count(text), _unquoted_count(other))
    sentences, most = min(counts) or 1, max(counts) or 1
    mutual = _mutual_best(text, other)
    return MeaningMeasures(
        cosine=round(document_cosine, 4),
        pairs=pairs,
        strength=round(float(strength), 4),
        share=round(float(strength) / sentences, 4),
        long_share=round(float(strength) / most, 4),
        strong=len(strong),
        mutual=mutual,
        mutual_share=round(mutual / sentences, 4),
        coverage=round(min(1.0, sum(len(p.sentence.split()) for p in strong) / words), 4),
        other_coverage=round(min(1.0, sum(len(p.other_sentence.split()) for p in strong) / other_words), 4),
    )


def is_paraphrase(m: MeaningMeasures) -> bool:
    """Do the aligned sentences show one text rewording the other (not two reports of one event)?"""
    if m.strong >= MIN_STRONG and m.strength >= MIN_STRENGTH and m.share >= MIN_SHARE and m.long_share >= MIN_LONG_SHARE:
        return True
    return bool(m.mutual >= MIN_MUTUAL and m.mutual_share >= MIN_MUTUAL_SHARE)


def align_meanings(text: str, other: str, *, min_cosine: float = MIN_PAIR) -> list[AlignedPair]:
    """Pairs of sentences, one from each text, whose vectors are at least ``min_cosine`` alike; each used once."""
    spans, _ = _sentence_vectors(text)
    other_spans, _ = _sentence_vectors(other)
    if not spans or not other_spans:
        return []
    scores = _similarities(text, other)
    pairs = []
    for i, j in best_pairs(scores, scores >= min_cosine):
        (a, b), (c, d) = spans[i], other_spans[j]
        score = round(min(1.0, float(scores[i, j])) * 100, 1)
        pairs.append(AlignedPair(text[a:b], other[c:d], score, a, b, c, d))
    return sorted(pairs, key=lambda p: p.start)


_QUOTES = frozenset('"“”„«»「」『』')


def _quoted(text: str, spans: list[tuple[int, int]]) -> np.ndarray:
    """Which sentences hold quoted speech (a quotation mark, or an opening quote on the line before)."""
    return np.array([any(c in _QUOTES for c in text[a:b]) for a, b in spans], dtype=bool)


def _similarities(text: str, other: str) -> np.ndarray:
    """Cosines of every sentence pair; -1 where either sentence is quoted speech."""
    spans, vectors = _sentence_vectors(text)
    other_spans, other_vectors = _sentence_vectors(other)
    scores: np.ndarray = vectors @ other_vectors.T
    # Quoted speech is what independent reports of one event share: it is no evidence of a paraphrase.
    scores[_quoted(text, spans), :] = -1
    scores[:, _quoted(other, other_spans)] = -1
    return scores


def _mutual_best(text: str, other: str) -> int:
    """Sentences whose best match is mutual, alike enough, and clearly ahead of the runner-up on both sides."""
    scores = _similarities(text, other)
    if scores.size == 0:
        return 0
    count = 0
    best_of_column = scores.argmax(axis=0)
    for i, j in enumerate(scores.argmax(axis=1).tolist()):
        value = scores[i, j]
        if best_of_column[j] != i or value < MIN_PAIR_EVIDENCE:
            continue
        row, column = np.delete(scores[i], j), np.delete(scores[:, j], i)
        runner_up = max(row.max(initial=0.0), column.max(initial=0.0))
        count += int(value - runner_up >= MIN_MARGIN)
    return count


def _unquoted_count(text: str) -> int:
    spans, _ = _sentence_vectors(text)
    return int(len(spans) - _quoted(text, spans).sum())


@lru_cache(maxsize=64)
def _sentence_vectors(text: str) -> tuple[list[tuple[int, int]], np.ndarray]:
    """Sentences of four words or more and their vectors; cached, as a new article meets many candidates."""
    spans = [s for s in split_sentences(text) if len(text[s[0] : s[1]].split()) >= 4]
    return spans, embed([text[a:b] for a, b in spans])


class _Tokens:
    """Token ids of texts, word by word from a cache when the tokenizer allows it.

    The wordllama tokenizer is a byte-fallback BPE over the text with "▁" for each space and one
    before the text, and no vocabulary entry holds "▁" after another character: no token spans the
    start of a word, so a text's ids are its words' ids end to end. A word ("▁" run and what follows)
    is tokenized once and looked up after that: 1.0 ms an article tokenized whole, 0.1 ms by word.
    A tokenizer that breaks any of these conditions is used on the whole text.
    """

    CACHE_WORDS = 50_000
    _WORD = re.compile("▁+[^▁]*")

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._space = tokenizer.token_to_id("▁")
        self.by_word = self._space is not None and _splits_at_words(tokenizer)
        self._cache: dict[str, list[int]] = {}
        self._start_cache()

    def _start_cache(self) -> None:
        self._cache.clear()
        self._cache["▁"] = [self._space]  # a lone "▁" (a text's last space) cannot be given as a text of its own

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        if not self.by_word:
            return [e.ids for e in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)]
        words = [self._WORD.findall("▁" + text.replace(" ", "▁")) if text else [] for text in texts]
        cache = self._cache
        wanted = [w for w in dict.fromkeys(chain.from_iterable(words)) if w != "▁"]
        missing = [w for w in wanted if w not in cache]
        if missing:
            if len(cache) + len(missing) > self.CACHE_WORDS:
                self._start_cache()  # then every word of these texts is tokenized again, not only the new ones
                missing = wanted
            # each word as a text of its own: the tokenizer puts back the "▁" it starts with
            encoded = self.tokenizer.encode_batch([w[1:].replace("▁", " ") for w in missing], add_special_tokens=False)
            cache.update(zip(missing, (e.ids for e in encoded)))
        result = []
        for text_words in words:
            ids: list[int] = []
            for word in text_words:
                ids.extend(cache[word])
            result.append(ids)
        return result


def _splits_at_words(tokenizer: Any) -> bool:
    """True when the tokenizer is the one :class:`_Tokens` can read word by word. Read from the normalizer's
    own state and the vocabulary (22 ms at start), not from the whole tokenizer as JSON (144 ms)."""
    expected = {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                    {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}
    normalizer = tokenizer.normalizer
    if normalizer is None or json.loads(normalizer.__getstate__()) != expected or tokenizer.pre_tokenizer is not None:
        return False
    # a "▁" left once the leading ones are stripped follows another character
    return type(tokenizer.model).__name__ == "BPE" and not any("▁" in token.lstrip("▁") for token in tokenizer.get_vocab())


@lru_cache(maxsize=1)
def _model() -> tuple[_Tokens, np.ndarray]:
    """The tokenizer and the token table (widened to float32 once: 17 ms at start, and each lookup
    then costs 0.25 ms instead of 0.36 from the float16 table), from the files inside the wordllama wheel."""
    # One thread: the tokenizer's pool spends more CPU than it saves on the few new words of an article
    # (0.73 against 1.03 ms an article on 1,000 new records), and the audit's workers are the parallelism.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise ProvenanceError("the semantic channel needs the wordllama package: pip install wordllama")
    root = Path(next(iter(spec.submodule_search_locations)))
    tokenizer = Tokenizer.from_file(str(root / _TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    raw = (root / _WEIGHTS).read_bytes()
    size = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + size])["embedding.weight"]
    if header["dtype"] != "F16" or header["shape"][1] != DIMENSIONS:
        raise ProvenanceError(f"unexpected wordllama weights: {header['dtype']} {header['shape']}")
    begin, end = header["data_offsets"]
    table = np.frombuffer(raw[8 + size + begin : 8 + size + end], dtype="<f2").reshape(header["shape"])
    return _Tokens(tokenizer), table.astype(np.float32)
