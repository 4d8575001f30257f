"""Facts, disagreements, flags and source scores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
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

    def source_stats(self) -> list[dict[str, Any]]:
        """Per source: articles, articles by worst flag, disagreements, stories originated and copies made."""
        cursor = self.db.execute(
            """WITH worst AS (
                   SELECT article_id, min(CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS rank
                   FROM flags GROUP BY article_id)
               SELECT s.key, s.domain, s.name, count(a.id) AS articles,
                      sum(w.rank = 0) AS flagged_error, sum(w.rank = 1) AS flagged_warning, sum(w.rank = 2) AS flagged_info,
                      (SELECT count(*) FROM disagreements d JOIN articles x ON x.id IN (d.article_id, d.other_article_id)
                        WHERE x.source_id = s.id AND d.status = 'disagreement') AS disagreements,
                      (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.source_id
                        WHERE x.source_id = s.id AND c.is_primary = 1) AS originated,
                      (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.article_id
                        WHERE x.source_id = s.id AND c.is_primary = 1) AS copied
               FROM sources s LEFT JOIN articles a ON a.source_id = s.id LEFT JOIN worst w ON w.article_id = a.id
               GROUP BY s.id ORDER BY s.key"""
        )
        names = [d[0] for d in cursor.description]
        return [{k: (v or 0) if k not in ("key", "domain", "name") else v for k, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()]

    def save_scores(self, scores: Sequence[dict[str, Any]], now: dt.datetime) -> None:
        stamp = utc_text(now)
        self.db.conn.executemany(
            """UPDATE sources SET score = :score, score_reasons = :reasons, kind = :kind, registry_name = :registry_name,
                   prior = :prior, scored_utc = :stamp WHERE key = :key""",
            [{**score, "stamp": stamp} for score in scores],
        )
