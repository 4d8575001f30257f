"""The store at scale: compact copy evidence, source counters, query plans and concurrent writers."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import datetime as dt

from provenance.engines.local import AuditOptions, RunResult, audit
from provenance.store.copies import stored_evidence
from provenance.store.sqlite import AuditStore

from .conftest import EXAMPLES

#: Tables whose rows grow with the articles audited: no statement of an audit may scan them whole.
LARGE_TABLES = {
    "articles", "pages", "zones", "fingerprints", "lsh_bands", "copies", "facts", "disagreements", "flags", "article_vectors",
    "stories", "fetches", "feed_items", "errors", "runs", "sources", "source_counts", "flag_counts",
}

#: The counters recomputed in full from flags, zones, disagreements and copies, to check the triggers and
#: ``refresh_findings`` against: flags in one zone of a page are one finding at their worst severity; a
#: finding outside the article's own text is charged only when the page's domain is known; dismissed
#: flags and disagreements count for nothing.
RECOMPUTED = """
WITH blocks AS (
    SELECT f.article_id,
           coalesce((SELECT 'z' || z.id FROM zones z
                     WHERE z.article_id = f.article_id AND z.kind = f.zone
                       AND f.start_offset >= z.start_offset AND f.start_offset < z.end_offset
                     ORDER BY z.start_offset LIMIT 1), 'f' || f.id) AS block,
           min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS rank,
           max(f.zone IS NULL OR f.zone IN ('title', 'standfirst', 'byline', 'body', 'caption', 'disclaimer')
               OR a.domain IS NOT NULL) AS charged
    FROM flags f JOIN articles a ON a.id = f.article_id
    WHERE f.review IS NOT 'dismissed'
    GROUP BY f.article_id, block),
per_article AS (
    SELECT article_id, min(rank) FILTER (WHERE charged) AS worst, sum(charged AND rank = 0) AS e,
           sum(charged AND rank = 1) AS w, sum(charged AND rank = 2) AS i, sum(NOT charged) AS u
    FROM blocks GROUP BY article_id)
SELECT s.key, count(a.id) AS articles,
       coalesce(sum(p.worst = 0), 0), coalesce(sum(p.worst = 1), 0), coalesce(sum(p.worst = 2), 0),
       (SELECT count(*) FROM disagreements d JOIN articles x ON x.id IN (d.article_id, d.other_article_id)
         WHERE x.source_id = s.id AND d.status = 'disagreement' AND d.review IS NOT 'dismissed'),
       (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.source_id WHERE x.source_id = s.id AND c.is_primary = 1),
       (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.article_id WHERE x.source_id = s.id AND c.is_primary = 1),
       coalesce(sum(p.u), 0), coalesce(sum(p.e), 0), coalesce(sum(p.w), 0), coalesce(sum(p.i), 0),
       round(coalesce(sum(min(1.0, p.e + 0.4 * p.w + 0.1 * p.i)), 0), 6)
FROM sources s LEFT JOIN articles a ON a.source_id = s.id LEFT JOIN per_article p ON p.article_id = a.id
GROUP BY s.id ORDER BY s.key
"""


def _audit(store: AuditStore, clock: Callable[[], dt.datetime], *paths: Path) -> RunResult:
    events = list(audit([str(p) for p in paths], store, options=AuditOptions(batch_size=3), now=clock))
    result = events[-1]
    assert isinstance(result, RunResult)
    return result


def test_copy_evidence_keeps_offsets_and_readers_get_the_sentences(
    store: AuditStore, clock: Callable[[], dt.datetime]
) -> None:
    _audit(store, clock, EXAMPLES)
    rows = store.db.execute("SELECT article_id, source_id, evidence FROM copies WHERE relation != 'related'").fetchall()
    assert rows
    for article_id, source_id, evidence in rows:
        assert "sentence" not in evidence
        data = json.loads(evidence)
        assert data["aligned"] and {"score", "span", "other_span"} <= set(data["aligned"][0])
        assert set(data["aligned"][0]) <= {"score", "span", "other_span", "run", "semantic", "cosine"}
        link = next(r for r in store.links_of(article_id) if r["source_id"] == source_id)
        text = store.article_row(article_id)["text"]
        other = store.article_row(source_id)["text"]
        for pair in json.loads(link["evidence"])["aligned"]:
            (a, b), (c, d) = pair["span"], pair["other_span"]
            assert pair["sentence"] == text[a:b] and pair["other_sentence"] == other[c:d]
            assert len(pair["sentence"].split()) >= 4


def test_a_run_of_identical_sentences_is_stored_as_one_passage() -> None:
    def pair(score: float, a: int, b: int, c: int, d: int) -> dict[str, object]:
        return {"score": score, "span": [a, b], "other_span": [c, d]}

    reprint = [pair(100.0, 0, 50, 10, 60), pair(100.0, 51, 90, 61, 100), pair(100.0, 91, 120, 101, 130),
               pair(96.5, 121, 160, 131, 168),  # reworded: kept on its own, and it ends the run
               pair(100.0, 161, 200, 169, 208), pair(100.0, 201, 230, 209, 238),
               pair(100.0, 300, 340, 240, 280)]  # a sentence left out of the copy in between: a new passage
    stored = stored_evidence({"jaccard": 0.8, "aligned": reprint})
    assert stored["jaccard"] == 0.8
    assert stored["aligned"] == [
        {"score": 100.0, "span": [0, 120], "other_span": [10, 130], "run": 3},
        pair(96.5, 121, 160, 131, 168),
        {"score": 100.0, "span": [161, 230], "other_span": [169, 238], "run": 2},
        pair(100.0, 300, 340, 240, 280),
    ]
    semantic = [{**pair(100.0, 0, 50, 0, 50), "semantic": True}, {**pair(100.0, 51, 90, 51, 90), "semantic": True}]
    assert stored_evidence({"aligned": semantic})["aligned"] == semantic


def test_source_counters_match_a_full_recount(store: AuditStore, clock: Callable[[], dt.datetime]) -> None:
    _audit(store, clock, EXAMPLES / "text")
    _audit(store, clock, EXAMPLES / "html", EXAMPLES / "records.jsonl")
    recount = [tuple(r) for r in store.db.execute(RECOMPUTED).fetchall()]
    assert _kept(store) == recount
    assert any(r[5] for r in recount) and any(r[6] for r in recount)  # the examples exercise every counter
    assert sum(r[2] + r[3] + r[4] for r in recount) > 0
    assert any(r[8] for r in recount)  # a page dump of unknown host, whose spam is charged to no one
    # Reviews move the counters too: dismiss a flag and a disagreement, then confirm the flag again.
    flag_id, article_id = store.db.execute(
        "SELECT f.id, f.article_id FROM flags f JOIN articles a ON a.id = f.article_id"
        " WHERE a.domain IS NOT NULL ORDER BY f.severity = 'error' DESC, f.id LIMIT 1").fetchone()
    (disagreement_id,) = store.db.execute("SELECT id FROM disagreements WHERE status = 'disagreement' LIMIT 1").fetchone()
    now = clock()
    for item, item_id, verdict in (("flag", flag_id, "dismissed"), ("disagreement", disagreement_id, "dismissed")):
        store.add_review(item, item_id, verdict, "tester", None, now)
        store.refresh_findings(store.reviewed_articles(item, item_id), (1.0, 0.4, 0.1))
        assert _kept(store) == [tuple(r) for r in store.db.execute(RECOMPUTED).fetchall()]
    assert _kept(store) != recount
    store.add_review("flag", flag_id, "confirmed", "tester", None, now)
    store.add_review("disagreement", disagreement_id, "confirmed", "tester", None, now)
    store.refresh_findings([article_id], (1.0, 0.4, 0.1))
    assert _kept(store) == recount


def _kept(store: AuditStore) -> list[tuple[object, ...]]:
    return [
        (r["key"], r["articles"], r["flagged_error"], r["flagged_warning"], r["flagged_info"], r["disagreements"],
         r["originated"], r["copied"], r["uncharged"], r["findings_error"], r["findings_warning"], r["findings_info"],
         round(r["penalty"], 6))
        for r in store.source_stats()
    ]


def test_a_run_scores_only_the_sources_it_touched(store: AuditStore, clock: Callable[[], dt.datetime]) -> None:
    _audit(store, clock, EXAMPLES / "text")
    before = dict(store.db.execute("SELECT key, scored_utc FROM sources").fetchall())
    assert before and all(before.values())
    _audit(store, clock, EXAMPLES / "html")
    after = dict(store.db.execute("SELECT key, scored_utc FROM sources").fetchall())
    rescored = {key for key, stamp in after.items() if stamp != before.get(key)}
    new_sources = set(after) - set(before)
    assert new_sources and new_sources <= rescored
    assert rescored != set(after)  # the sources no new article came from or linked to were left alone


def _scans(sql: str, plan: list[tuple[int, int, int, str]], partial: frozenset[str] = frozenset()) -> list[str]:
    """Steps of a query plan that read a large table (or one of its indexes) whole.

    A scan of a partial index (``partial``) reads only the rows its WHERE
    clause keeps, such as the runs still running, and is not counted.

    A plan names a table by its alias when it has one. It also lists the
    foreign-key checks of a write (a scan of each child table of the row
    written); SQLite runs them only while a violation is pending, never in an
    audit, so scans of tables the statement does not name are left out.
    Triggers are checked on their own.
    """
    tables = {word: word for word in re.findall(r"\w+", sql.lower())}
    for table, alias in re.findall(r"\b(?:from|join)\s+(\w+)(?:\s+(?:as\s+)?(\w+))?", sql.lower()):
        if alias:
            tables.setdefault(alias, table)
            tables[alias] = table if table in LARGE_TABLES else tables[alias]
    found = []
    for *_, detail in plan:
        match = re.match(r"SCAN (\w+)", detail)
        index = re.search(r"USING (?:COVERING )?INDEX (\w+)", detail)
        if index and index.group(1) in partial:
            continue
        if match and tables.get(match.group(1).lower()) in LARGE_TABLES:
            found.append(detail)
    return found


def _trigger_statements(store: AuditStore) -> list[str]:
    """The statements of the triggers an audit fires, with new.x and old.x made literals so that they can be
    explained. An audit deletes nothing and never updates a flag, so those triggers are left out."""
    statements = []
    for (sql,) in store.db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql NOT LIKE '%AFTER DELETE%'"
        " AND sql NOT LIKE '%AFTER UPDATE OF article_id, category, severity ON flags%'"
    ).fetchall():
        body = sql[sql.upper().index(" BEGIN") + 6 : sql.upper().rindex("END")]
        body = re.sub(r"\b(?:new|old)\.\w+", "1", body)
        statements += [part.strip() for part in body.split(";") if part.strip()]
    return statements


def test_no_statement_of_an_audit_scans_a_large_table(tmp_path: Path, clock: Callable[[], dt.datetime]) -> None:
    """Every statement the store issues while auditing, read back with EXPLAIN QUERY PLAN."""
    path = tmp_path / "audit.db"
    AuditStore.open(path).close()
    store = AuditStore.open(path)
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    _audit(store, clock, EXAMPLES / "text")
    _audit(store, clock, EXAMPLES / "html", EXAMPLES / "records.jsonl")
    # and what `provenance show` and `provenance story` read
    for article_id in (1, 2, 3):
        store.links_of(article_id)
        store.article_summary(article_id)
        store.disagreements_of(article_id)
        store.fact_rows(article_id)
        store.flags_of(article_id)
    story_id = int(store.article_row(2)["story_id"])
    store.story_members(story_id)
    store.story_row(story_id)
    assert store.disagreements_of(story_id=story_id)
    store.db.conn.set_trace_callback(None)
    partial = frozenset(name for (name,) in store.db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'").fetchall())
    checked = 0
    problems = []
    for sql in dict.fromkeys([*statements, *_trigger_statements(store)]):
        head = sql.lstrip().split(None, 1)[0].upper()
        if head not in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            continue
        # The trace shows each statement with its values bound, so it can be explained as it ran.
        plan = store.db.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        checked += 1
        problems += [f"{detail}\n    in: {' '.join(sql.split())[:300]}" for detail in _scans(sql, plan, partial)]
    assert checked > 20
    assert not problems, "\n".join(problems)


_WRITER = """
import sys
from provenance.engines.local import AuditOptions, RunResult, audit
from provenance.store.sqlite import AuditStore
store = AuditStore.open(sys.argv[1])
events = list(audit(sys.argv[2:], store, options=AuditOptions(batch_size=1)))
result = events[-1]
assert isinstance(result, RunResult)
print(result.counts["articles_new"])
"""


def test_two_audits_at_once_on_one_database_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "audit.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    inputs = [[str(EXAMPLES / "text")], [str(EXAMPLES / "html"), str(EXAMPLES / "records.jsonl")]]
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(path), *paths], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
        for paths in inputs
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert int(out.strip()) > 0
    con = sqlite3.connect(path)
    runs = con.execute("SELECT status FROM runs").fetchall()
    articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert runs == [("finished",), ("finished",)]
    assert articles == sum(int(out) for out, _ in outputs)
