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


def _open_at(path: Path, last: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A database made by the migrations up to ``last``, as an older release left it."""
    older = tmp_path / "older-migrations"
    older.mkdir()
    for migration in sorted(migrations_dir().glob("*.sql")):
        if migration.stem <= last:
            (older / migration.name).write_text(migration.read_text(encoding="utf-8"), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr("provenance.store.base.migrations_dir", lambda: older)
        AuditStore.open(path).close()


def test_upgrade_keeps_fact_sentences_and_zone_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Migration 0011 stops storing a fact's sentence and the zones' texts twice; nothing readable is lost."""
    path = tmp_path / "audit.db"
    _open_at(path, "0010_zone_search_from_store", monkeypatch, tmp_path)
    body = "Ties were set up in 1949. This year marks the 70th anniversary of those ties."
    page = "Menu | Home\n" + body + "\n主站蜘蛛池模板： 青岚县| 白溪镇"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO runs (id, started_utc, version, command, inputs) VALUES (1, '2024-01-01T00:00:00+00:00', 'x', 'audit', '[]')")
    conn.execute(
        "INSERT INTO articles (id, location, input_kind, raw_sha256, text, word_count, content_hash, encoding,"
        " extractor, run_id, audited_utc) VALUES (1, 'a.txt', 'text', 'r', ?, 15, 'h', 'utf-8', 'text', 1, 'now')",
        [body],
    )
    conn.execute("INSERT INTO pages (article_id, page_text) VALUES (1, ?)", [page])
    spam_start = page.index("主站")
    conn.executemany("INSERT INTO zones (article_id, kind, start_offset, end_offset) VALUES (1, ?, ?, ?)",
                     [("navigation", 0, 11), ("body", 12, 12 + len(body)), ("spam", spam_start, len(page))])
    second = body.index("This year")
    facts = [("year", "1949", "1949", body[:second - 1], 21, 25, 0, second - 1),
             ("anniversary", "70", "70th", body[second:], body.index("70th"), body.index("70th") + 4, None, None)]
    conn.executemany(
        "INSERT INTO facts (article_id, kind, value, text, sentence, start_offset, end_offset, sentence_start,"
        " sentence_end) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)", facts)
    conn.commit()
    conn.close()

    store = AuditStore.open(path)
    assert "sentence" not in store.db["facts"].columns_dict
    assert [f.sentence for f in store.facts_of(1)] == [body[:second - 1], body[second:]]
    assert [r["sentence"] for r in store.fact_rows(1)] == [body[:second - 1], body[second:]]
    found = store.db.execute("SELECT kind, text FROM zone_search WHERE text LIKE '%蜘蛛池%'").fetchall()
    assert found == [("spam", page[spam_start:])]
    assert store.db.execute("SELECT count(*) FROM zone_search WHERE text LIKE '%ties were%'").fetchone()[0] == 1
    # forgetting a zone takes it out of the index, which stays sound
    store.db.execute("DELETE FROM zones WHERE kind = 'spam'")
    store.db.execute("INSERT INTO zone_search (zone_search) VALUES ('integrity-check')")
    assert store.db.execute("SELECT count(*) FROM zone_search WHERE text LIKE '%蜘蛛池%'").fetchone()[0] == 0
    store.close()


def _indexed(store: AuditStore, word: str) -> list[int]:
    return [r[0] for r in store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", [word])]


def test_search_indexes_are_written_at_commit_and_forget_what_was_rolled_back(tmp_path: Path) -> None:
    """Articles and zones are indexed in bulk when the transaction commits; a savepoint rolled back
    (the same input given twice) leaves nothing in either index, even when its ids are used again."""
    from provenance.article.extract import extract_article
    from provenance.article.fingerprint import fingerprint_article
    from provenance.models import Article, Document, Fingerprint

    def article(name: str, body: str) -> tuple[Article, Fingerprint]:
        page = f"Home | World | Sport\n{body}\nCasino online | slot gacor | judi bola\n"
        extracted = extract_article(Document(name, "text", page, name * 8))
        return extracted, fingerprint_article(extracted)

    now = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    store = AuditStore.open(tmp_path / "audit.db")
    run_id = store.start_run("audit", ["a.txt", "b.txt", "c.txt"], "test", now)
    first = article("a.txt", "Harbour officials in Kettleby approved the saltmarsh dredging plan on Tuesday after a long debate.")
    gone = article("b.txt", "The Quaywater derby ended level after a late equaliser from the visiting captain on Saturday night.")
    kept = article("c.txt", "Ferry crews in Velsund walked out over rosters, stranding hundreds of commuters on Monday morning.")
    with store.transaction():
        a = store.add_article(run_id, first[0], first[1], now)
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.add_article(run_id, gone[0], gone[1], now)
                raise RuntimeError("stored twice")
        c = store.add_article(run_id, kept[0], kept[1], now)
        assert _indexed(store, "saltmarsh") == []  # not yet: indexed at commit
    assert c == a + 1  # the rolled-back article's id was used again
    assert _indexed(store, "saltmarsh") == [a]
    assert _indexed(store, "velsund") == [c]
    assert _indexed(store, "quaywater") == []
    spam = store.db.execute("SELECT article_id FROM zone_search WHERE text LIKE '%slot gacor%' ORDER BY article_id").fetchall()
    assert spam == [(a,), (c,)]
    # outside a transaction of the store, an article is indexed at once
    store.add_article(run_id, gone[0], gone[1], now)
    store.db.conn.commit()
    assert len(_indexed(store, "quaywater")) == 1
    store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
    store.db.execute("INSERT INTO zone_search (zone_search) VALUES ('integrity-check')")
    store.close()
