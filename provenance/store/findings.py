"""Facts, disagreements, flags and source scores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .base import StoreBase, utc_text
from ..models import Disagreement, Fact, Finding

__all__ = ["OWN_ZONES", "FindingsStore", "matched_text"]

#: Zones of a page that are the article's own text: what a credited outlet answers for.
OWN_ZONES = ("title", "standfirst", "byline", "body", "caption", "disclaimer")


def matched_text(evidence: Mapping[str, Any]) -> str | None:
    """The text a flag matched, from its evidence (``match``; older databases also say ``matched`` or ``text``)."""
    return next((evidence[k] for k in ("matched", "match", "text") if isinstance(evidence.get(k), str)), None)


class FindingsStore(StoreBase):
    """What the audits found: facts, disagreements between copies, flags, source statistics and scores."""

    def add_facts(self, article_id: int, facts: Sequence[Fact]) -> None:
        self.db.conn.executemany(
            """INSERT INTO facts (article_id, kind, slot, value, unit, qualifier, text, start_offset,
                   end_offset, resolved, sentence_start, sentence_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [  # the sentence is not stored again: its offsets read it from the article text
                (article_id, f.kind, f.slot, f.value, f.unit, f.qualifier, f.text, f.start, f.end,
                 f.resolved, f.sentence_start, f.sentence_end)
                for f in facts
            ],
        )

    def facts_of(self, article_id: int) -> list[Fact]:
        rows = self.db.execute(
            """SELECT kind, value, text, start_offset, end_offset, sentence_start, sentence_end, unit,
                      qualifier, slot, resolved FROM facts WHERE article_id = ? ORDER BY start_offset""",
            [article_id],
        ).fetchall()
        if not rows:
            return []
        body = str(self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()[0])
        return [Fact(r[0], r[1], r[2], body[r[5] : r[6]], *r[3:]) for r in rows]

    def add_disagreements(
        self, run_id: int, article_id: int, other_id: int | None, items: Sequence[Disagreement], now: dt.datetime
    ) -> None:
        stamp = utc_text(now)
        self.db.conn.executemany(
            """INSERT INTO disagreements (article_id, other_article_id, kind, value, other_value, sentence,
                   other_sentence, rule_id, confidence, reason, status, run_id, created_utc)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (article_id, other_id, d.kind, d.value, d.other_value, d.sentence, d.other_sentence, d.rule_id,
                 d.confidence, d.reason, d.status, run_id, stamp)
                for d in items
            ],
        )

    def add_flags(
        self, run_id: int, article_id: int, findings: Sequence[Finding], rules_version: str, now: dt.datetime
    ) -> None:
        stamp = utc_text(now)
        self.db.conn.executemany(
            """INSERT INTO flags (article_id, rule_id, category, severity, message, evidence, zone, start_offset,
                   end_offset, rules_version, run_id, created_utc, confidence)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (article_id, f.rule_id, f.category, f.severity, f.message,
                 json.dumps({"match": f.matched, "zone": f.zone, "start": f.start, "end": f.end}, ensure_ascii=False),
                 f.zone, f.start, f.end, rules_version, run_id, stamp, f.confidence)
                for f in findings
            ],
        )

    def refresh_findings(self, article_ids: Collection[int], weights: Sequence[float]) -> None:
        """Count again what the flags of these articles charge to their sources (``article_findings``).

        A finding is charged to the source of its article when it sits in the article's own text
        (``OWN_ZONES``, or the article as a whole); a finding in the page around it (spam blocks,
        navigation, footers) is charged only when the domain that served the page is known, as the
        source is then that domain. Flags in one zone of a page are one finding (two rules that see
        the same spam block), at the worst severity; dismissed flags count for nothing. An article's
        penalty is its findings weighed by ``weights`` (error, warning, info), at most 1. The
        triggers on ``article_findings`` carry the change into ``source_counts``.
        """
        ids = json.dumps(sorted(article_ids))
        own = ",".join(f"'{kind}'" for kind in OWN_ZONES)
        error, warning, info = weights
        self.db.execute("DELETE FROM article_findings WHERE article_id IN (SELECT value FROM json_each(?))", [ids])
        self.db.execute(
            f"""INSERT INTO article_findings (article_id, errors, warnings, infos, uncharged, worst, penalty)
                WITH blocks AS (
                    SELECT f.article_id,
                           coalesce((SELECT 'z' || z.id FROM zones z
                                     WHERE z.article_id = f.article_id AND z.kind = f.zone
                                       AND f.start_offset >= z.start_offset AND f.start_offset < z.end_offset
                                     ORDER BY z.start_offset LIMIT 1), 'f' || f.id) AS block,
                           min(CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS rank,
                           max(f.zone IS NULL OR f.zone IN ({own}) OR a.domain IS NOT NULL) AS charged
                    FROM flags f JOIN articles a ON a.id = f.article_id
                    WHERE f.article_id IN (SELECT value FROM json_each(?)) AND f.review IS NOT 'dismissed'
                    GROUP BY f.article_id, block),
                counted AS (
                    SELECT article_id, sum(charged AND rank = 0) AS e, sum(charged AND rank = 1) AS w,
                           sum(charged AND rank = 2) AS i, sum(NOT charged) AS u,
                           min(rank) FILTER (WHERE charged) AS worst
                    FROM blocks GROUP BY article_id)
                SELECT article_id, e, w, i, u, worst, min(1.0, ? * e + ? * w + ? * i) FROM counted""",
            [ids, error, warning, info],
        )

    def source_stats(self, source_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
        """Per source: articles, the findings charged to it (see ``refresh_findings``), disagreements,
        stories originated and copies made.

        Read from ``source_counts`` (kept by triggers), for the given sources or all of them: the cost
        is that of the sources asked for, whatever the size of the database.
        """
        where, params = "", []
        if source_ids is not None:
            where, params = "WHERE s.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(source_ids))]
        cursor = self.db.execute(
            f"""SELECT s.key, s.domain, s.name, c.articles, c.flagged_error, c.flagged_warning, c.flagged_info,
                       c.disagreements, c.originated, c.copied, c.uncharged, c.findings_error, c.findings_warning,
                       c.findings_info, c.penalty
                FROM sources s LEFT JOIN source_counts c ON c.source_id = s.id {where} ORDER BY s.key""",
            params,
        )
        names = [d[0] for d in cursor.description]
        return [{k: (v or 0) if k not in ("key", "domain", "name") else v for k, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()]

    def sources_of(self, article_ids: Collection[int]) -> set[int]:
        """The sources of these articles."""
        rows = self.db.execute(
            "SELECT DISTINCT source_id FROM articles WHERE id IN (SELECT value FROM json_each(?))"
            " AND source_id IS NOT NULL",
            [json.dumps(sorted(article_ids))],
        ).fetchall()
        return {int(r[0]) for r in rows}

    def save_scores(self, scores: Sequence[dict[str, Any]], now: dt.datetime) -> None:
        stamp = utc_text(now)
        self.db.conn.executemany(
            """UPDATE sources SET score = :score, score_reasons = :reasons, kind = :kind, registry_name = :registry_name,
                   prior = :prior, scored_utc = :stamp WHERE key = :key""",
            [{**score, "stamp": stamp} for score in scores],
        )

    def _rows(self, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def flags_of(self, article_id: int) -> list[dict[str, Any]]:
        """An article's flags, worst first, each with its latest review (who, when, why)."""
        return self._rows(
            """SELECT f.id, f.rule_id, f.category, f.severity, f.message, f.zone, f.start_offset, f.end_offset,
                      coalesce(json_extract(f.evidence, '$.match'), json_extract(f.evidence, '$.matched')) AS matched,
                      f.confidence, f.review, r.reviewer, r.note AS review_note, r.reviewed_utc
               FROM flags f LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE flag_id = f.id)
               WHERE f.article_id = ?
               ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.start_offset, f.id""",
            [article_id],
        )

    def fact_rows(self, article_id: int) -> list[dict[str, Any]]:
        return self._rows(
            """SELECT id, kind, slot, value, unit, qualifier, text, resolved, sentence FROM fact_sentences
               WHERE article_id = ? ORDER BY start_offset""",
            [article_id],
        )

    def disagreements_of(self, article_id: int | None = None, story_id: int | None = None) -> list[dict[str, Any]]:
        """Disagreements and inconsistencies naming an article (either side), or any member of a story."""
        # Each side looked up by its own index: "? IN (article_id, other_article_id)" reads the whole table.
        members = "(?)" if story_id is None else "(SELECT id FROM articles WHERE story_id = ?)"
        where = (f"d.id IN (SELECT id FROM disagreements WHERE article_id IN {members}"
                 f" UNION SELECT id FROM disagreements WHERE other_article_id IN {members})")
        key = article_id if story_id is None else story_id
        params = [key, key]
        return self._rows(
            f"""SELECT d.id, d.status, d.kind, d.article_id, coalesce(a.site_name, a.domain) AS outlet,
                       a.published, d.value, d.sentence, d.other_article_id,
                       coalesce(o.site_name, o.domain) AS other_outlet, o.published AS other_published,
                       d.other_value, d.other_sentence, d.rule_id, d.confidence, d.reason, d.review
                FROM disagreements d JOIN articles a ON a.id = d.article_id
                LEFT JOIN articles o ON o.id = d.other_article_id
                WHERE {where} ORDER BY d.status, d.kind, d.id""",
            params,
        )

    def add_review(self, item: str, item_id: int, verdict: str, reviewer: str, note: str | None,
                   now: dt.datetime) -> int:
        """Record a person's verdict on a flag or a disagreement; the latest one counts."""
        table = {"flag": "flags", "disagreement": "disagreements"}[item]
        if not self.db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [item_id]).fetchone():
            raise KeyError(item_id)
        cursor = self.db.execute(
            f"INSERT INTO reviews ({item}_id, verdict, reviewer, note, reviewed_utc) VALUES (?, ?, ?, ?, ?)",
            [item_id, verdict, reviewer, note, utc_text(now)],
        )
        return int(cursor.lastrowid or 0)

    def reviewed_articles(self, item: str, item_id: int) -> list[int]:
        """The articles a flag or a disagreement is about (a disagreement has two sides)."""
        if item == "flag":
            rows = self.db.execute("SELECT article_id FROM flags WHERE id = ?", [item_id]).fetchall()
        else:
            rows = self.db.execute(
                "SELECT article_id FROM disagreements WHERE id = ? UNION SELECT other_article_id FROM disagreements"
                " WHERE id = ? AND other_article_id IS NOT NULL", [item_id, item_id]).fetchall()
        return [int(r[0]) for r in rows]
