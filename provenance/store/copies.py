"""Copy links, primary sources and stories: the ``copies`` and ``stories`` tables."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ..corpus.stories import (
    PrimaryCandidate,
    StoryMember,
    choose_primary,
    place_in_story,
    story_origin,
)
from ..models import Copy
from .base import StoreBase, utc_text

__all__ = ["CopiesStore", "stored_evidence"]


def stored_evidence(evidence: dict[str, Any]) -> dict[str, Any]:
    """A link's evidence as stored: consecutive identical sentences joined into one aligned passage.

    A reprint aligns every sentence with score 100, each right after the last in both texts; stored
    one by one they were most of the database (1.3 KB a link). A run of such pairs is kept as one
    passage, ``{"score": 100, "span", "other_span", "run": n}`` (n sentences); pairs with a lower score,
    semantic pairs and pairs out of step are kept as they are.
    """
    aligned = evidence.get("aligned")
    if not isinstance(aligned, list) or len(aligned) < 2:
        return evidence
    passages: list[dict[str, Any]] = []
    for pair in aligned:
        last = passages[-1] if passages else None
        if (
            last is not None
            and _verbatim(pair)
            and _verbatim(last)
            and 0 <= pair["span"][0] - last["span"][1] <= _GAP  # the sentences follow each other in both texts
            and 0 <= pair["other_span"][0] - last["other_span"][1] <= _GAP
        ):
            passages[-1] = {**last, "span": [last["span"][0], pair["span"][1]],
                            "other_span": [last["other_span"][0], pair["other_span"][1]],
                            "run": int(last.get("run", 1)) + 1}
        else:
            passages.append(pair)
    return {**evidence, "aligned": passages}


def _verbatim(pair: Any) -> bool:
    """A pair of identical sentences with nothing else said of it (a semantic pair carries more keys)."""
    return isinstance(pair, dict) and pair.get("score") == 100.0 and set(pair) <= {"score", "span", "other_span", "run"}


#: Characters between two sentences that follow each other (spaces, a line break).
_GAP = 3


class CopiesStore(StoreBase):
    """Copy links between articles and the stories they form."""

    def add_copies(self, run_id: int, article_id: int, copies: Sequence[Copy], now: dt.datetime) -> None:
        """Store the links found for a new article, choose primary sources and place it in a story."""
        stamp = utc_text(now)
        for copy in copies:
            self.db.execute(
                """INSERT INTO copies (article_id, source_id, relation, direction, similarity,
                    containment, source_containment, reason, evidence, run_id, created_utc, decided_by, weight,
                    unseen_source)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (article_id, source_id) DO UPDATE SET relation = excluded.relation,
                       direction = excluded.direction, similarity = excluded.similarity,
                       containment = excluded.containment, source_containment = excluded.source_containment,
                       reason = excluded.reason, evidence = excluded.evidence, run_id = excluded.run_id,
                       created_utc = excluded.created_utc, decided_by = excluded.decided_by,
                       weight = excluded.weight, unseen_source = excluded.unseen_source""",
                [
                    copy.article_id,
                    copy.source_id,
                    copy.relation,
                    copy.direction,
                    copy.similarity,
                    copy.containment,
                    copy.source_containment,
                    copy.reason,
                    json.dumps(stored_evidence(copy.evidence), ensure_ascii=False, separators=(",", ":")),
                    run_id,
                    stamp,
                    copy.decided_by,
                    copy.weight,
                    copy.unseen_source,
                ],
            )
        for derived in {c.article_id for c in copies if c.direction == "derived"}:
            self._choose_primary(derived)
        if any(c.relation != "related" for c in copies):
            self._place_in_story(article_id, stamp)

    def _choose_primary(self, article_id: int) -> None:
        """The best-aligned source among an article's earlier copies is its primary source."""
        rows = self.db.execute(
            """SELECT c.id, c.source_id, c.similarity, a.published, coalesce(c.weight, 0), coalesce(c.decided_by, 'date')
               FROM copies c JOIN articles a ON a.id = c.source_id
               WHERE c.article_id = ? AND c.direction = 'derived' AND c.relation != 'related'""",
            [article_id],
        ).fetchall()
        self.db.execute(
            "UPDATE copies SET is_primary = 0, primary_reason = NULL WHERE article_id = ? AND is_primary = 1", [article_id]
        )
        chosen = choose_primary(
            [PrimaryCandidate(int(r[0]), int(r[1]), float(r[2]), r[3], float(r[4]), str(r[5])) for r in rows]
        )
        if chosen is not None:
            self.db.execute("UPDATE copies SET is_primary = 1, primary_reason = ? WHERE id = ?", [chosen[1], chosen[0]])

    # StoryView: the link graph as story placement sees it -------------------------

    def links(self, article_id: int) -> dict[int, float]:
        """Articles linked to this one by a copy relation, either side, with the best similarity."""
        rows = self.db.execute(
            """SELECT other, max(similarity) FROM (
                   SELECT source_id AS other, similarity FROM copies WHERE article_id = ? AND relation != 'related'
                   UNION ALL
                   SELECT article_id, similarity FROM copies WHERE source_id = ? AND relation != 'related')
               GROUP BY other""",
            [article_id, article_id],
        ).fetchall()
        return {int(r[0]): float(r[1]) for r in rows}

    def story_of(self, article_id: int) -> int | None:
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def story_core(self, story_id: int) -> tuple[int | None, list[int]]:
        row = self.db.execute("SELECT origin_id FROM stories WHERE id = ?", [story_id]).fetchone()
        members = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE story_id = ?", [story_id]).fetchall()]
        return (row[0] if row else None), members

    def _place_in_story(self, article_id: int, stamp: str) -> None:
        """Put a new article in a story (see ``corpus.stories.place_in_story``) and refresh that story."""
        placement = place_in_story(article_id, self)
        story = placement.story_id
        if story is None:
            cursor = self.db.execute("INSERT INTO stories (updated_utc) VALUES (?)", [stamp])
            story = int(cursor.lastrowid or 0)
        marks = ",".join("?" * len(placement.members))
        self.db.execute(f"UPDATE articles SET story_id = ? WHERE id IN ({marks})", [story, *placement.members])
        self._refresh_story(story, stamp)

    def _refresh_story(self, story: int, stamp: str) -> None:
        """Recompute a story's origin, size, dates and title."""
        members = [
            StoryMember(int(r[0]), r[1], r[2], r[3], r[4], tuple(json.loads(r[5] or "[]")))
            for r in self.db.execute(
                "SELECT id, published, title, domain, site_name, credits FROM articles WHERE story_id = ?"
                " ORDER BY published, id",
                [story],
            ).fetchall()
        ]
        ids = [m.id for m in members]
        marks = ",".join("?" * len(ids))
        derived = {
            int(r[0])
            for r in self.db.execute(
                f"SELECT article_id FROM copies WHERE is_primary = 1 AND article_id IN ({marks}) AND source_id IN ({marks})",
                [*ids, *ids],
            ).fetchall()
        }
        state = story_origin(members, derived)
        self.db.execute(
            """UPDATE stories SET origin_id = ?, origin_reason = ?, articles = ?, first_published = ?,
                   last_published = ?, title = ?, updated_utc = ?, origin_unseen = ? WHERE id = ?""",
            [state.origin_id, state.origin_reason, state.articles, state.first_published, state.last_published,
             state.title, stamp, state.origin_unseen, story],
        )

    # reading -----------------------------------------------------------------

    def story_row(self, story_id: int) -> dict[str, Any] | None:
        cursor = self.db.execute("SELECT * FROM stories WHERE id = ?", [story_id])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None

    def story_members(self, story_id: int) -> list[dict[str, Any]]:
        """A story's articles in time order (undated last), each with its primary source link."""
        cursor = self.db.execute(
            """SELECT a.id, a.published, coalesce(a.site_name, a.domain) AS outlet, a.title, a.location,
                      c.source_id, c.relation, c.direction, c.similarity, c.reason, c.primary_reason, c.evidence,
                      (SELECT group_concat(relation || ' ' || other, ', ') FROM (
                           SELECT u.relation, u.source_id AS other FROM copies u
                           WHERE u.article_id = a.id AND u.direction = 'unknown' AND u.relation != 'related'
                           UNION ALL
                           SELECT u.relation, u.article_id FROM copies u
                           WHERE u.source_id = a.id AND u.direction = 'unknown' AND u.relation != 'related'))
                      AS unordered
               FROM articles a LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
               WHERE a.story_id = ? ORDER BY a.published IS NULL, a.published, a.id""",
            [story_id],
        )
        names = [d[0] for d in cursor.description]
        members = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for member in members:
            if member["source_id"] is not None:
                member["evidence"] = self.resolve_evidence(member["evidence"], member["id"], member["source_id"])
        return members

    def links_of(self, article_id: int) -> list[dict[str, Any]]:
        """Every copies row that names this article, either side."""
        cursor = self.db.execute(
            """SELECT c.*, a.title AS article_title, s.title AS source_title,
                      coalesce(a.site_name, a.domain) AS article_outlet, coalesce(s.site_name, s.domain) AS source_outlet,
                      a.published AS article_published, s.published AS source_published
               FROM (SELECT * FROM copies WHERE article_id = ? UNION ALL SELECT * FROM copies WHERE source_id = ?) c
               JOIN articles a ON a.id = c.article_id JOIN articles s ON s.id = c.source_id
               ORDER BY c.is_primary DESC, c.similarity DESC, c.id""",
            [article_id, article_id],
        )
        names = [d[0] for d in cursor.description]
        links = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        for row in links:
            row["evidence"] = self.resolve_evidence(row["evidence"], row["article_id"], row["source_id"])
        return links

    def resolve_evidence(self, evidence: str | None, article_id: int, source_id: int) -> str:
        """A link's stored evidence with each aligned pair's sentences read back from the two texts.

        ``copies.evidence`` keeps offsets only (``span`` into the text of
        ``article_id``, ``other_span`` into the source's); this adds
        ``sentence`` and ``other_sentence`` to each pair, as JSON.
        """
        data = json.loads(evidence or "{}")
        aligned = data.get("aligned") if isinstance(data, dict) else None
        if not isinstance(aligned, list) or not aligned:
            return evidence or "{}"
        texts = dict(self.db.execute("SELECT id, text FROM articles WHERE id IN (?, ?)", [article_id, source_id]).fetchall())
        text, other = texts.get(article_id, ""), texts.get(source_id, "")
        for pair in aligned:
            if isinstance(pair, dict) and "sentence" not in pair:
                (a, b), (c, d) = pair["span"], pair["other_span"]
                pair["sentence"], pair["other_sentence"] = text[a:b], other[c:d]
        return json.dumps(data, ensure_ascii=False)
