"""The audit database in Datasette, through Datasette's own in-process client."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from datasette.app import Datasette
from datasette.utils import tilde_encode
from typer.testing import CliRunner

from provenance.outputs import server
from provenance.cli.app import app
from provenance.outputs.server import datasette_metadata, make_datasette
from provenance.store.sqlite import AuditStore

from .examples_db import add_findings, article_id, audited_examples, copy_db


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audited_examples(tmp_path_factory)


@pytest.fixture(scope="module")
def served(examples_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Datasette, Path]]:
    """The examples with findings, in Datasette as `provenance serve` makes it."""
    path = copy_db(examples_db, tmp_path_factory.mktemp("served"))
    add_findings(path)
    ds = make_datasette(path)
    yield ds, path
    for database in ds.databases.values():
        database.close()


def fetch(ds: Datasette, *paths: str) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        return [await ds.client.get(path) for path in paths]

    return asyncio.run(run())


def rows(ds: Datasette, path: str) -> list[dict[str, Any]]:
    (response,) = fetch(ds, path + ("&" if "?" in path else "?") + "_shape=array")
    assert response.status_code == 200, response.text
    result: list[dict[str, Any]] = response.json()
    return result


def ids(path: Path, *suffixes: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        return [article_id(conn, suffix) for suffix in suffixes]
    finally:
        conn.close()


# --- metadata -------------------------------------------------------------------------


def test_every_table_view_and_column_has_a_title_and_description() -> None:
    """Completeness: a table or column added by a migration needs its words in metadata.yaml."""
    store = AuditStore.memory()
    objects = store.db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'articles_fts_%' AND name NOT LIKE 'zone_search_%'"
    ).fetchall()
    schema = {name: [c[1] for c in store.db.execute(f"PRAGMA table_info([{name}])").fetchall()] for (name,) in objects}
    store.close()
    tables = datasette_metadata("audit")["databases"]["audit"]["tables"]
    missing = [name for name in schema if not (tables.get(name, {}).get("title") and tables[name].get("description"))]
    assert not missing, f"add these to provenance/datasette/metadata.yaml: {missing}"
    undescribed = [f"{t}.{c}" for t, cols in schema.items() for c in cols if not tables[t].get("columns", {}).get(c)]
    assert not undescribed, f"describe these columns in provenance/datasette/metadata.yaml: {undescribed}"
    stale = [f"{t}.{c}" for t, meta in tables.items() for c in meta.get("columns", {}) if c not in schema.get(t, [])]
    assert not stale, f"metadata describes columns that do not exist: {stale}"
    for table, meta in tables.items():
        for facet in meta.get("facets", []):
            assert facet in schema[table], f"{table}: facet {facet} is not a column"


def test_metadata_is_keyed_by_the_database_name() -> None:
    metadata = datasette_metadata("newsroom 2026", read_only=False)
    assert list(metadata["databases"]) == ["newsroom 2026"]
    assert f"/{tilde_encode('newsroom 2026')}/flags_since" in metadata["databases"]["newsroom 2026"]["description_html"]
    assert metadata["plugins"]["provenance"] == {"read_only": False, "database": "newsroom 2026"}


def test_plain_datasette_with_the_metadata_alone(served: tuple[Datasette, Path]) -> None:
    """The shipped metadata works without provenance's hooks, as `datasette --metadata` would use it."""
    _, path = served
    metadata = datasette_metadata(path.stem)
    del metadata["plugins"]["provenance"]
    ds = Datasette([str(path)], metadata=metadata, settings={"default_page_size": 20})
    try:
        (page, table) = fetch(ds, f"/{path.stem}", f"/{path.stem}/scorecard.json?_shape=array")
        assert page.status_code == 200 and "Audit database" in page.text
        assert len(table.json()) == 11
    finally:
        for database in ds.databases.values():
            database.close()


# --- canned queries on a real audit -----------------------------------------------------


def test_flags_since_a_date_by_severity(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    name = path.stem
    found = rows(ds, f"/{name}/flags_since.json?since=2026-01-01&severity=")
    assert [(r["severity"], r["rule_id"]) for r in found] == [
        ("error", "encoding-mojibake"),  # newest error first
        ("error", "seo-spam-link-farm"),
        ("warning", "attribution-misspelled-agency"),
        ("info", "ai-disclosure-disclaimer"),
    ]
    eastwire, korsa = ids(path, "eastwire_valdoria_seravand_60_years.txt", "korsadaily_60_years_rewrite.txt")
    assert [r["article_id"] for r in found[:2]] == [korsa, eastwire]
    assert found[1]["title"] == "Valdoria, Seravand presidents hail 60 years of diplomatic ties"
    assert found[1]["matched"] == "主站蜘蛛池模板"
    errors = rows(ds, f"/{name}/flags_since.json?since=2026-01-04&severity=error")
    assert [r["rule_id"] for r in errors] == ["encoding-mojibake"]
    everything = rows(ds, f"/{name}/flags_since.json?since=&severity=")
    assert len(everything) == sqlite3.connect(path).execute("SELECT count(*) FROM flags").fetchone()[0]
    ranks = [{"error": 2, "warning": 1}.get(r["severity"], 0) for r in everything]
    assert ranks == sorted(ranks, reverse=True)
    warnings = rows(ds, f"/{name}/flags_since.json?since=2025-12-01 00:00&severity=Warning")
    assert [r["severity"] for r in warnings] == ["error", "error", "warning", "warning"]


def _story(path: Path, suffix: str) -> int:
    conn = sqlite3.connect(path)
    try:
        (story,) = conn.execute("SELECT story_id FROM articles WHERE id = ?", [article_id(conn, suffix)]).fetchone()
        return int(story)
    finally:
        conn.close()


def test_story_timeline_and_derivation(served: tuple[Datasette, Path]) -> None:
    """The Velsund family of examples/README.md: the dump is the origin, three copies derive from it."""
    ds, path = served
    story = _story(path, "vantagepost_velsund_port_deal.txt")
    found = rows(ds, f"/{path.stem}/story_derivation.json?story={story}")
    origin, tidewater, tradelines, mirror = ids(
        path, "vantagepost_velsund_port_deal.txt", "tidewater_velsund_reprint.html",
        "tradelines_velsund_excerpt.txt", "records.jsonl:1")
    assert {r["article_id"] for r in found} == {origin, tidewater, tradelines, mirror}
    assert found[0]["article_id"] == origin and found[0]["role"] == "origin"
    assert [r["published"][:10] for r in found] == sorted(r["published"][:10] for r in found)
    derived = {r["article_id"]: r for r in found[1:]}
    assert {r["role"] for r in derived.values()} == {"derived"}
    assert derived[tidewater]["derives_from_id"] == origin
    assert {derived[tidewater]["relation"], derived[tradelines]["relation"]} <= {"reprint", "duplicate", "excerpt"}
    assert derived[tradelines]["relation"] == "excerpt"
    assert all(r["reason"] for r in derived.values())
    assert rows(ds, f"/{path.stem}/story_derivation.json?story=999") == []


def test_story_disagreements_side_by_side(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    story = _story(path, "eastwire_valdoria_seravand_60_years.txt")
    found = rows(ds, f"/{path.stem}/story_disagreements.json?story={story}")
    changed, eastwire = ids(path, "records.jsonl:2", "eastwire_valdoria_seravand_60_years.txt")
    conn = sqlite3.connect(path)
    members = {r[0] for r in conn.execute("SELECT id FROM articles WHERE story_id = ?", [story])}
    expected = conn.execute("SELECT count(*) FROM disagreements WHERE article_id IN (SELECT id FROM articles "
                            "WHERE story_id = ?) OR other_article_id IN (SELECT id FROM articles WHERE story_id = ?)",
                            [story, story]).fetchone()[0]
    conn.close()
    assert len(found) == expected and all(r["article_id"] in members for r in found)
    ours = [r for r in found if r["reason"] == "same slot, another value"]
    assert [(r["kind"], r["status"]) for r in ours] == [("date", "update"), ("money", "disagreement")]
    money = ours[1]
    assert (money["article_id"], money["other_article_id"]) == (changed, eastwire)
    assert (money["value"], money["other_value"]) == ("48.2e9", "84.2e9")
    assert "$48.2 billion" in money["sentence"] and "$84.2 billion" in money["other_sentence"]
    assert money["other_copy"] == "Eastwire-news.com, 2024-10-02" and money["copy"].endswith("2024-10-05")
    other_story = _story(path, "vantagepost_velsund_port_deal.txt")
    assert rows(ds, f"/{path.stem}/story_disagreements.json?story={other_story}") == []


def test_source_scorecard_worst_first(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    found = rows(ds, f"/{path.stem}/scorecard.json")
    conn = sqlite3.connect(path)
    assert len(found) == conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 11
    flagged = dict(conn.execute(
        "SELECT a.source_id, count(*) FROM flags f JOIN articles a ON a.id = f.article_id "
        "WHERE f.severity = 'error' GROUP BY 1").fetchall())
    conn.close()
    assert {r["source_id"]: r["error_flags"] for r in found if r["error_flags"]} == flagged
    keys = [(r["score"] is None, r["score"] or 0, -r["error_flags"], -r["warning_flags"], -r["disagreements"])
            for r in found]
    assert keys == sorted(keys)  # worst first
    eastwire = next(r for r in found if r["outlet"] == "Eastwire-news.com")
    assert eastwire["stories_originated"] == 1 and eastwire["error_flags"] >= 1
    changed = next(r for r in found if r["domain"] == "briefingroom-daily.com")
    assert changed["disagreements"] == 1 and changed["copied_articles"] == 1


def test_articles_of_a_domain(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    (tidewater,) = ids(path, "tidewater_velsund_reprint.html")
    found = rows(ds, f"/{path.stem}/domain_articles.json?domain=tidewatertimes-online.com")
    assert [r["article_id"] for r in found] == [tidewater]
    assert found[0]["derives_from"].startswith(("reprint of #", "duplicate of #"))
    by_name = rows(ds, f"/{path.stem}/domain_articles.json?domain=Korsa%20Daily")
    assert [r["title"] for r in by_name] == ["Valdoria and Seravand pledge deeper cooperation at 60-year mark"]
    conn = sqlite3.connect(path)
    (korsa,) = ids(path, "korsadaily_60_years_rewrite.txt")
    flags, disagreements = conn.execute(
        "SELECT (SELECT count(*) FROM flags WHERE article_id = :a), (SELECT count(*) FROM disagreements "
        "WHERE :a IN (article_id, other_article_id))", {"a": korsa}).fetchone()
    conn.close()
    assert (by_name[0]["flags"], by_name[0]["disagreements"]) == (flags, disagreements) and flags >= 1
    assert rows(ds, f"/{path.stem}/domain_articles.json?domain=example.org") == []


# --- tables, labels, facets, search ---------------------------------------------------------


def test_foreign_keys_show_the_article_title(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    found = rows(ds, f"/{path.stem}/flags.json?_labels=on&rule_id=seo-spam-link-farm")
    assert found[0]["article_id"]["label"] == "Valdoria, Seravand presidents hail 60 years of diplomatic ties"
    copies = rows(ds, f"/{path.stem}/copies.json?_labels=on&_size=1")
    assert copies[0]["source_id"]["label"] and copies[0]["article_id"]["label"]


def test_facets_on_flags_and_on_the_summary_table(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    flags, counts = (r.json() for r in fetch(ds, f"/{path.stem}/flags.json", f"/{path.stem}/flag_counts.json"))
    severity = {f["value"]: f["count"] for f in flags["facet_results"]["severity"]["results"]}
    conn = sqlite3.connect(path)
    assert severity == dict(conn.execute("SELECT severity, count(*) FROM flags GROUP BY 1").fetchall())
    assert severity["error"] >= 2 and severity["info"] >= 1
    assert set(counts["facet_results"]) == {"category", "severity", "domain"}
    # facets of flag_counts count its rows; the summary's flags column holds the numbers
    summed = dict(conn.execute("SELECT severity, sum(flags) FROM flag_counts GROUP BY 1").fetchall())
    assert summed == severity
    totals = rows(ds, f"/{path.stem}/flag_totals.json?dimension=severity")
    assert {r["value"]: r["flags"] for r in totals} == severity
    by_category = {r["value"]: r["flags"] for r in rows(ds, f"/{path.stem}/flag_totals.json?dimension=category")}
    assert by_category == dict(conn.execute("SELECT category, count(*) FROM flags GROUP BY 1").fetchall())
    domains = {f["value"] for f in counts["facet_results"]["domain"]["results"]}
    assert "graintradewire.com" in domains
    assert domains == {r[0] for r in conn.execute("SELECT DISTINCT a.domain FROM flags f JOIN articles a "
                                                  "ON a.id = f.article_id WHERE a.domain IS NOT NULL")}
    conn.close()


def test_flag_counts_follow_inserts_updates_and_deletes(examples_db: Path, tmp_path: Path) -> None:
    path = copy_db(examples_db, tmp_path)
    add_findings(path)
    conn = sqlite3.connect(path)

    def counts() -> list[tuple[Any, ...]]:
        derived = conn.execute(
            "SELECT coalesce(s.key, '(no source)'), f.category, f.severity, count(*) FROM flags f "
            "JOIN articles a ON a.id = f.article_id LEFT JOIN sources s ON s.id = a.source_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
        kept = conn.execute("SELECT source, category, severity, flags FROM flag_counts ORDER BY 1, 2, 3").fetchall()
        assert kept == derived
        return kept

    before = counts()
    with conn:
        conn.execute("UPDATE flags SET severity = 'error' WHERE rule_id = 'ai-disclosure-disclaimer'")
        conn.execute("DELETE FROM flags WHERE rule_id = 'seo-spam-link-farm'")
        conn.execute("INSERT INTO flags (article_id, rule_id, category, severity, message, evidence, rules_version, "
                     "run_id, created_utc) SELECT article_id, rule_id, category, severity, message, evidence, "
                     "rules_version, run_id, created_utc FROM flags WHERE rule_id = 'encoding-mojibake'")
    after = counts()
    assert after != before
    conn.close()


def test_full_text_search_is_kept_current_by_triggers(examples_db: Path, tmp_path: Path) -> None:
    path = copy_db(examples_db, tmp_path)
    ds = make_datasette(path, read_only=False)
    try:
        found = rows(ds, f"/{path.stem}/article_list.json?_search=velsund")
        assert len(found) == 4 and {r["title"] for r in found} == {"Valdoria and Seravand sign deal to expand Port of Velsund"}
        assert len(rows(ds, f"/{path.stem}/articles.json?_search=saltmarsh")) == 1
        conn = sqlite3.connect(path)
        with conn:
            (harbour,) = ids(path, "harbourdaily_saltmarsh_kettleby.html")
            conn.execute("UPDATE articles SET title = 'Quaywater derby ends level' WHERE id = ?", [harbour])
            conn.execute("UPDATE articles SET story_id = NULL WHERE id = ?", [harbour])  # not an indexed column
            conn.execute("DELETE FROM zones WHERE article_id IN (SELECT id FROM articles WHERE location LIKE '%records.jsonl:3')")
            conn.execute("DELETE FROM pages WHERE article_id IN (SELECT id FROM articles WHERE location LIKE '%records.jsonl:3')")
            conn.execute("DELETE FROM fingerprints WHERE article_id IN (SELECT id FROM articles WHERE location LIKE '%records.jsonl:3')")
            conn.execute("DELETE FROM lsh_bands WHERE article_id IN (SELECT id FROM articles WHERE location LIKE '%records.jsonl:3')")
            conn.execute("DELETE FROM articles WHERE location LIKE '%records.jsonl:3'")
        conn.close()
        assert [r["title"] for r in rows(ds, f"/{path.stem}/article_list.json?_search=quaywater")] == ["Quaywater derby ends level"]
        assert rows(ds, f"/{path.stem}/article_list.json?_search=%22all-night%20bus%22") == []
        integrity = sqlite3.connect(path).execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        assert integrity is not None
    finally:
        for database in ds.databases.values():
            database.close()


# --- pages -------------------------------------------------------------------------------


def test_main_pages_render(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    name = path.stem
    (eastwire,) = ids(path, "eastwire_valdoria_seravand_60_years.txt")
    story = _story(path, "eastwire_valdoria_seravand_60_years.txt")
    pages = fetch(
        ds, "/", f"/{name}", f"/{name}/flags", f"/{name}/flag_details", f"/{name}/article_list?_search=velsund",
        f"/{name}/articles/{eastwire}", f"/{name}/flags_since?since=2026-01-01&severity=warning",
        f"/{name}/story_derivation?story={story}", f"/{name}/scorecard", f"/{name}/stories",
        "/-/provenance/provenance.css", "/-/provenance/provenance.js",
    )
    assert [p.status_code for p in pages] == [200] * len(pages)
    database, flags, details, _, row, since, derivation, _, stories = (p.text for p in pages[1:10])
    assert "Questions to ask" in database and "Flagged items since a date" in database
    assert "Source scorecard" in database and "_sqlite_migrations" not in database
    assert '<span class="severity severity-error">error</span>' in flags
    assert "What the columns mean" not in flags  # folded by provenance.js in the browser
    assert 'class="column-descriptions"' in flags
    assert f'href="/{name}/articles/{eastwire}"' in details
    assert "Valdoria, Seravand presidents hail 60 years of diplomatic ties" in row
    assert "Linked:" in row and "copied by" in row
    assert f'href="/{name}/story_derivation?story={story}"' in row
    assert f'href="/{name}/flags/' in since and "severity-warning" in since
    assert "origin" in derivation and f'href="/{name}/articles/{eastwire}"' in derivation
    assert f'href="/{name}/story_derivation?story={story}"' in stories
    (story_row,) = (p.text for p in fetch(ds, f"/{name}/stories/{story}"))
    origin = sqlite3.connect(path).execute("SELECT a.id, a.title FROM stories s JOIN articles a ON a.id = s.origin_id "
                                           "WHERE s.id = ?", [story]).fetchone()
    assert f'<a href="/{name}/articles/{origin[0]}">{origin[1]}</a>' in story_row  # the row page labels its keys
    assert f"/{name}/story_disagreements?story={story}" in story_row


def test_untrusted_text_is_escaped_in_pages(examples_db: Path, tmp_path: Path) -> None:
    path = copy_db(examples_db, tmp_path)
    add_findings(path)
    conn = sqlite3.connect(path)
    (eastwire,) = ids(path, "eastwire_valdoria_seravand_60_years.txt")
    with conn:
        conn.execute("UPDATE articles SET title = ? WHERE id = ?", ['<script>alert("x")</script> & co', eastwire])
        conn.execute("UPDATE flags SET evidence = ? WHERE article_id = ?", [json.dumps({"matched": "<img src=x onerror=alert(1)>"}), eastwire])
    conn.close()
    ds = make_datasette(path)
    try:
        pages = fetch(ds, f"/{path.stem}/flag_details", f"/{path.stem}/flags", f"/{path.stem}/articles/{eastwire}",
                      f"/{path.stem}/flags_since?since=&severity=")
        for page in pages:
            assert page.status_code == 200
            assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(" in pages[0].text and "&lt;img src=x onerror=alert(1)&gt;" in pages[1].text
    finally:
        for database in ds.databases.values():
            database.close()


# --- read-only --------------------------------------------------------------------------------


@pytest.mark.parametrize("read_only", [True, False])
def test_served_read_only_unless_asked(examples_db: Path, tmp_path: Path, read_only: bool) -> None:
    path = copy_db(examples_db, tmp_path)
    ds = make_datasette(path, read_only=read_only)
    database = ds.get_database(path.stem)

    async def write() -> None:
        await database.execute_write("INSERT INTO sources (key, first_seen_utc, last_seen_utc) VALUES ('x', 'y', 'z')")

    try:
        if read_only:
            with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
                asyncio.run(write())
        else:
            asyncio.run(write())
            assert sqlite3.connect(path).execute("SELECT count(*) FROM sources WHERE key = 'x'").fetchone() == (1,)
    finally:
        database.close()


def test_serve_command(examples_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Path, int, bool]] = []
    monkeypatch.setattr(server, "serve", lambda db, *, port, read_only: calls.append((db, port, read_only)))
    path = copy_db(examples_db, tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["serve", "--db", str(path)]).exit_code == 0
    result = runner.invoke(app, ["serve", "--db", str(path), "--port", "8123", "--writable"])
    assert result.exit_code == 0
    assert calls == [(path, 8001, True), (path, 8123, False)]
    assert "http://127.0.0.1:8123/audit" in result.output
    missing = runner.invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no audit database" in missing.output
    assert not (tmp_path / "none.db").exists()


def test_serve_runs_datasette_on_loopback(examples_db: Path, tmp_path: Path) -> None:
    """`provenance serve` for real: uvicorn on 127.0.0.1, the pages answer, then it stops."""
    path = copy_db(examples_db, tmp_path)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "provenance.cli.app", "serve", "--db", str(path), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/{path.stem}", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, process.communicate()
                time.sleep(0.2)
        assert response.status_code == 200 and "Questions to ask" in response.text
        scorecard = httpx.get(f"http://127.0.0.1:{port}/{path.stem}/scorecard.json?_shape=array", timeout=5)
        assert len(scorecard.json()) == 11
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert f"Serving {path} (read-only) at http://127.0.0.1:{port}/{path.stem}" in stderr


def test_a_post_is_refused_with_405_and_bidi_controls_are_shown_not_applied(served: tuple[Datasette, Path]) -> None:
    ds, path = served
    name = server.database_name(path)

    async def post() -> httpx.Response:
        return await ds.client.post(f"/{name}/articles", data={"title": "x"})

    response = asyncio.run(post())
    assert response.status_code == 405 and "read-only" in response.text
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO errors (run_id, input, problem, severity, created_utc)"
                     " SELECT min(id), 'page.html', ?, 'error', '2024-10-03T07:43:00+00:00' FROM runs", ["bad \u202eexe.txt"])
    (page,) = fetch(ds, f"/{name}/errors")
    assert page.status_code == 200
    at = page.text.find("\u202e")
    assert at < 0, page.text[max(0, at - 300) : at + 50]
    assert "[U+202E]exe.txt" in page.text
