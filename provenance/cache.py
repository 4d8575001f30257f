"""The user's cache folder: work kept between runs that a run can always redo.

``$PROVENANCE_CACHE``, else ``$XDG_CACHE_HOME/provenance``, else
``~/.cache/provenance``. Nothing in it is needed: a missing, damaged or
read-only cache only makes a start slower. It holds the language model
unpacked (``article.language``) and marks for rule sets already checked
(``rules.engine``).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_folder", "has_mark", "set_mark"]


def cache_folder() -> Path:
    """Where work kept between runs goes."""
    if os.environ.get("PROVENANCE_CACHE"):
        return Path(os.environ["PROVENANCE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "provenance"


def has_mark(name: str) -> bool:
    """Whether ``set_mark(name)`` was called before, in this cache folder."""
    try:
        return (cache_folder() / "marks" / name).is_file()
    except OSError:
        return False


def set_mark(name: str) -> None:
    """Remember ``name`` (a fact about some content, named by its digest); silently not, where the cache is
    not writable."""
    try:
        folder = cache_folder() / "marks"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).touch()
    except OSError:
        pass
