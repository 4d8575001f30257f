"""Hostile inputs never stop a run or corrupt the database; a killed run converges when run again."""

from __future__ import annotations

import gzip
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from typer.testing import CliRunner

from provenance.cli.app import app

from . import warcfile
from .httpserver import LocalServer, hang, huge, page, redirect, serve
from .warcfile import article, distinct_article, page_record

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def _errors(db: Path) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for row in sqlite_utils.Database(db).query("select input, problem, severity from errors order by id"):
        found.setdefault(row["input"], []).append((row["severity"], row["problem"]))
    return found


def test_hostile_pages_each_become_an_errors_row_and_the_run_goes_on(server: LocalServer, tmp_path: Path) -> None:
    nested = b"<html><body>" + b"<div>" * 100_000 + b"<p>deep</p>" + b"</div>" * 100_000 + b"</body></html>"
    malformed = b"<html><body><p>Unclosed <b>bold <i>and <table><tr><td>cells</p></div></span>" + article(5)[40:] + b"<<<>>>&&&"
    latin1 = "<html><body><p>Les ministres se sont réunis à Genève, a déclaré le porte-parole du gouvernement.</p>" \
             "<p>L'accord portuaire sera signé à Pelmeth la semaine prochaine, selon les négociateurs.</p></body></html>"
    server.routes.update({
        "/good": page(article(1)),
        "/binary": page(bytes(range(256)) * 400, content_type="text/html"),
        "/huge": huge(100),
        "/loop": redirect("/loop2"),
        "/loop2": redirect("/loop"),
        "/hang": hang,
        "/latin1-labelled-utf8": page(latin1.encode("latin-1"), content_type="text/html; charset=utf-8"),
        "/bogus-charset": page(article(2), content_type="text/html; charset=x-no-such-charset"),
        "/malformed": page(malformed),
        "/nested": page(nested),
        "/empty": page(b""),
        "/image": page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png"),
    })
    urls = [server.url(path) for path in server.routes]
    db = tmp_path / "audit.db"
    result = runner.invoke(app, ["audit", *urls, "--db", str(db), "--allow-private", "--timeout", "1", "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout.splitlines()[-1])["type"] == "run"
    stored = {r["location"] for r in sqlite_utils.Database(db).query("select location from articles")}
    assert {server.url("/good"), server.url("/latin1-labelled-utf8"), server.url("/bogus-charset"), server.url("/malformed")} <= stored, _errors(db)
    errors = _errors(db)
    expected = {
        "/binary": "binary data, not text or HTML",
        "/huge": "larger than the 25 MB limit",
        "/loop": "redirect loop",
        # a read time-out, retried after 1 s, and the second attempt cut by the whole-fetch deadline (3 x 1 s)
        "/hang": "(after 2 attempts)",
        "/empty": "empty page",
        "/image": "not an HTML or text page (Content-Type image/png)",
    }
    for path, problem in expected.items():
        assert any(sev == "error" and problem in text for sev, text in errors.get(server.url(path), [])), (path, errors)
    assert any(sev == "warning" and "UTF-8" in text for sev, text in errors[server.url("/latin1-labelled-utf8")])
    assert server.url("/nested") in stored or server.url("/nested") in errors
    assert _integrity(db) == "ok"


def test_bad_files_and_archives_never_stop_the_run(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "good.html").write_bytes(article(1))
    (inputs / "cut.html.gz").write_bytes(gzip.compress(article(2))[:-20])
    (inputs / "fake.txt.gz").write_bytes(b"not gzip at all")
    (inputs / "records.jsonl").write_text('{"url": "https://a.example/1", "text": "x"}\n{not json\n[1, 2]\n', encoding="utf-8")
    (inputs / "not-a-warc.warc").write_bytes(b"<html>hello</html>")
    good_records = [page_record(f"https://a.example/w{i}", distinct_article(i)) for i in range(3)]
    data = b"".join(gzip.compress(r, mtime=0) for r in good_records)
    (inputs / "cut.warc.gz").write_bytes(data[: len(data) - 100])
    db = tmp_path / "audit.db"
    result = runner.invoke(app, ["audit", str(inputs), "--db", str(db)])
    assert result.exit_code == 1
    errors = _errors(db)
    assert any("truncated gzip file" in p for _, p in errors[str(inputs / "cut.html.gz")])
    assert any("not a valid gzip file" in p for _, p in errors[str(inputs / "fake.txt.gz")])
    assert any("not a WARC file" in p for _, p in errors[str(inputs / "not-a-warc.warc")])
    assert any("truncated gzip file" in p for _, p in errors[str(inputs / "cut.warc.gz")])
    locations = [r["location"] for r in sqlite_utils.Database(db).query("select location from articles")]
    assert str(inputs / "good.html") in locations
    assert sum(1 for loc in locations if "cut.warc.gz#" in loc) == 2
    assert _integrity(db) == "ok"


# SIGKILL in the middle of a batch ----------------------------------------------------------


def _audit_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "provenance.cli.app", "audit", *args]


def _state(db: Path) -> dict[str, Any]:
    """What a run leaves behind, without ids, times and run numbers."""
    data = sqlite_utils.Database(db)
    articles = sorted(
        tuple(r.values()) for r in data.query("select location, raw_sha256, content_hash, url, title, published from articles")
    )
    copies = sorted(
        tuple(r.values())
        for r in data.query(
            "select a.location as a, s.location as s, c.relation, c.direction from copies c"
            " join articles a on a.id = c.article_id join articles s on s.id = c.source_id"
        )
    )
    errors = sorted({(r["input"], r["problem"]) for r in data.query("select input, problem from errors")})
    fetches = sorted(tuple(r.values()) for r in data.query("select url, warc_record_id, status, fetched_utc from fetches"))
    return {"articles": articles, "copies": copies, "errors": errors, "fetches": fetches}


def test_a_run_killed_mid_batch_leaves_a_sound_database_and_converges_when_run_again(tmp_path: Path) -> None:
    records = [page_record(f"https://www.harbourdaily.example/news/{i}", distinct_article(i)) for i in range(80)]
    records[37] = page_record("https://www.harbourdaily.example/news/binary", bytes(range(256)) * 40)
    records.insert(10, page_record("https://www.harbourdaily.example/news/copy", distinct_article(3)))
    crawl = warcfile.write(tmp_path / "crawl.warc.gz", records)
    killed, clean = tmp_path / "killed.db", tmp_path / "clean.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = (str(crawl), "--batch-size", "10", "--json")

    process = subprocess.Popen(_audit_command(*args, "--db", str(killed)), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, text=True)
    assert process.stdout is not None
    seen, deadline = 0, time.monotonic() + 60
    for line in process.stdout:
        seen += line.startswith('{"type": "article"')
        if seen >= 25 or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()
    assert process.returncode == -signal.SIGKILL and seen >= 25
    assert _integrity(killed) == "ok"
    partial = sqlite_utils.Database(killed).execute("select count(*) from articles").fetchone()[0]
    assert 20 <= partial < 80
    assert sqlite_utils.Database(killed).execute("select status from runs").fetchone()[0] == "running"

    again = subprocess.run(_audit_command(*args, "--db", str(killed)), capture_output=True, env=env, timeout=120)
    whole = subprocess.run(_audit_command(*args, "--db", str(clean)), capture_output=True, env=env, timeout=120)
    assert again.returncode == whole.returncode == 1  # the binary page
    assert _integrity(killed) == "ok"
    assert _state(killed) == _state(clean)
    # the killed run is marked by the next one
    statuses = [r["status"] for r in sqlite_utils.Database(killed).query("select status from runs order by id")]
    assert statuses == ["interrupted", "finished"]


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_workers_of_a_killed_audit_end_with_it(tmp_path: Path) -> None:
    """--jobs 2 on a batch large enough for worker processes: SIGKILL the audit once its two workers (and
    multiprocessing's resource tracker) run, and they all go too, instead of waiting for work forever."""
    records = [page_record(f"https://www.harbourdaily.example/news/{i}", distinct_article(i)) for i in range(400)]
    crawl = warcfile.write(tmp_path / "crawl.warc.gz", records)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        _audit_command(str(crawl), "--jobs", "2", "--batch-size", "200", "--json", "--db", str(tmp_path / "a.db")),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        workers = {pid for pid in _children(process.pid) if _alive(pid)}
        if len(workers) >= 3:
            break
        time.sleep(0.05)
    assert len(workers) >= 3, "the audit started no worker processes"
    time.sleep(1.5)  # past their start-up: a worker killed while it starts ends on its own
    workers = {pid for pid in _children(process.pid) if _alive(pid)}
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.stdout is not None
    process.stdout.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]
