"""An audit database made by a real audit of examples/, once per test session, plus findings.

The rule and cross-check stages that fill ``flags`` and ``disagreements`` are not wired
into the audit yet, so :func:`add_findings` writes a few rows of each with SQL.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli.app import app

from .conftest import EXAMPLES

_BUILT: dict[str, Path] = {}

# (location suffix, rule, category, severity, message, matched, zone, created_utc)
FLAGS = [
    ("vantagepost_velsund_port_deal.txt", "attribution-misspelled-agency", "attribution", "warning",
     "Misspelled agency credit: 'Xinhue'", "Xinhue", "body", "2026-01-02T08:00:00+00:00"),
    ("eastwire_valdoria_seravand_60_years.txt", "seo-spam-link-farm", "seo-spam", "error",
     "Link-farm spam block around the article", "主站蜘蛛池模板", "spam", "2026-01-03T08:00:00+00:00"),
    ("meridiandigest_ai_summary.txt", "ai-disclosure-disclaimer", "ai-disclosure", "info",
     "AI disclaimer", "produced automatically by an artificial intelligence system", "disclaimer",
     "2026-01-04T08:00:00+00:00"),
    ("korsadaily_60_years_rewrite.txt", "encoding-mojibake", "encoding", "error",
     "Mojibake in the body", "Pelmethâ€™s", "body", "2026-01-05T08:00:00+00:00"),
    ("records.jsonl:4", "attribution-misspelled-agency", "attribution", "warning",
     "Misspelled agency credit: 'Reutres'", "Reutres", "body", "2025-12-20T08:00:00+00:00"),
]

# (location, other location, kind, value, other value, sentence, other sentence, status, created_utc)
DISAGREEMENTS = [
    ("records.jsonl:2", "eastwire_valdoria_seravand_60_years.txt", "money", "48.2e9", "84.2e9",
     "Bilateral trade reached $48.2 billion last year.", "Bilateral trade reached $84.2 billion last year.",
     "disagreement", "2026-01-03T09:00:00+00:00"),
    ("korsadaily_60_years_rewrite.txt", None, "date", "2024-10-02", "2024-10-03",
     "Sixty years to the day after Korsa and Pelmeth established relations.", None,
     "update", "2026-01-04T09:00:00+00:00"),
]


def audited_examples(factory: pytest.TempPathFactory) -> Path:
    """examples/ audited into a fresh database (built once per session; copy it before writing)."""
    if "db" not in _BUILT:
        path = factory.mktemp("examples") / "audit.db"
        result = CliRunner().invoke(app, ["audit", str(EXAMPLES), "--db", str(path), "--quiet"])
        assert result.exit_code == 0, result.output
        _BUILT["db"] = path
    return _BUILT["db"]


def copy_db(source: Path, directory: Path, name: str = "audit.db") -> Path:
    """A private copy of a database (checkpointed first, so the copy needs no -wal file)."""
    conn = sqlite3.connect(source)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    target = directory / name
    shutil.copyfile(source, target)
    return target


def article_id(conn: sqlite3.Connection, suffix: str) -> int:
    (row,) = conn.execute("SELECT id FROM articles WHERE location LIKE ?", ["%" + suffix]).fetchall()
    return int(row[0])


AUDITED_UTC = "2025-06-01T00:00:00+00:00"


def add_findings(path: Path) -> None:
    """Write FLAGS and DISAGREEMENTS into the database at ``path``.

    Whatever the audit itself found is dated AUDITED_UTC, before every row written here, so
    that a window from 2025-12-01 on holds these rows alone.
    """
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE flags SET created_utc = ?", [AUDITED_UTC])
        conn.execute("UPDATE disagreements SET created_utc = ?", [AUDITED_UTC])
        conn.execute("UPDATE stories SET updated_utc = ?", [AUDITED_UTC])
        run = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
        for suffix, rule, category, severity, message, matched, zone, created in FLAGS:
            conn.execute(
                "INSERT INTO flags (article_id, rule_id, category, severity, message, evidence, zone, rules_version,"
                " run_id, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, 'test', ?, ?)",
                [article_id(conn, suffix), rule, category, severity, message,
                 json.dumps({"matched": matched, "zone": zone}, ensure_ascii=False), zone, run, created],
            )
        for one, other, kind, value, other_value, sentence, other_sentence, status, created in DISAGREEMENTS:
            conn.execute(
                "INSERT INTO disagreements (article_id, other_article_id, kind, value, other_value, sentence,"
                " other_sentence, rule_id, confidence, reason, run_id, created_utc, status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'test-crosscheck', 0.9, 'same slot, another value', ?, ?, ?)",
                [article_id(conn, one), article_id(conn, other) if other else None, kind, value, other_value,
                 sentence, other_sentence, run, created, status],
            )
    conn.close()
