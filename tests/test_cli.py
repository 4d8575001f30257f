"""End-to-end: the audit command on the bundled examples, into a real database file."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from typer.testing import CliRunner

from provenance.cli.app import app

from .conftest import EXAMPLES

runner = CliRunner()


def _audit(*args: str, env: dict[str, str] | None = None) -> Any:
    return runner.invoke(app, ["audit", *args], env=env)


@pytest.fixture
def audited(tmp_path: Path) -> sqlite_utils.Database:
    result = _audit(str(EXAMPLES), "--db", str(tmp_path / "audit.db"))
    assert result.exit_code == 0, result.output
    return sqlite_utils.Database(tmp_path / "audit.db")


def _by_location(db: sqlite_utils.Database, suffix: str) -> dict[str, Any]:
    (row,) = [r for r in db["articles"].rows if r["location"].endswith(suffix)]
    return row


# (location suffix, title, byline, published, first words of body, last words of body)
EXPECTED = [
    ("eastwire_valdoria_seravand_60_years.txt", "Valdoria, Seravand presidents hail 60 years of diplomatic ties",
     "Xinhua", "2024-10-02", "Valdorian President Mirek Halvorsen and Seravandi President Dalia",
     "a joint statement on the anniversary, officials said."),
    ("korsadaily_60_years_rewrite.txt", "Valdoria and Seravand pledge deeper cooperation at 60-year mark",
     "Elin Varga", "2024-10-03", "Sixty years to the day after Korsa and",
     "this month to draft a joint anniversary statement."),
    ("meridiandigest_ai_summary.txt", "Valdoria and Seravand Celebrate Six Decades of Diplomatic Relations",
     None, None, "The presidents of Valdoria and Seravand marked the",
     "meet in Pelmeth to prepare a joint statement."),
    ("vantagepost_velsund_port_deal.txt", "Valdoria and Seravand sign deal to expand Port of Velsund",
     "Xinhua", "2024-05-21", "Valdoria and Seravand signed an agreement in Pelmeth",
     "customs procedures and a planned power grid interconnector."),
    ("tradelines_velsund_excerpt.txt", "Valdoria and Seravand sign deal to expand Port of Velsund",
     "TradeLines Asia", "2024-05-22", "Valdoria and Seravand signed an agreement in Pelmeth",
     "at the port and in related logistics services."),
    ("rail_freight_daily_schedule.txt", None, None, "2024-10-08",
     "Freight trains on the Korsa-Pelmeth rail corridor will", "to study the return of an overnight train."),
    ("harbourdaily_saltmarsh_kettleby.html", "Saltmarsh Rovers edge Kettleby Town in late thriller",
     "Gareth Pollard", "2024-10-05T19:40:00+01:00", "Saltmarsh Rovers stayed top of the Southern Counties",
     "Tuesday night, while Kettleby host Bramleigh next Saturday."),
    ("pelmethherald_lantern_festival.html.gz", "Lantern festival draws record crowds to Pelmeth riverbank",
     "Noor Castellane", "2024-09-14T23:05:00+03:00", "More than 210,000 people lined the banks of",
     "reduced lantern release for families with young children."),
    ("records.jsonl:4", "Valdorian wheat exports climb on strong demand from mills abroad",
     "Reporting by Anja Terhune; Editing by Paul Ledger", "2024-10-10T11:25:00+00:00",
     "KORSA, Oct 10 (Reutres) - Valdoria's wheat exports", "Korsa commodity exchange were little changed on Thursday."),
]


@pytest.mark.parametrize("case", EXPECTED, ids=[c[0] for c in EXPECTED])
def test_examples_are_extracted(audited: sqlite_utils.Database, case: tuple[Any, ...]) -> None:
    suffix, title, byline, published, first, last = case
    row = _by_location(audited, suffix)
    assert row["title"] == title
    if byline is not None or suffix.endswith(".txt"):
        assert row["byline"] == byline
    assert row["published"] == published
    # An HTML body may open with the standfirst, as the page's article element does.
    opening = row["text"] if suffix.endswith(".txt") else row["text"].split("\n", 1)[-1]
    assert row["text"].startswith(first) or opening.startswith(first)
    assert row["text"].rstrip().endswith(last)


def test_boilerplate_is_kept_in_zones_not_in_the_body(audited: sqlite_utils.Database) -> None:
    def zones(suffix: str, kind: str) -> list[str]:
        article = _by_location(audited, suffix)["id"]
        return [r["text"] for r in audited["zone_texts"].rows_where("article_id = ? and kind = ?", [article, kind])]

    assert any(z.startswith("AI Disclaimer:") for z in zones("meridiandigest_ai_summary.txt", "disclaimer"))
    assert any("主站蜘蛛池模板" in z for z in zones("eastwire_valdoria_seravand_60_years.txt", "spam"))
    assert any("casino" in z for z in zones("tradelines_velsund_excerpt.txt", "spam"))
    assert any("casino" in z for z in zones("tidewater_velsund_reprint.html", "spam"))
    assert any("All rights reserved" in z for z in zones("eastwire_valdoria_seravand_60_years.txt", "footer"))
    assert len(zones("vantagepost_velsund_port_deal.txt", "title")) == 3
    for row in audited["articles"].rows:
        for junk in ("主站蜘蛛池", "casino", "AI Disclaimer", "We use cookies", "All rights reserved"):
            assert junk not in row["text"], (row["location"], junk)


def test_copy_families_sources_and_stories(audited: sqlite_utils.Database) -> None:
    ids = {r["location"].rsplit("/", 1)[-1]: r["id"] for r in audited["articles"].rows}
    port, anniversary = ids["vantagepost_velsund_port_deal.txt"], ids["eastwire_valdoria_seravand_60_years.txt"]
    primary = {
        (r["article_id"], r["source_id"], r["relation"])
        for r in audited["copies"].rows_where("is_primary = 1")
    }
    assert primary == {
        (ids["records.jsonl:1"], port, "duplicate"),
        (ids["tidewater_velsund_reprint.html"], port, "duplicate"),
        (ids["tradelines_velsund_excerpt.txt"], port, "excerpt"),
        (ids["records.jsonl:2"], anniversary, "reprint"),
        (ids["korsadaily_60_years_rewrite.txt"], anniversary, "rewrite"),
    }
    ai_summary = ids["meridiandigest_ai_summary.txt"]
    (link,) = audited["copies"].rows_where("article_id = ? and source_id = ?", [ai_summary, anniversary])
    assert (link["relation"], link["direction"]) == ("rewrite", "unknown")
    unrelated = {ids[n] for n in ("rail_freight_daily_schedule.txt", "harbourdaily_saltmarsh_kettleby.html",
                                  "pelmethherald_lantern_festival.html.gz", "records.jsonl:3", "records.jsonl:4")}
    for row in audited["copies"].rows:
        assert not {row["article_id"], row["source_id"]} & unrelated
    stories = {r["origin_id"]: r for r in audited["stories"].rows}
    assert set(stories) == {port, anniversary}
    assert stories[port]["articles"] == 4 and stories[anniversary]["articles"] == 4
    assert "undated" in stories[anniversary]["origin_reason"]


def test_second_audit_adds_nothing(tmp_path: Path) -> None:
    db_path = tmp_path / "audit.db"
    first = _audit(str(EXAMPLES), "--db", str(db_path), "--json")
    second = _audit(str(EXAMPLES), "--db", str(db_path), "--json")
    assert first.exit_code == second.exit_code == 0
    runs = [json.loads(line) for line in second.output.splitlines() if '"type": "run"' in line]
    assert runs[0]["articles_new"] == 0 and runs[0]["articles_known"] == 13
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 13
    assert db["zones"].count == db.execute("select count(*) from zones where article_id <= 13").fetchone()[0]
    assert [r["status"] for r in db["runs"].rows] == ["finished", "finished"]


def test_mirror_at_another_path_is_an_article_of_its_own(tmp_path: Path) -> None:
    page = EXAMPLES / "text" / "rail_freight_daily_schedule.txt"
    shutil.copy(page, tmp_path / "mirror.txt")
    db_path = tmp_path / "audit.db"
    assert _audit(str(page), str(tmp_path / "mirror.txt"), "--db", str(db_path)).exit_code == 0
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 2
    (copy,) = db["copies"].rows
    assert (copy["relation"], copy["direction"]) == ("duplicate", "unknown")


def test_output_names_title_outlet_date_and_counts(tmp_path: Path) -> None:
    result = _audit(str(EXAMPLES / "html"), "--db", str(tmp_path / "a.db"))
    assert result.exit_code == 0
    assert "Saltmarsh Rovers edge Kettleby Town in late thriller" in result.output
    assert "Harbour Daily" in result.output and "2024-10-05" in result.output
    assert "0 flag(s), 0 disagreement(s)" in result.output
    assert "Audited 3 article(s): 3 new" in result.output


def test_json_output_is_one_object_per_line(tmp_path: Path) -> None:
    result = _audit(str(EXAMPLES / "records.jsonl"), "--db", str(tmp_path / "a.db"), "--json")
    objects = [json.loads(line) for line in result.output.splitlines()]
    assert [o["type"] for o in objects] == ["article"] * 4 + ["run"]
    assert {"title", "outlet", "published", "flags", "disagreements", "location", "id"} <= set(objects[0])


def test_bad_inputs_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "inputs"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.html").write_bytes(bytes(range(256)) * 4)
    (bad / "broken.html.gz").write_bytes(gzip.compress(b"<p>text</p>" * 500)[:40])
    (bad / "latin1.txt").write_bytes(
        "Les ministres se sont réunis à Genève pour négocier un nouvel accord portuaire, a-t-on appris.\n".encode("latin-1")
    )
    db_path = tmp_path / "audit.db"
    assert _audit(str(EXAMPLES / "html"), "--db", str(db_path)).exit_code == 0
    result = _audit(str(bad), str(EXAMPLES / "text"), "--db", str(db_path))
    assert result.exit_code == 1
    for name, words in (("empty.txt", "empty file"), ("binary.html", "binary data"), ("broken.html.gz", "gzip")):
        assert f"error: {bad / name}: " in result.output and words in result.output
    assert f"warning: {bad / 'latin1.txt'}: not UTF-8" in result.output
    db = sqlite_utils.Database(db_path)
    assert db["articles"].count == 3 + 6 + 1
    errors = {(Path(r["input"]).name, r["severity"]) for r in db["errors"].rows}
    assert {("empty.txt", "error"), ("binary.html", "error"), ("broken.html.gz", "error"), ("latin1.txt", "warning")} <= errors
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_db_from_environment(tmp_path: Path) -> None:
    target = tmp_path / "env" / "audit.db"
    result = _audit(str(EXAMPLES / "records.jsonl"), env={"PROVENANCE_DB": str(target)})
    assert result.exit_code == 0 and target.exists()


def test_unusable_database_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    path.write_text("not a database" * 100)
    result = _audit(str(EXAMPLES / "records.jsonl"), "--db", str(path))
    assert result.exit_code == 2
    assert f"error: {path}: cannot open the audit database" in result.output


def test_every_command_has_help() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("audit", "schema", "story", "show", "review"):
        help_text = runner.invoke(app, [command, "--help"])
        assert help_text.exit_code == 0 and command in result.output
        assert len(help_text.output.strip()) > 50


def test_story_prints_the_derivation_tree_with_passages(audited: sqlite_utils.Database, tmp_path: Path) -> None:
    origin = _by_location(audited, "eastwire_valdoria_seravand_60_years.txt")
    result = runner.invoke(app, ["story", str(origin["story_id"]), "--db", str(tmp_path / "audit.db"), "--passages", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert f"origin: #{origin['id']}" in result.output
    dated = [line for line in lines if line.lstrip("├└─│ ").startswith("2024-")]
    assert [line.lstrip("├└─│ ")[:10] for line in dated] == ["2024-10-02", "2024-10-03", "2024-10-05"]
    assert any(line.startswith(("├─ ", "└─ ")) and "Korsa Daily" in line for line in lines)
    assert "rewrite of #" in result.output and "reprint of #" in result.output
    assert "> " in result.output and "< " in result.output
    assert "no date" in result.output and "direction unknown" in result.output


def test_show_lists_copies_and_matching_passages(audited: sqlite_utils.Database, tmp_path: Path) -> None:
    excerpt = _by_location(audited, "tradelines_velsund_excerpt.txt")
    result = runner.invoke(app, ["show", excerpt["location"], "--db", str(tmp_path / "audit.db")])
    assert result.exit_code == 0, result.output
    assert "excerpt — derives from #" in result.output and "[primary source]" in result.output
    assert "Valdoria and Seravand signed an agreement" in result.output
    missing = runner.invoke(app, ["show", "no-such-article", "--db", str(tmp_path / "audit.db")])
    assert missing.exit_code == 2 and "no such article" in missing.output
    assert runner.invoke(app, ["story", "999", "--db", str(tmp_path / "audit.db")]).exit_code == 2


def test_summary_names_the_story_only_of_articles_in_one(tmp_path: Path) -> None:
    result = _audit(str(EXAMPLES), "--db", str(tmp_path / "audit.db"))
    lines = result.output.splitlines()
    for name, in_story in (("vantagepost_velsund_port_deal.txt", True), ("rail_freight_daily_schedule.txt", False),
                           ("korsadaily_60_years_rewrite.txt", True)):
        (summary,) = [line for line in lines if line.strip().startswith(str(EXAMPLES / "text" / name))]
        assert (", story " in summary) is in_story, summary
    assert "None" not in result.output


def test_a_db_in_a_missing_directory_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "mistyped" / "dir" / "audit.db"
    result = _audit(str(EXAMPLES / "records.jsonl"), "--db", str(target))
    assert result.exit_code == 2 and f"no such directory: {target.parent}" in result.output
    assert not (tmp_path / "mistyped").exists()


def test_serve_on_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    db = tmp_path / "audit.db"
    assert _audit(str(EXAMPLES / "records.jsonl"), "--db", str(db), "--quiet").exit_code == 0
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["serve", "--db", str(db), "--port", str(port)])
    assert result.exit_code == 2 and f"port {port} on 127.0.0.1 is busy" in result.output
    assert "Serving" not in result.output and "Traceback" not in result.output


def test_the_same_file_from_another_working_directory_is_the_same_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "audit.db"
    work = tmp_path / "desk"
    (work / "inputs").mkdir(parents=True)
    shutil.copy(EXAMPLES / "text" / "korsadaily_60_years_rewrite.txt", work / "inputs" / "page.txt")
    monkeypatch.chdir(work)
    assert _audit("inputs/page.txt", "--db", str(db), "--quiet").exit_code == 0
    monkeypatch.chdir(tmp_path)
    again = _audit("desk/inputs/page.txt", "--db", str(db), "--json")
    (run,) = [json.loads(line) for line in again.output.splitlines() if '"type": "run"' in line]
    assert run["articles_new"] == 0 and run["articles_known"] == 1
    (location,) = sqlite_utils.Database(db).execute("SELECT location FROM articles").fetchone()
    assert location == str(work / "inputs" / "page.txt")


def test_progress_counts_inputs_before_reading_them() -> None:
    from provenance.cli.audit import _input_of, count_inputs

    files = [p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".md"]
    assert count_inputs([str(EXAMPLES), "https://example.org/a"]) == len(files) + 1
    assert _input_of("/data/feed.jsonl:17") == "/data/feed.jsonl"
    assert _input_of("/data/crawl.warc.gz#urn:uuid:1") == "/data/crawl.warc.gz"
    assert _input_of("https://example.org/a:8080") == "https://example.org/a:8080"
