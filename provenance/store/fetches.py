"""Fetches and archived captures of URLs, the versions of a page, and feed items."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from .base import StoreBase, utc_text
from ..models import Capture, FeedItem, Validators

__all__ = ["FetchesStore"]


class FetchesStore(StoreBase):
    """Fetches, versions and feeds (migration 0003)."""

    def add_fetch(self, run_id: int, article_id: int | None, capture: Capture, now: dt.datetime) -> None:
        """Record a fetch, or an archived capture, of a URL and the article (version) it gave.

        An archived capture is recorded once however often its archive is audited.
        """
        self.db.execute(
            """INSERT OR IGNORE INTO fetches (url, final_url, status, headers, etag, last_modified, redirects, via,
                warc_record_id, fetched_utc, article_id, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                capture.url,
                capture.final_url,
                capture.status,
                json.dumps([list(pair) for pair in capture.headers], ensure_ascii=False),
                capture.header("etag"),
                capture.header("last-modified"),
                json.dumps(list(capture.redirects), ensure_ascii=False),
                capture.via,
                capture.record_id,
                capture.captured_utc or utc_text(now),
                article_id,
                run_id,
            ],
        )

    def fetch_validators(self, url: str) -> Validators | None:
        """ETag and Last-Modified of the last fetch of ``url``, for a conditional request.

        None unless that fetch gave an article stored under the URL itself, so
        that a 304 answer can be recognised as that article.
        """
        row = self.db.execute(
            """SELECT f.etag, f.last_modified, a.raw_sha256, a.location FROM fetches f
               JOIN articles a ON a.id = f.article_id
               WHERE f.url = ? AND f.via = 'http' ORDER BY f.id DESC LIMIT 1""",
            [url],
        ).fetchone()
        if row is None or row[3] != url or not (row[0] or row[1]):
            return None
        return Validators(row[0], row[1], row[2])

    def latest_version(self, url: str) -> tuple[int, str] | None:
        """The id and content hash of the article the last fetch or capture of ``url`` gave."""
        row = self.db.execute(
            """SELECT a.id, a.content_hash FROM fetches f JOIN articles a ON a.id = f.article_id
               WHERE f.url = ? ORDER BY f.fetched_utc DESC, f.id DESC LIMIT 1""",
            [url],
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def versions_of(self, article_id: int) -> list[int]:
        """Every version (article id) of the URLs this article was fetched from, oldest first, itself included."""
        rows = self.db.execute(
            """SELECT DISTINCT article_id, version, url FROM url_versions
               WHERE url IN (SELECT url FROM fetches WHERE article_id = ?) ORDER BY url, version""",
            [article_id],
        ).fetchall()
        return list(dict.fromkeys(int(row[0]) for row in rows))

    def pending_feed_items(
        self, feed_url: str, items: Sequence[FeedItem], now: dt.datetime, *, max_attempts: int = 3
    ) -> list[FeedItem]:
        """Remember the items of a feed; return those whose page is still to be audited."""
        stamp = utc_text(now)
        pending: list[FeedItem] = []
        with self.transaction():
            for item in items:
                self.db.execute(
                    """INSERT OR IGNORE INTO feed_items (feed_url, item_key, url, title, published, first_seen_utc)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [feed_url, item.key, item.url, item.title, item.published, stamp],
                )
                row = self.db.execute(
                    "SELECT audited_utc IS NULL AND attempts < ? FROM feed_items WHERE feed_url = ? AND item_key = ?",
                    [max_attempts, feed_url, item.key],
                ).fetchone()
                if row and row[0]:
                    pending.append(item)
        return pending

    def mark_feed_items(
        self, url: str, now: dt.datetime, *, article_id: int | None = None, problem: str | None = None
    ) -> None:
        """Record the audit of a page that feed items link to: its article, or why it failed."""
        with self.transaction():
            if article_id is not None:
                self.db.execute(
                    "UPDATE feed_items SET audited_utc = ?, article_id = ?, last_problem = NULL"
                    " WHERE url = ? AND audited_utc IS NULL",
                    [utc_text(now), article_id, url],
                )
            else:
                self.db.execute(
                    "UPDATE feed_items SET attempts = attempts + 1, last_problem = ? WHERE url = ? AND audited_utc IS NULL",
                    [problem, url],
                )
