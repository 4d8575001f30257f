"""Copy links, primary sources and stories: the ``copies`` and ``stories`` tables."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from .base import StoreBase, utc_text
from ..models import Copy

__all__ = ["CopiesStore"]


class CopiesStore(StoreBase):
    """Copy links between articles and the stories they form."""

    def add_copies(self, run_id: int, article_id: int, copies: Sequence[Copy], now: dt.datetime) -> None:
        """Store the links found for a new article, choose primary sources and place it in a story."""
        stamp = utc_text(now)
        for copy in copies:
            self.db.execute(
                """INSERT OR REPLACE INTO copies (article_id, source_id, relation, direction, similarity,
                    containment, source_containment, reason, evidence, run_id, created_utc)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    copy.article_id,
                    copy.source_id,
                    copy.relation,
                    copy.direction,
                    copy.similarity,
                    copy.containment,
                    copy.source_containment,
                    copy.reason,
                    json.dumps(copy.evidence, ensure_ascii=False),
                    run_id,
                    stamp,
                ],
            )
        for derived in {c.article_id for c in copies if c.direction == "derived"}:
            self._choose_primary(derived)
        if any(c.relation != "related" for c in copies):
            self._place_in_story(article_id, stamp)

    def _choose_primary(self, article_id: int) -> None:
        """The best-aligned source among an article's earlier copies is its primary source."""
        rows = self.db.execute(
            """SELECT c.id, c.similarity, a.published FROM copies c JOIN articles a ON a.id = c.source_id
               WHERE c.article_id = ? AND c.direction = 'derived' AND c.relation != 'related'
               ORDER BY c.similarity DESC, coalesce(a.published, '9999') ASC, c.source_id""",
            [article_id],
        ).fetchall()
        self.db.execute("UPDATE copies SET is_primary = 0, primary_reason = NULL WHERE article_id = ?", [article_id])
        if not rows:
            return
        best, similarity, published = rows[0]
        if len(rows) == 1:
            reason = "the only earlier copy from another outlet"
        elif rows[1][1] < similarity:
            reason = f"best aligned of {len(rows)} earlier copies (similarity {similarity:.2f} against {rows[1][1]:.2f})"
        else:
            reason = f"as well aligned as another of {len(rows)} earlier copies, and published first ({published})"
        self.db.execute("UPDATE copies SET is_primary = 1, primary_reason = ? WHERE id = ?", [reason, best])

    def _links(self, article_id: int) -> dict[int, float]:
        rows = self.db.execute(
            """SELECT CASE WHEN article_id = ? THEN source_id ELSE article_id END, max(similarity) FROM copies
               WHERE ? IN (article_id, source_id) AND relation != 'related' GROUP BY 1""",
            [article_id, article_id],
        ).fetchall()
        return {int(r[0]): float(r[1]) for r in rows}

    def _place_in_story(self, article_id: int, stamp: str) -> None:
        """Join the story whose origin this article is directly linked to, or start one.

        Stories never grow by transitive links: a member must be linked to the
        story's origin (or, when the origin is unknown, to two thirds of its members),
        so a chain of partial copies cannot drag unrelated articles in.
        """
        links = self._links(article_id)
        stories: dict[int, float] = {}
        loose = []
        for other, similarity in links.items():
            row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", [other]).fetchone()
            if row and row[0] is not None:
                stories[row[0]] = max(stories.get(row[0], 0.0), similarity)
            else:
                loose.append(other)
        story = next((s for s in sorted(stories, key=lambda s: -stories[s]) if self._may_join(s, links)), None)
        if story is None:
            cursor = self.db.execute("INSERT INTO stories (updated_utc) VALUES (?)", [stamp])
            story = int(cursor.lastrowid or 0)
        members = [article_id] + [o for o in loose if story is not None and self._may_join(story, self._links(o), o)]
        marks = ",".join("?" * len(members))
        self.db.execute(f"UPDATE articles SET story_id = ? WHERE id IN ({marks})", [story, *members])
        self._refresh_story(story, stamp)

    def _may_join(self, story: int, links: dict[int, float], candidate: int | None = None) -> bool:
        origin, members = self._story_core(story)
        if not members:
            return True
        if origin is not None:
            return origin in links or origin == candidate
        return sum(1 for m in members if m in links) * 3 >= len(members) * 2

    def _story_core(self, story: int) -> tuple[int | None, list[int]]:
        row = self.db.execute("SELECT origin_id FROM stories WHERE id = ?", [story]).fetchone()
        members = [r[0] for r in self.db.execute("SELECT id FROM articles WHERE story_id = ?", [story]).fetchall()]
        return (row[0] if row else None), members

    def _refresh_story(self, story: int, stamp: str) -> None:
        """Recompute a story's origin: its one member that derives from no other member."""
        members = self.db.execute(
            "SELECT id, published, title FROM articles WHERE story_id = ? ORDER BY published, id", [story]
        ).fetchall()
        ids = [m[0] for m in members]
        marks = ",".join("?" * len(ids))
        derived = {
            r[0]
            for r in self.db.execute(
                f"SELECT article_id FROM copies WHERE is_primary = 1 AND article_id IN ({marks}) AND source_id IN ({marks})",
                [*ids, *ids],
            ).fetchall()
        }
        roots = [m for m in members if m[0] not in derived]
        dated = [m for m in roots if m[1]]
        if len(roots) == 1:
            origin, reason = roots[0][0], "every other copy derives from it"
        elif len(dated) == 1:
            origin = dated[0][0]
            reason = f"the earliest dated copy; {len(roots) - 1} undated copy(ies) could not be ordered against it"
        else:
            origin, reason = None, f"common unseen source: {len(roots)} copies, none shown to be first"
        dates = [m[1][:10] for m in members if m[1]]
        title = next((m[2] for m in members if m[2]), None)
        self.db.execute(
            """UPDATE stories SET origin_id = ?, origin_reason = ?, articles = ?, first_published = ?,
                   last_published = ?, title = ?, updated_utc = ? WHERE id = ?""",
            [origin, reason, len(members), min(dates, default=None), max(dates, default=None), title, stamp, story],
        )

    def story_row(self, story_id: int) -> dict[str, Any] | None:
        cursor = self.db.execute("SELECT * FROM stories WHERE id = ?", [story_id])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None

    def story_members(self, story_id: int) -> list[dict[str, Any]]:
        """A story's articles in time order (undated last), each with its primary source link."""
        cursor = self.db.execute(
            """SELECT a.id, a.published, coalesce(a.site_name, a.domain) AS outlet, a.title, a.location,
                      c.source_id, c.relation, c.direction, c.similarity, c.reason, c.primary_reason, c.evidence,
                      (SELECT group_concat(u.relation || ' ' || CASE WHEN u.article_id = a.id THEN u.source_id
                                                                     ELSE u.article_id END, ', ')
                       FROM copies u WHERE u.direction = 'unknown' AND u.relation != 'related'
                         AND a.id IN (u.article_id, u.source_id)) AS unordered
               FROM articles a LEFT JOIN copies c ON c.article_id = a.id AND c.is_primary = 1
               WHERE a.story_id = ? ORDER BY a.published IS NULL, a.published, a.id""",
            [story_id],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def links_of(self, article_id: int) -> list[dict[str, Any]]:
        """Every copies row that names this article, either side."""
        cursor = self.db.execute(
            """SELECT c.*, a.title AS article_title, s.title AS source_title,
                      coalesce(a.site_name, a.domain) AS article_outlet, coalesce(s.site_name, s.domain) AS source_outlet,
                      a.published AS article_published, s.published AS source_published
               FROM copies c JOIN articles a ON a.id = c.article_id JOIN articles s ON s.id = c.source_id
               WHERE ? IN (c.article_id, c.source_id) ORDER BY c.is_primary DESC, c.similarity DESC""",
            [article_id],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
