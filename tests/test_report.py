"""provenance report: what is new, and its renderings."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.outputs.outbox import Window, collect_report, read_items
from provenance.outputs.render import clean, render_html, render_markdown, render_text, report_json, report_subject
from provenance.outputs.report import Links, Report, build_report, database_url, parse_since
from provenance.store.sqlite import AuditStore

from .examples_db import (
    AUDITED_UTC,
    add_findings,
    article_id,
    audited_examples,
    copy_db,
)

NOW = dt.datetime(2026, 1, 6, 12, 0, tzinfo=dt.timezone.utc)
HOSTILE_TITLE = "Deal signed\r\nBcc: evil@x.example <script>alert(1)</script> [click](javascript:alert(1)) \u202egnp.exe"


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audited_examples(tmp_path_factory)


@pytest.fixture
def db_path(examples_db: Path, tmp_path: Path) -> Path:
    path = copy_db(examples_db, tmp_path)
    add_findings(path)
    return path


def _report(path: Path, window: Window | None = None, base_url: str | None = "http://127.0.0.1:8001") -> Report:
    store = AuditStore.open(path)
    try:
        return collect_report(store.db, window or Window(), database=path.stem, now=NOW, base_url=base_url)
    finally:
        store.close()


def _only_seeded(path: Path) -> None:
    """Mark whatever the audit found as reported, to compare reports with the seeded rows alone."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO reports (id, started_utc, sent_utc, status) VALUES (1, ?, ?, 'sent')",
                     [AUDITED_UTC, AUDITED_UTC])
        conn.execute("INSERT INTO report_items SELECT 'flag', id, 1 FROM flags WHERE created_utc = ?", [AUDITED_UTC])
        conn.execute("INSERT INTO report_items SELECT 'disagreement', id, 1 FROM disagreements WHERE created_utc = ?",
                     [AUDITED_UTC])
    conn.close()


# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-01-01", "2026-01-01T00:00:00+00:00"),
    ("24h", "2026-01-05T12:00:00+00:00"),
    ("7d", "2025-12-30T12:00:00+00:00"),
    ("90m", "2026-01-06T10:30:00+00:00"),
    ("2w", "2025-12-23T12:00:00+00:00"),
    (" 36 H ", "2026-01-05T00:00:00+00:00"),
    ("2026-01-05T10:00", "2026-01-05T10:00:00+00:00"),
    ("2026-01-05T10:00:00+02:00", "2026-01-05T08:00:00+00:00"),
    ("2026-01-05T10:00:00Z", "2026-01-05T10:00:00+00:00"),
])
def test_since(text: str, expected: str) -> None:
    assert parse_since(text, NOW).astimezone(dt.timezone.utc).isoformat() == expected


@pytest.mark.parametrize("text", ["yesterday", "24", "h24", "2026-13-01", "-1d", ""])
def test_since_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date"):
        parse_since(text, NOW)


@pytest.mark.parametrize(("base", "expected"), [
    ("http://127.0.0.1:8001", "http://127.0.0.1:8001/audit"),
    ("http://127.0.0.1:8001/", "http://127.0.0.1:8001/audit"),
    ("https://datasette.example.org/newsroom/", "https://datasette.example.org/newsroom"),
    ("https://example.org/ds/audit", "https://example.org/ds/audit"),
])
def test_database_url(base: str, expected: str) -> None:
    assert database_url(base, "audit") == expected


@pytest.mark.parametrize("base", ["javascript:alert(1)", "ftp://x/y", "127.0.0.1:8001", "http://x/\r\nBcc: y", "http://x/\"><b>"])
def test_database_url_rejects(base: str) -> None:
    with pytest.raises(ValueError):
        database_url(base, "audit")


def test_clean_makes_untrusted_text_one_safe_line() -> None:
    assert clean("a\r\nb\tc\x00d\u2028e\u202ef\x1b[31mg") == "a b c d e f [31mg"
    assert clean("x" * 50, 10) == "x" * 9 + "…"
    assert clean(None) == ""


# --- what a report holds ----------------------------------------------------------------------


def test_report_of_everything_not_yet_reported(db_path: Path) -> None:
    _only_seeded(db_path)
    report = _report(db_path)
    assert [(f.severity, f.rule_id) for f in report.flags] == [
        ("error", "seo-spam-link-farm"), ("error", "encoding-mojibake"),
        ("warning", "attribution-misspelled-agency"), ("warning", "attribution-misspelled-agency"),
        ("info", "ai-disclosure-disclaimer"),
    ]
    assert [(d.kind, d.severity) for d in report.disagreements] == [("money", "warning"), ("date", "info")]
    assert len(report.stories) == 2  # never reported: the two copy families of the examples
    assert report.last_report_utc == AUDITED_UTC
    # Spam keywords are withheld from reports: mail filters quarantine them.
    assert report.flags[0].matched == "[7 characters of spam keywords withheld]"
    assert report.flags[0].outlet == "Eastwire-news.com"
    # the worst sources: most errors, then warnings, then disagreements
    assert [s.outlet for s in report.sources[:2]] == ["Korsa Daily", "Eastwire-news.com"]
    korsa = report.sources[0]
    assert (korsa.errors, korsa.disagreements, korsa.articles) == (1, 1, 1)


@pytest.mark.parametrize(("severity", "flags", "disagreements", "stories"), [
    ("info", 5, 2, 2), ("warning", 4, 1, 0), ("error", 2, 0, 0)])
def test_min_severity(db_path: Path, severity: str, flags: int, disagreements: int, stories: int) -> None:
    _only_seeded(db_path)
    report = _report(db_path, Window(min_severity=severity))  # type: ignore[arg-type]
    assert (len(report.flags), len(report.disagreements), len(report.stories)) == (flags, disagreements, stories)


def test_since_window_ignores_what_was_reported(db_path: Path) -> None:
    _only_seeded(db_path)
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO report_items SELECT 'flag', id, 1 FROM flags WHERE rules_version = 'test'")
    conn.close()
    assert _report(db_path).flags == ()
    since = _report(db_path, Window(since_utc="2026-01-03T00:00:00+00:00", unreported_only=False))
    assert [f.rule_id for f in since.flags] == ["seo-spam-link-farm", "encoding-mojibake", "ai-disclosure-disclaimer"]
    assert [d.kind for d in since.disagreements] == ["money", "date"] and since.stories == ()


def test_rows_are_read_once_per_kind(db_path: Path) -> None:
    store = AuditStore.open(db_path)
    rows = read_items(store.db, Window())
    store.close()
    assert set(rows) == {"flags", "disagreements", "stories", "sources"}
    assert len({r["id"] for r in rows["flags"]}) == len(rows["flags"])


# --- renderings ---------------------------------------------------------------------------------


def _hostile(db_path: Path) -> Report:
    conn = sqlite3.connect(db_path)
    with conn:
        target = article_id(conn, "eastwire_valdoria_seravand_60_years.txt")
        conn.execute("UPDATE articles SET title = ?, site_name = ? WHERE id = ?", [HOSTILE_TITLE, "Eve\nTo: x@y", target])
        conn.execute("UPDATE flags SET message = ?, evidence = ? WHERE article_id = ?",
                     ["spam <b>bold</b>\r\n.\r\nQUIT", json.dumps({"matched": "<img src=x onerror=alert(1)>"}), target])
    conn.close()
    _only_seeded(db_path)
    return _report(db_path)


def test_text_rendering(db_path: Path) -> None:
    report = _hostile(db_path)
    text = render_text(report)
    assert text.startswith("provenance report for audit, 2026-01-06 12:00 UTC\nNew since the last report (2025-06-01 00:00 UTC):")
    assert "5 flags (2 errors, 2 warnings, 1 info), 2 disagreements, 2 new stories." in text
    assert "http://127.0.0.1:8001/audit/flags/" in text and "/audit/story_derivation?story=" in text
    assert "\r" not in text and "\u202e" not in text
    assert not any(line.startswith(("Bcc:", "To:", ".")) for line in text.splitlines())
    assert "Deal signed Bcc: evil@x.example <script>" in text  # plain text keeps it, on one line
    assert "WORST SOURCES" in text and "Korsa Daily: 1 error, 1 disagreement; " in text


def test_markdown_rendering(db_path: Path) -> None:
    markdown = render_markdown(_hostile(db_path))
    assert markdown.startswith("# provenance report: audit\n")
    assert "## Flags" in markdown and "## Disagreements" in markdown and "## Worst sources" in markdown
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in markdown and "](javascript" not in markdown
    assert "\\<script\\>" in markdown and "<script>" not in markdown
    assert re.search(r"\[error\]\(<http://127\.0\.0\.1:8001/audit/flags/\d+>\)", markdown)


def test_html_rendering(db_path: Path) -> None:
    page = render_html(_hostile(db_path))
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for raw in ("<script>", "<img src=x", "<b>bold</b>", "\u202e"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="http://127.0.0.1:8001/audit/flags/' in page
    assert page.count("<tr>") == 1 + 5 + 1 + 2 + 1 + 2 + 1 + len(_report(db_path).sources)


def test_json_rendering(db_path: Path) -> None:
    _only_seeded(db_path)
    data = report_json(_report(db_path))
    assert data["counts"] == {"flags": 5, "disagreements": 2, "stories": 2, "error": 2, "warning": 2, "info": 1}
    assert data["flags"][0]["link"].startswith("http://127.0.0.1:8001/audit/flags/")
    assert data["disagreements"][0]["link"].startswith("http://127.0.0.1:8001/audit/story_disagreements?story=")
    assert json.loads(json.dumps(data)) == data


def test_subject_holds_counts_only(db_path: Path) -> None:
    report = _hostile(db_path)
    assert report_subject(report) == (
        "[provenance] audit: 2 errors, 2 warnings, 1 info flag, 2 disagreements, 2 new stories")
    empty = build_report({}, generated_utc="2026-01-06T12:00:00+00:00", database="audit")
    assert report_subject(empty) == "[provenance] nothing new in audit" and empty.is_empty
    assert "Nothing new." in render_text(empty)


def test_long_sections_are_counted_and_linked(db_path: Path) -> None:
    _only_seeded(db_path)
    store = AuditStore.open(db_path)
    report = collect_report(store.db, Window(), database="audit", now=NOW, base_url="http://h:1", shown=2)
    store.close()
    text = render_text(report)
    assert text.count("  error ") + text.count("  warning ") + text.count("  info ") == 2
    assert "… and 3 more: http://h:1/audit/flags_since?since=2025-06-01T00%3A00%3A00%2B00%3A00&severity=info" in text
    assert len(report_json(report)["flags"]) == 5  # JSON holds everything
    assert Links("http://h:1/audit").query("x", a="1 2") == "http://h:1/audit/x?a=1+2"


# --- the command ------------------------------------------------------------------------------------


def test_report_command_formats(db_path: Path) -> None:
    runner = CliRunner()
    env = {"PROVENANCE_DATASETTE_URL": "http://127.0.0.1:8001", "COLUMNS": "140"}
    terminal = runner.invoke(app, ["report", "--db", str(db_path)], env=env)
    assert terminal.exit_code == 0, terminal.output
    assert "Flags" in terminal.output and "seo-spam-link-farm" in terminal.output and "Worst sources" in terminal.output
    as_json = runner.invoke(app, ["report", "--db", str(db_path), "--json", "--since", "2026-01-03"], env=env)
    data = json.loads(as_json.output)
    assert as_json.exit_code == 0 and data["since_utc"] == "2026-01-03T00:00:00+00:00"
    assert {f["rule_id"] for f in data["flags"]} == {"seo-spam-link-farm", "encoding-mojibake", "ai-disclosure-disclaimer"}
    assert data["flags"][0]["link"].startswith("http://127.0.0.1:8001/audit/flags/")
    markdown = runner.invoke(app, ["report", "--db", str(db_path), "--markdown", "--min-severity", "error"])
    assert markdown.exit_code == 0 and markdown.output.startswith("# provenance report")
    page = runner.invoke(app, ["report", "--db", str(db_path), "--html", "--base-url", "http://h:9/x"])
    assert page.exit_code == 0 and 'href="http://h:9/x/flags/' in page.output
    # reading a report marks nothing: the next one holds the same items
    again = runner.invoke(app, ["report", "--db", str(db_path), "--json"])
    assert len(json.loads(again.output)["flags"]) == len(sqlite3.connect(db_path).execute("SELECT id FROM flags").fetchall())


@pytest.mark.parametrize(("args", "message"), [
    (["--json", "--html"], "choose one of"),
    (["--since", "soon"], "--since: expected a date"),
    (["--min-severity", "critical"], "--min-severity: expected info, warning or error"),
    (["--base-url", "javascript:alert(1)"], "--base-url: expected an http(s) URL"),
    (["--email", "--json"], "--email sends text and HTML"),
])
def test_report_command_usage_errors(db_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["report", "--db", str(db_path), *args])
    assert result.exit_code == 2 and message in result.output


def test_report_command_without_a_database(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no audit database here" in result.output
    assert not (tmp_path / "none.db").exists()
