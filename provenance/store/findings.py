"""Facts, disagreements, flags and source scores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

from .base import StoreBase, utc_text
from ..models import Disagreement, Fact, Finding

__all__ = ["FindingsStore"]


class FindingsStore(StoreBase):
    """What the audits found: facts, disagreements between copies, flags, source statistics and scores."""

    def add_facts(self, article_id: int, facts: Sequence[Fact]) -> None:
        self.db.conn.executemany(
            """INSERT INTO facts (article_id, kind, slot, value, unit, qualifier, text, sentence, start_offset,
                   end_offset, resolved, sentence_start, sentence_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (article_id, f.kind, f.slot, f.value, f.unit, f.qualifier, f.text, f.sentence, f.start, f.end,
                 f.resolved, f.sentence_start, f.sentence_end)
                for f in facts
            ],
        )

    def facts_of(self, article_id: int) -> list[Fact]:
        rows = self.db.execute(
            """SELECT kind, value, text, sentence, start_offset, end_offset, sentence_start, sentence_end, unit,
                      qualifier, slot, resolved FROM facts WHERE article_id = ? ORDER BY start_offset""",
            [article_id],
        ).fetchall()
        return [Fact(*row) for row in rows]

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

    def source_stats(self, source_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
        """Per source: articles, articles by worst flag, disagreements, stories originated and copies made.

        Read from ``source_counts`` (kept by triggers), for the given sources or all of them: the cost
        is that of the sources asked for, whatever the size of the database.
        """
        where, params = "", []
        if source_ids is not None:
            where, params = "WHERE s.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(source_ids))]
        cursor = self.db.execute(
            f"""SELECT s.key, s.domain, s.name, c.articles, c.flagged_error, c.flagged_warning, c.flagged_info,
                       c.disagreements, c.originated, c.copied
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
