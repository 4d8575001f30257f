"""Findings where users look: `show`, `story --graph`, `review`, fair scores and the Datasette row pages."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.outputs.server import make_datasette

from .examples_db import article_id, audited_examples, copy_db

runner = CliRunner()


@pytest.fixture
def db(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return copy_db(audited_examples(tmp_path_factory), tmp_path)


def _id(db: Path, suffix: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return article_id(conn, suffix)
    finally:
        conn.close()


def _scores(db: Path) -> dict[str, float]:
    conn = sqlite3.connect(db)
    try:
        return {name: score for name, score in conn.execute("SELECT coalesce(name, key), score FROM sources")}
    finally:
        conn.close()


def test_show_prints_flags_with_evidence_and_zone_facts_and_inconsistencies(db: Path) -> None:
    ai_page = _id(db, "meridiandigest_ai_summary.txt")
    result = runner.invoke(app, ["show", str(ai_page), "--db", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "warning[ai-disclosure-label]" in out and "in the disclaimer zone" in out
    assert "warning[staleness-old-anniversary]" in out and "evidence: '" in out
    assert "\nFacts (" in out and "anniversary" in out
    # The one-article inconsistency reads as such, with its reason; never as a broken two-sided pair.
    assert "inconsistency in #" in out and "implies " in out and "#None" not in out


def test_show_json_is_one_document(db: Path) -> None:
    excerpt = _id(db, "tradelines_velsund_excerpt.txt")
    result = runner.invoke(app, ["show", str(excerpt), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["article"]["id"] == excerpt and "text" not in doc["article"]
    assert {c["relation"] for c in doc["copies"]} >= {"excerpt"}
    assert all(isinstance(f["severity"], str) for f in doc["flags"])


def test_related_links_are_not_shown_as_copies(db: Path) -> None:
    one, other = _id(db, "harbourdaily_saltmarsh_kettleby.html"), _id(db, "rail_freight_daily_schedule.txt")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("INSERT INTO copies (article_id, source_id, relation, direction, similarity, containment,"
                     " source_containment, reason, evidence, run_id, created_utc) VALUES (?, ?, 'related', 'unknown',"
                     " 0.1, 0.05, 0.05, 'same topic, not a copy', '{}', 1, '2026-01-01T00:00:00+00:00')", [one, other])
    conn.close()
    out = runner.invoke(app, ["show", str(one), "--db", str(db)]).output
    copies_part, related_part = out.split("Same topic, not copies")
    assert f"#{other} " not in copies_part and "copied" not in copies_part
    assert f"related to #{other} " in related_part
    page = asyncio.run(_get(db, f"/audit/articles/{one}"))
    inline = page.split("Same topic, not copies")
    assert len(inline) == 2 and f"#{other}</a>" not in inline[0].split(">Copies (")[1]


def test_story_prints_disagreements_side_by_side_and_writes_the_graph(db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db)
    story_id, origin = conn.execute("SELECT id, origin_id FROM stories ORDER BY articles DESC LIMIT 1").fetchone()
    members = [r[0] for r in conn.execute("SELECT id FROM articles WHERE story_id = ?", [story_id])]
    conn.close()
    svg = tmp_path / "story.svg"
    result = runner.invoke(app, ["story", str(story_id), "--db", str(db), "--graph", str(svg)])
    assert result.exit_code == 0, result.output
    assert "Disagreements" in result.output and f"Graph written to {svg}" in result.output
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    nodes = {int(g.get("data-article", "0")) for g in root.iterfind(".//s:g", ns) if g.get("data-article")}
    assert nodes == set(members)
    edges = [g for g in root.iterfind(".//s:g", ns) if (g.get("class") or "").startswith("edge ")]
    assert edges and all(g.get("class") != "edge edge-related" for g in edges)
    origin_nodes = [g for g in root.iterfind(".//s:g", ns) if g.get("class") == "node origin"]
    if origin is None:
        assert any(g.get("class") == "node unseen-source" for g in root.iterfind(".//s:g", ns))
    else:
        assert [int(g.get("data-article", "0")) for g in origin_nodes] == [origin]
    doc = json.loads(runner.invoke(app, ["story", str(story_id), "--db", str(db), "--json"]).output)
    assert {m["id"] for m in doc["members"]} == set(members) and "disagreements" in doc


def test_an_undated_ai_republication_scores_below_a_page_whose_spam_came_from_an_unknown_host(db: Path) -> None:
    scores = _scores(db)
    # Meridian Digest: AI-written, undated, an old story as new. Eastwire: a page dump with injected
    # spam blocks and no URL, so no known host to charge them to.
    assert scores["Meridian Digest"] < scores["Eastwire-news.com"]
    conn = sqlite3.connect(db)
    (reasons,) = conn.execute("SELECT score_reasons FROM sources WHERE name = 'Eastwire-news.com'").fetchone()
    conn.close()
    # Four spam flags on two blocks: two findings, neither charged.
    assert json.loads(reasons)["uncharged"] == 2


def test_review_dismisses_a_flag_everywhere_and_keeps_it_visible(db: Path) -> None:
    ai_page = _id(db, "meridiandigest_ai_summary.txt")
    conn = sqlite3.connect(db)
    flags = [r[0] for r in conn.execute("SELECT id FROM flags WHERE article_id = ?", [ai_page])]
    conn.close()
    before = _scores(db)["Meridian Digest"]
    for flag in flags:
        result = runner.invoke(app, ["review", str(flag), "--dismiss", "--note", "checked by hand", "--reviewer", "ana",
                                     "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert f"flag {flag} dismissed by ana: checked by hand" in result.output
    assert _scores(db)["Meridian Digest"] > before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM reviews WHERE reviewer = 'ana' AND note = 'checked by hand'").fetchone()[0] \
        == len(flags)
    assert conn.execute("SELECT flags FROM article_list WHERE article_id = ?", [ai_page]).fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM flag_details WHERE article_id = ? AND review = 'dismissed'",
                        [ai_page]).fetchone()[0] == len(flags)
    conn.close()
    shown = runner.invoke(app, ["show", str(ai_page), "--db", str(db)]).output
    assert "[dismissed by ana: checked by hand]" in shown
    feed = asyncio.run(_get(db, "/audit/flag_feed.json?_shape=array"))
    assert not {row["flag_id"] for row in json.loads(feed)} & set(flags)
    missing = runner.invoke(app, ["review", "99999", "--confirm", "--db", str(db)])
    assert missing.exit_code == 2 and "no such flag" in missing.output
    both = runner.invoke(app, ["review", str(flags[0]), "--db", str(db)])
    assert both.exit_code == 2 and "--dismiss" in both.output


def test_a_disagreement_can_be_reviewed(db: Path) -> None:
    conn = sqlite3.connect(db)
    (item,) = conn.execute("SELECT id FROM disagreements LIMIT 1").fetchone()
    conn.close()
    result = runner.invoke(app, ["review", str(item), "--disagreement", "--confirm", "--reviewer", "ben", "--db", str(db)])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT review FROM disagreements WHERE id = ?", [item]).fetchone()[0] == "confirmed"
    conn.close()


async def _get_status(db: Path, path: str) -> tuple[int, str]:
    ds = make_datasette(db)
    response = await ds.client.get(path)
    return response.status_code, response.text


async def _get(db: Path, path: str) -> str:
    status, text = await _get_status(db, path)
    assert status == 200, text[:500]
    return text


def test_row_pages_show_findings_inline(db: Path) -> None:
    ai_page = _id(db, "meridiandigest_ai_summary.txt")
    page = asyncio.run(_get(db, f"/audit/articles/{ai_page}"))
    assert "ai-disclosure-label" in page and "Disagreements and inconsistencies" in page and "Facts (" in page
    conn = sqlite3.connect(db)
    (story,) = conn.execute("SELECT id FROM stories ORDER BY articles DESC LIMIT 1").fetchone()
    (source,) = conn.execute("SELECT id FROM sources WHERE name = 'Meridian Digest'").fetchone()
    conn.close()
    story_page = asyncio.run(_get(db, f"/audit/stories/{story}"))
    assert "<svg" in story_page and 'class="node origin"' in story_page or "unseen common source" in story_page
    source_page = asyncio.run(_get(db, f"/audit/sources/{source}"))
    assert "Score: " in source_page and "starting point" in source_page and 'class="flag-chart"' in source_page


def test_flag_feed_is_atom_worst_first_and_linked_from_the_database_page(db: Path) -> None:
    feed = asyncio.run(_get(db, "/audit/flag_feed.atom"))
    root = ET.fromstring(feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) or "" for e in root.iterfind("a:entry", ns)]
    assert titles and titles[0].startswith("ERROR ")
    ranks = [{"ERROR": 0, "WARNING": 1, "INFO": 2}[t.split()[0]] for t in titles]
    assert ranks == sorted(ranks)
    assert "flag_feed.atom" in asyncio.run(_get(db, "/audit"))


@pytest.mark.parametrize("query", ["主站蜘蛛池模板", "蜘蛛", "artificial intelligence"])
def test_zone_search_finds_spam_disclaimers_and_cjk(db: Path, query: str) -> None:
    import urllib.parse

    rows = json.loads(asyncio.run(_get(db, "/audit/search_zones.json?_shape=array&q=" + urllib.parse.quote(query))))
    assert rows and any(query.lower() in row["text"].lower() for row in rows)
    assert {row["zone"] for row in rows} & {"spam", "disclaimer"}


def test_reports_show_an_inconsistency_with_its_reason_and_draw_the_story_graphs(db: Path) -> None:
    text = runner.invoke(app, ["report", "--db", str(db), "--markdown"]).output
    assert "#None" not in text and "(no title)" not in text.split("## Disagreements")[1].split("##")[0]
    assert "| (inconsistency) | within the article: " in text
    page = runner.invoke(app, ["report", "--db", str(db), "--html"]).output
    assert '<figure class="story-graph"><svg' in page and "inconsistency within the article" in page
    ET.fromstring(page.split('<figure class="story-graph">')[1].split("<figcaption>")[0])  # well-formed SVG


def test_the_audit_line_names_the_worst_finding(tmp_path: Path) -> None:
    from .conftest import EXAMPLES

    result = runner.invoke(app, ["audit", str(EXAMPLES / "text"), "--db", str(tmp_path / "audit.db")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().endswith("meridiandigest_ai_summary.txt") or
              "meridiandigest_ai_summary.txt  (" in line)
    assert lines[at + 1].strip().startswith("worst: warning[ai-disclosure-")
    spam = next(i for i, line in enumerate(lines) if "eastwire_valdoria_seravand_60_years.txt  (" in line)
    assert lines[spam + 1].strip().startswith("worst: error[seo-spam-")
