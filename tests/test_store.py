from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from provenance.errors import StoreError
from provenance.store.sqlite import AuditStore, migrations_dir, schema_sql

from .conftest import ROOT


def test_schema_sql_is_what_the_migrations_make(store: AuditStore) -> None:
    """db/schema.sql documents the schema: it must match a freshly migrated database."""
    assert (ROOT / "db" / "schema.sql").read_text(encoding="utf-8") == schema_sql(store.db)


def test_required_tables_and_columns(store: AuditStore) -> None:
    required = {
        "runs": {"started_utc", "version", "inputs", "articles_seen", "articles_new", "errors"},
        "sources": {"domain", "name"},
        "articles": {"id", "location", "url", "domain", "site_name", "title", "byline", "published",
                     "published_source", "text", "content_hash", "story_id"},
        "errors": {"input", "problem"},
        "flags": {"article_id", "rule_id", "category", "severity", "message", "evidence", "rules_version"},
        "copies": {"article_id", "source_id", "relation", "similarity"},
        "facts": {"article_id", "kind", "value"},
        "disagreements": {"article_id", "other_article_id", "kind", "value", "other_value", "sentence", "other_sentence"},
        "fingerprints": {"content_hash", "minhash", "recipe_id"},
        "fingerprint_recipes": {"shingle_size", "num_perm", "seed", "scheme", "library", "library_version"},
        "zones": {"article_id", "kind", "start_offset", "end_offset"},
    }
    for table, columns in required.items():
        assert columns <= set(store.db[table].columns_dict), table


def test_migrations_are_numbered_and_applied_once(tmp_path: Path) -> None:
    names = [p.stem for p in sorted(migrations_dir().glob("*.sql"))]
    assert names and all(name[:4].isdigit() for name in names)
    path = tmp_path / "audit.db"
    AuditStore.open(path).close()
    AuditStore.open(path).close()
    db = sqlite_utils.Database(path)
    applied = [row["name"] for row in db["_sqlite_migrations"].rows]
    assert applied == names


def test_timestamps_carry_a_utc_offset(store: AuditStore) -> None:
    run = store.start_run("audit", ["x"], "0", dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    (started,) = store.db.execute("SELECT started_utc FROM runs WHERE id = ?", [run]).fetchone()
    assert started == "2026-01-05T08:00:00+00:00"
    with pytest.raises(ValueError):
        store.start_run("audit", [], "0", dt.datetime(2026, 1, 5))


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError) as info:
        AuditStore.open(path)
    assert info.value.source == str(path)


def test_read_only_open_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    AuditStore.open(path).close()
    store = AuditStore.open(path, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store.db.execute("INSERT INTO sources (key, first_seen_utc, last_seen_utc) VALUES ('x', 'y', 'z')")
    with pytest.raises(StoreError, match="no audit database"):
        AuditStore.open(tmp_path / "missing.db", read_only=True)
