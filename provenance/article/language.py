"""The language of an article body, with py3langid (langid.py's model, shipped in the package).

The model is loaded on first use (about 1.4 s), never at import, so that
commands which do not audit start fast. Only the first 1,200 characters are
read: enough for a confident answer on a news body (the same language as the
whole body on the Zyte pages), at a fixed cost of a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Language", "identify_language"]

#: Below this share of letters, or this probability, the language is unknown (None).
MIN_LETTERS = 20
MIN_PROBABILITY = 0.5
_SAMPLE = 1200


@dataclass(frozen=True, slots=True)
class Language:
    """An ISO 639-1 code (``en``, ``ur``, ``zh``) and how sure the model is, 0 to 1."""

    code: str
    probability: float


def identify_language(text: str) -> Language | None:
    """The language of ``text``, or None when it is too short or the model is unsure."""
    sample = text[:_SAMPLE]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    if probability < MIN_PROBABILITY:
        return None
    return Language(str(code), round(float(probability), 4))


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
