from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from provenance.models import Document, Metadata
from provenance.store.sqlite import AuditStore

# Unpacked models go to a folder of this test session (inherited by the commands tests start), not the user's.
os.environ["PROVENANCE_CACHE"] = tempfile.mkdtemp(prefix="provenance-cache-")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def store() -> Iterator[AuditStore]:
    store = AuditStore.memory()
    yield store
    store.close()


@pytest.fixture
def clock() -> Callable[[], dt.datetime]:
    """A clock that ticks one second per call, from a fixed instant."""
    state = {"now": dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)}

    def now() -> dt.datetime:
        state["now"] += dt.timedelta(seconds=1)
        return state["now"]

    return now


def page(name: str) -> str:
    return (FIXTURES / "pages" / name).read_text(encoding="utf-8")


def document(content: str, kind: str = "text", location: str = "page.txt", **hints: str) -> Document:
    return Document(location, kind, content, "0" * 64, Metadata(**hints))  # type: ignore[arg-type]
