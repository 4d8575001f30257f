"""A real browser on the real server: headless chromium against `provenance serve` on loopback."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .examples_db import audited_examples, copy_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = copy_db(audited_examples(tmp_path_factory), tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from provenance.cli.app import app; sys.argv[0] = 'provenance'; app()",
         "serve", "--db", str(db), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stderr.read().decode() if server.stderr else "serve exited") from None
                time.sleep(0.1)
        yield base, db
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()


def _dom(url: str, profile: Path) -> str:
    assert CHROMIUM is not None
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
         "--virtual-time-budget=3000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_story_page_shows_the_graph_and_article_page_shows_the_flags(served: tuple[str, Path], tmp_path: Path) -> None:
    base, db = served
    conn = sqlite3.connect(db)
    (story,) = conn.execute("SELECT id FROM stories ORDER BY articles DESC LIMIT 1").fetchone()
    members = {r[0] for r in conn.execute("SELECT id FROM articles WHERE story_id = ?", [story])}
    (article,) = conn.execute("SELECT id FROM articles WHERE location LIKE '%meridiandigest_ai_summary.txt'").fetchone()
    rules = {r[0] for r in conn.execute("SELECT rule_id FROM flags WHERE article_id = ?", [article])}
    conn.close()
    profile = tmp_path / "profile"
    profile.mkdir()
    story_dom = _dom(f"{base}/audit/stories/{story}", profile)
    assert '<svg' in story_dom and 'class="story-graph"' in story_dom
    shown = {int(part.split('"')[0]) for part in story_dom.split('data-article="')[1:]}
    assert shown == members
    article_dom = _dom(f"{base}/audit/articles/{article}", profile)
    assert "Flags (" in article_dom and rules and all(rule in article_dom for rule in rules)
    assert 'class="severity severity-warning"' in article_dom
