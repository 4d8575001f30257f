"""The Spark engine (local[2], for real) builds the database the local engine builds; Parquet out and back in."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.engines.local import AuditOptions, RunResult, audit
from provenance.store.parquet import DERIVED_TABLES, export_parquet, load_parquet, parquet_tables
from provenance.store.sqlite import AuditStore

from . import warcfile
from .conftest import EXAMPLES
from .newsgen import write_news
from .snapshot import differences, snapshot

pytest.importorskip("pyspark", reason="the spark extra is not installed")
pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (Java 17)")

pq = pytest.importorskip("pyarrow.parquet")


def clock() -> dt.datetime:
    return dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def _local(db: Path, *inputs: Path) -> None:
    store = AuditStore.open(db)
    try:
        events = list(audit([str(p) for p in inputs], store, options=AuditOptions(jobs=1, time_budget=0), now=clock))
        assert isinstance(events[-1], RunResult)
    finally:
        store.close()


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from provenance.engines.spark import spark_session

    session = spark_session("local[2]", app_name="provenance-tests")
    yield session
    session.stop()


def test_cli_spark_audit_of_the_examples_equals_a_local_one_and_writes_parquet(tmp_path: Path) -> None:
    """The examples (text, HTML, JSON Lines), a WARC archive and a JSON Lines file with a broken line."""
    archive = warcfile.write(tmp_path / "crawl.warc.gz", warcfile.crawl(4))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"url": "https://example.com/a", "text": "cut short\n', encoding="utf-8")
    runner = CliRunner()
    local = runner.invoke(app, ["audit", str(EXAMPLES), str(archive), str(broken), "--db", str(tmp_path / "local.db"), "-q", "--time-budget", "0"])
    assert local.exit_code == 1 and "17 new" in local.output, local.output  # the broken line is an error
    out = tmp_path / "parquet"
    run = runner.invoke(app, ["audit", str(EXAMPLES), str(archive), str(broken), "--engine", "spark", "--master", "local[2]",
                              "--db", str(tmp_path / "spark.db"), "--parquet", str(out), "-q", "--time-budget", "0"])
    assert run.exit_code == 1, run.output
    assert "17 new" in run.output and "1 input(s) could not be audited" in run.output and "as Parquet" in run.output
    assert differences(snapshot(str(tmp_path / "local.db")), snapshot(str(tmp_path / "spark.db"))) == []
    # One folder per table, with the SQLite schema's names and types.
    store = AuditStore.open(tmp_path / "spark.db", read_only=True)
    try:
        for table in parquet_tables(store):
            schema = pq.read_schema(next((out / table).glob("*.parquet")))
            declared = [(r[1], r[2]) for r in store.db.execute(f"PRAGMA table_info([{table}])").fetchall()]
            assert schema.names == [name for name, _ in declared]
            kinds = {"INTEGER": "int64", "REAL": "double", "TEXT": "string", "BLOB": "binary"}
            assert [str(t) for t in schema.types] == [kinds[kind] for _, kind in declared], table
        assert pq.read_table(out / "articles").num_rows == 17
        assert pq.read_table(out / "errors").num_rows == 1
    finally:
        store.close()


def test_spark_builds_the_local_database_of_a_news_stream(tmp_path: Path, spark: object) -> None:
    """About 2,000 records: reprints, excerpts, rewrites, changed figures, orphan families, undated copies."""
    from provenance.engines.spark import SparkOptions, audit_spark

    # Shards: the engine makes one task per file.
    lines = write_news(tmp_path / "news.jsonl", 2000, seed=3).read_text(encoding="utf-8").splitlines(keepends=True)
    folder = tmp_path / "stream"
    folder.mkdir()
    for k in range(6):
        (folder / f"{k:02d}.jsonl").write_text("".join(lines[k * len(lines) // 6 : (k + 1) * len(lines) // 6]))
    _local(tmp_path / "local.db", folder)
    store = AuditStore.open(tmp_path / "spark.db")
    try:
        events = list(audit_spark([str(folder)], store, options=AuditOptions(jobs=1, time_budget=0), spark=spark,  # type: ignore[arg-type]
                                  spark_options=SparkOptions("local[2]"), now=clock))
    finally:
        store.close()
    assert isinstance(events[-1], RunResult) and events[-1].counts["articles_new"] == len(lines)
    local = snapshot(str(tmp_path / "local.db"))
    # The stream exercises every stage that the equality covers.
    relations = {dict(row)["relation"] for row in local["copies"]}
    assert {"duplicate", "reprint", "excerpt", "rewrite"} <= relations
    assert any(dict(row)["status"] == "disagreement" for row in local["disagreements"])
    assert any(dict(row)["origin_unseen"] for row in local["stories"])
    assert any(dict(row)["decided_by"] == "credit" for row in local["copies"])
    assert len(local["sources"]) > 100 and len(local["source_counts"]) > 100
    assert differences(local, snapshot(str(tmp_path / "spark.db"))) == []


def test_parquet_export_loads_into_a_new_database_as_it_was(tmp_path: Path) -> None:
    _local(tmp_path / "a.db", EXAMPLES)
    store = AuditStore.open(tmp_path / "a.db")
    written = export_parquet(store, tmp_path / "pq")
    store.close()
    assert written["articles"] == 13 and not DERIVED_TABLES & {t for t, n in written.items() if n == 0}
    fresh = AuditStore.open(tmp_path / "b.db")
    loaded = load_parquet(tmp_path / "pq", fresh)
    # The triggers made what they keep: counters and the full-text indexes.
    hits = fresh.db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Velsund'").fetchone()[0]
    fresh.close()
    assert loaded["articles"] == 13 and hits > 0
    assert differences(snapshot(str(tmp_path / "a.db")), snapshot(str(tmp_path / "b.db"))) == []
    # the trigram index of zones, which the store fills as it writes, is filled by the import too
    zone_rows = []
    for name in ("a.db", "b.db"):
        db = sqlite3.connect(tmp_path / name)
        zone_rows.append(db.execute("SELECT rowid, article_id, kind, text FROM zone_search ORDER BY rowid").fetchall())
        db.close()
    assert len(zone_rows[0]) > 100 and zone_rows[0] == zone_rows[1]
    again = AuditStore.open(tmp_path / "b.db")
    with pytest.raises(Exception, match="already holds articles"):
        load_parquet(tmp_path / "pq", again)
    again.close()


def test_import_into_a_database_with_articles_matches_them_as_a_local_run(tmp_path: Path) -> None:
    # Reference: the text examples, then all the examples, audited here.
    _local(tmp_path / "ref.db", EXAMPLES / "text")
    _local(tmp_path / "ref.db", EXAMPLES)
    # The same, with the second audit made elsewhere and imported.
    _local(tmp_path / "elsewhere.db", EXAMPLES)
    store = AuditStore.open(tmp_path / "elsewhere.db")
    export_parquet(store, tmp_path / "pq")
    store.close()
    _local(tmp_path / "here.db", EXAMPLES / "text")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "pq"), "--db", str(tmp_path / "here.db")])
    assert result.exit_code == 0, result.output
    assert "13 article(s)" in result.output and "7 new, 6 already in" in result.output
    assert differences(snapshot(str(tmp_path / "ref.db")), snapshot(str(tmp_path / "here.db"))) == []


def test_spark_submit_runs_the_command_and_writes_parquet_to_a_hadoop_path(tmp_path: Path) -> None:
    """The README's spark-submit line, on local[2], with the Parquet copy written through Hadoop's file system."""
    import os
    import subprocess
    import sys

    import provenance.engines.submit as submit

    spark_submit = Path(sys.executable).parent / "spark-submit"
    target = tmp_path / "pq"
    result = subprocess.run(
        [str(spark_submit), "--master", "local[2]", "--conf", "spark.ui.enabled=false", submit.__file__,
         "audit", str(EXAMPLES), "--engine", "spark", "--db", str(tmp_path / "spark.db"), "--parquet", target.as_uri(),
         "-q", "--time-budget", "0"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "13 new" in result.stdout
    assert pq.read_table(target / "articles").num_rows == 13 and (target / "_provenance.json").is_file()
    _local(tmp_path / "local.db", EXAMPLES)
    assert differences(snapshot(str(tmp_path / "local.db")), snapshot(str(tmp_path / "spark.db"))) == []


def test_a_file_read_from_a_hadoop_path_keeps_its_location() -> None:
    """Files on hdfs:// or s3a:// come to a task as bytes: the same readers read them, named by their URI."""
    from provenance.engines.spark import _prepare_bytes
    from provenance.ingest.readers import IngestOptions
    from provenance.rules.engine import load_rules

    data = (tmp := Path(__import__("tempfile").mkdtemp())) / "c.warc.gz"
    warcfile.write(data, warcfile.crawl(2))
    uri = "hdfs://namenode:8020/crawl/CC-NEWS/c.warc.gz"
    items = list(_prepare_bytes(3, 5, uri, data.read_bytes(), load_rules(), clock(), IngestOptions(), 0.0))
    assert [key[:2] for key, _ in items] == [(3, 5), (3, 5)]
    locations = [item.doc.location for _, item in items]  # type: ignore[union-attr]
    assert all(location.startswith(uri + "#") for location in locations), locations
    shutil.rmtree(tmp)
