"""The language of an article body, with py3langid (langid.py's model, shipped in the package).

The model is loaded on first use, never at import, so that commands which do
not audit start fast. The package ships it compressed with LZMA, 0.3 s to
unpack at every start; the unpacked arrays are kept in the user's cache
folder (``provenance.cache``), where they load in 0.06 s. Without a writable
cache folder, or with a model the cache does not know, the package's own
loader is used. Only the first 1,200 characters are read: enough for a
confident answer on a news body (the same language as the whole body on the
Zyte pages), at a fixed cost of a few milliseconds.
"""

from __future__ import annotations

import lzma
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..cache import cache_folder

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
    # the first 200 characters nearly always settle it; the whole sample only for a scrap of symbols
    if sum(map(str.isalpha, sample[:200])) < MIN_LETTERS and sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(sample)
    if probability < MIN_PROBABILITY:
        return None
    return Language(str(code), round(float(probability), 4))


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packed = Path(MODEL_FILE) if Path(MODEL_FILE).is_absolute() else Path(MODEL_DIR) / MODEL_FILE
    try:
        unpacked = _unpacked(packed)
    except (OSError, lzma.LZMAError):
        pass  # no writable cache folder
    else:
        try:
            return _from_unpacked(LanguageIdentifier, unpacked)
        except (OSError, KeyError, ValueError, TypeError, AttributeError, ImportError, zipfile.BadZipFile):
            unpacked.unlink(missing_ok=True)  # damaged, or another version's layout: unpacked again next time
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpacked(packed: Path) -> Path:
    """The model unpacked once into the cache folder, named by the packed file's size and time."""
    stat = packed.stat()
    target = cache_folder() / f"langid-{stat.st_size}-{int(stat.st_mtime)}.npz"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out, lzma.open(packed) as source:
                shutil.copyfileobj(source, out, length=1 << 20)
            os.replace(temporary, target)  # whole or absent: a run killed meanwhile leaves no half model
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    return target


def _from_unpacked(identifier: Any, path: Path) -> Any:
    """The identifier from the unpacked arrays, as the package's own loader builds it."""
    import numpy as np
    from py3langid.modelio import _to_array

    with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
        return identifier(
            np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(), _to_array(data["nextmove"]),
            data["out_feat"].tolist(), norm_probs=True, tk_row=_to_array(data["nextmove_row"]),
        )
