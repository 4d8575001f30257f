"""Articles, their pages, zones and fingerprints, the LSH bands, and the sources they come from."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ..article.extract import registered_domain
from .base import StoreBase, utc_text
from ..models import Article, Fingerprint, KnownArticle, MinHashRecipe, Zone

__all__ = ["ArticlesStore"]


class ArticlesStore(StoreBase):
    """Articles and everything stored with them; the reads the copies stage needs."""

    def known_article(self, location: str, raw_sha256: str) -> int | None:
        """The id of the article already audited from this exact input, if any."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE location = ? AND raw_sha256 = ?", [location, raw_sha256]
        ).fetchone()
        return int(row[0]) if row else None

    def add_article(self, run_id: int, article: Article, fingerprint: Fingerprint, now: dt.datetime) -> int:
        """Insert an article with its page, zones and fingerprint; return its id."""
        stamp = utc_text(now)
        source_id = self._source_id(article, stamp)
        cursor = self.db.execute(
            """INSERT INTO articles (location, input_kind, raw_sha256, url, canonical_url, domain, source_id,
                site_name, title, byline, credits, published, published_source, published_raw, text,
                word_count, content_hash, encoding, extractor, notes, run_id, audited_utc, published_modified,
                canonical_domain)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                article.location,
                article.kind,
                article.raw_sha256,
                article.url,
                article.canonical_url,
                article.domain,
                source_id,
                article.site_name,
                article.title,
                article.byline,
                json.dumps(list(article.credits), ensure_ascii=False),
                article.published,
                article.published_source,
                article.published_raw,
                article.text,
                fingerprint.token_count,
                fingerprint.content_hash,
                article.encoding,
                article.extractor,
                json.dumps(list(article.notes), ensure_ascii=False),
                run_id,
                stamp,
                article.published_modified,
                registered_domain(article.canonical_url),
            ],
        )
        article_id = int(cursor.lastrowid or 0)
        self.db.execute("INSERT INTO pages (article_id, page_text) VALUES (?, ?)", [article_id, article.page_text])
        self.db.conn.executemany(
            "INSERT INTO zones (article_id, kind, start_offset, end_offset) VALUES (?, ?, ?, ?)",
            [(article_id, z.kind, z.start, z.end) for z in article.zones],
        )
        zone_ids = [row[0] for row in self.db.execute("SELECT id FROM zones WHERE article_id = ? ORDER BY id", [article_id])]
        self._pending_articles.append(article_id)
        self._pending_zones.extend(
            (zone_id, article_id, z.kind, article.zone_text(z)) for zone_id, z in zip(zone_ids, article.zones, strict=True)
        )
        self.db.execute(
            "INSERT INTO fingerprints (article_id, recipe_id, content_hash, minhash, token_count, shingle_count,"
            " anchor_minhash) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                article_id,
                self._recipe_id(fingerprint.recipe),
                fingerprint.content_hash,
                fingerprint.minhash,
                fingerprint.token_count,
                fingerprint.shingle_count,
                fingerprint.anchor_minhash,
            ],
        )
        if not self._depth:  # written outside a transaction of the store: indexed at once
            self.flush_search()
        return article_id

    def _source_id(self, article: Article, stamp: str) -> int | None:
        if article.domain:
            key = article.domain
        elif article.site_name:
            key = "name:" + " ".join(article.site_name.lower().split())
        else:
            return None
        self.db.execute(
            """INSERT INTO sources (key, domain, name, articles, first_seen_utc, last_seen_utc)
               VALUES (?, ?, ?, 1, ?, ?)
               ON CONFLICT(key) DO UPDATE SET articles = articles + 1, last_seen_utc = excluded.last_seen_utc,
                   name = coalesce(sources.name, excluded.name)""",
            [key, article.domain, article.site_name, stamp, stamp],
        )
        row = self.db.execute("SELECT id FROM sources WHERE key = ?", [key]).fetchone()
        return int(row[0])

    def _recipe_id(self, recipe: MinHashRecipe) -> int:
        if recipe.key not in self._recipes:
            self.db.execute(
                """INSERT OR IGNORE INTO fingerprint_recipes
                   (key, shingle_size, num_perm, seed, scheme, tokenizer, shingle_hash, library, library_version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    recipe.key,
                    recipe.shingle_size,
                    recipe.num_perm,
                    recipe.seed,
                    recipe.scheme,
                    recipe.tokenizer,
                    recipe.shingle_hash,
                    recipe.library,
                    recipe.library_version,
                ],
            )
            row = self.db.execute("SELECT id FROM fingerprint_recipes WHERE key = ?", [recipe.key]).fetchone()
            self._recipes[recipe.key] = int(row[0])
        return self._recipes[recipe.key]

    _KNOWN = ("SELECT id, domain, published, story_id, audited_utc, site_name, credits, text, url, canonical_url "
              "FROM articles")

    def _known(self, rows: Sequence[Sequence[Any]]) -> list[KnownArticle]:
        return [
            KnownArticle(row[0], row[1], row[2], row[3], row[4], row[5], tuple(json.loads(row[6] or "[]")), row[7],
                         row[8], row[9])
            for row in rows
        ]

    def articles_with_hash(self, content_hash: str, *, exclude: int) -> list[KnownArticle]:
        rows = self.db.execute(
            self._KNOWN + " WHERE content_hash = ? AND id != ? ORDER BY id", [content_hash, exclude]
        ).fetchall()
        return self._known(rows)

    def has_articles(self) -> bool:
        return bool(self.db.execute("SELECT EXISTS (SELECT 1 FROM articles)").fetchone()[0])

    def known_articles(self, ids: Sequence[int]) -> list[KnownArticle]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self._known(self.db.execute(self._KNOWN + f" WHERE id IN ({marks}) ORDER BY id", list(ids)).fetchall())

    def add_bands(self, article_id: int, keys: Sequence[int]) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO lsh_bands (key, article_id) VALUES (?, ?)", [(key, article_id) for key in keys]
        )

    def band_candidates(self, keys: Sequence[int], *, exclude: int, limit: int) -> list[tuple[int, bytes, bytes]]:
        """Articles sharing LSH keys with these, most shared first, with their signatures."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"""SELECT b.article_id, f.minhash, coalesce(f.anchor_minhash, x'') FROM (
                    SELECT article_id, count(*) AS shared FROM lsh_bands
                    WHERE key IN ({marks}) AND article_id != ? GROUP BY article_id
                    ORDER BY shared DESC, article_id LIMIT ?) AS b
                JOIN fingerprints f ON f.article_id = b.article_id""",
            [*keys, exclude, limit],
        ).fetchall()
        return [(int(r[0]), bytes(r[1]), bytes(r[2])) for r in rows]

    def article_summary(self, article_id: int) -> dict[str, Any]:
        """What the audit line says of an article: where it is, its story, what was found, and the worst finding."""
        row = self.db.execute(
            """SELECT a.id, a.location, a.title, coalesce(a.site_name, a.domain) AS outlet, a.domain,
                      a.published, a.story_id,
                      (SELECT count(*) FROM flags f WHERE f.article_id = a.id AND f.review IS NOT 'dismissed') AS flags,
                      (SELECT count(*) FROM disagreements d WHERE d.article_id = a.id AND d.review IS NOT 'dismissed')
                        + (SELECT count(*) FROM disagreements d
                           WHERE d.other_article_id = a.id AND d.article_id != a.id AND d.review IS NOT 'dismissed')
                        AS disagreements,
                      (SELECT count(*) FROM copies c WHERE c.article_id = a.id AND c.relation != 'related')
                        + (SELECT count(*) FROM copies c WHERE c.source_id = a.id AND c.relation != 'related') AS copies
               FROM articles a WHERE a.id = ?""",
            [article_id],
        ).fetchone()
        names = ("id", "location", "title", "outlet", "domain", "published", "story_id", "flags", "disagreements", "copies")
        summary = dict(zip(names, row, strict=True))
        worst = self.db.execute(
            """SELECT severity, rule_id, message FROM flags WHERE article_id = ? AND review IS NOT 'dismissed'
               ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                        -- at one severity, what a reader must know first: spam and AI before missing metadata
                        CASE category WHEN 'seo-spam' THEN 0 WHEN 'ai-disclosure' THEN 1 WHEN 'ai-leftover' THEN 2
                             WHEN 'staleness' THEN 3 WHEN 'attribution' THEN 4 WHEN 'rights' THEN 5 ELSE 6 END,
                        id LIMIT 1""",
            [article_id],
        ).fetchone()
        summary["worst"] = dict(zip(("severity", "rule_id", "message"), worst, strict=True)) if worst else None
        return summary

    def find_article(self, ref: str) -> int | None:
        """An article id from an id, a location or a URL."""
        if ref.isdigit() and self.db.execute("SELECT 1 FROM articles WHERE id = ?", [int(ref)]).fetchone():
            return int(ref)
        row = self.db.execute(
            "SELECT id FROM articles WHERE location = ? OR url = ? OR canonical_url = ? ORDER BY id DESC LIMIT 1",
            [ref, ref, ref],
        ).fetchone()
        return int(row[0]) if row else None

    def article_row(self, article_id: int) -> dict[str, Any]:
        cursor = self.db.execute("SELECT * FROM articles WHERE id = ?", [article_id])
        row = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def load_article(self, article_id: int) -> Article:
        """An article as the stages see it, rebuilt from its rows."""
        row = self.article_row(article_id)
        page = self.db.execute("SELECT page_text FROM pages WHERE article_id = ?", [article_id]).fetchone()
        zones = self.db.execute(
            "SELECT kind, start_offset, end_offset FROM zones WHERE article_id = ? ORDER BY start_offset", [article_id]
        ).fetchall()
        return Article(
            location=row["location"], kind=row["input_kind"], raw_sha256=row["raw_sha256"],
            page_text=page[0] if page else row["text"], text=row["text"], zones=tuple(Zone(*z) for z in zones),
            title=row["title"], byline=row["byline"], published=row["published"],
            published_source=row["published_source"], published_raw=row["published_raw"], url=row["url"],
            domain=row["domain"], site_name=row["site_name"], canonical_url=row["canonical_url"],
            published_modified=row["published_modified"],
            credits=tuple(json.loads(row["credits"] or "[]")), encoding=row["encoding"], extractor=row["extractor"],
        )
