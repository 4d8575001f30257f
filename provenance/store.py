"""The audit database: a SQLite file managed with sqlite-utils.

The schema is public and documented in ``db/schema.sql``. It is made by the
migrations in ``db/migrations/`` (append-only), each registered as a step of
``sqlite_utils.Migrations("provenance")`` and run statement by statement inside
the migration's transaction.

Writes are batched: the pipeline opens one transaction per batch of articles
and one savepoint per article, so that a failing article rolls back alone and
an interrupted run loses at most the batch in flight.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import StoreError
from .models import Article, Copy, Fingerprint, InputProblem, KnownArticle, MinHashRecipe

__all__ = ["AuditStore", "migrations_dir", "schema_sql"]


def migrations_dir() -> Path:
    """``db/migrations``: inside the installed wheel, or at the top of a checkout."""
    packaged = resources.files("provenance") / "_data" / "db" / "migrations"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "db" / "migrations"


def _statements(sql: str) -> Iterator[str]:
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement.strip(";").strip() and not all(
                part.strip().startswith("--") or not part.strip() for part in statement.splitlines()
            ):
                yield statement
    if buffer.strip() and not all(p.strip().startswith("--") or not p.strip() for p in buffer.splitlines()):
        raise StoreError("incomplete SQL statement at the end of a migration", source=buffer.strip()[:60])


def _migrations() -> sqlite_utils.Migrations:
    migrations = sqlite_utils.Migrations("provenance")
    for path in sorted(migrations_dir().glob("*.sql")):
        sql = path.read_text(encoding="utf-8")

        def step(db: sqlite_utils.Database, sql: str = sql) -> None:
            for statement in _statements(sql):
                db.execute(statement)

        migrations(name=path.stem)(step)
    return migrations


def schema_sql(db: sqlite_utils.Database) -> str:
    """The schema of a database as SQL, in the form kept in ``db/schema.sql``."""
    rows = db.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_sqlite\\_migrations%' ESCAPE '\\' ORDER BY type DESC, name"
    ).fetchall()
    return "".join(f"{row[0].strip()};\n\n" for row in rows).rstrip() + "\n"


class AuditStore:
    """Reads and writes the audit database. Create it with :meth:`open`."""

    def __init__(self, db: sqlite_utils.Database, path: str | None = None) -> None:
        self.db = db
        self.path = path
        self._recipes: dict[str, int] = {}

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> AuditStore:
        """Open (creating and migrating when needed) the database at ``path``."""
        target = Path(path)
        try:
            if read_only:
                if not target.exists():
                    raise StoreError("no audit database here; run `provenance audit` first", source=str(path))
                conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
                return cls(sqlite_utils.Database(conn), str(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(target)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA foreign_keys = ON")
            store = cls(db, str(path))
            store.migrate()
            return store
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the audit database ({exc})", source=str(path)) from exc
        except OSError as exc:
            raise StoreError(f"cannot create the audit database ({exc.strerror or exc})", source=str(path)) from exc

    @classmethod
    def memory(cls) -> AuditStore:
        store = cls(sqlite_utils.Database(memory=True))
        store.db.execute("PRAGMA foreign_keys = ON")
        store.migrate()
        return store

    def migrate(self) -> None:
        _migrations().apply(self.db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction, or a savepoint when one is already open."""
        with self.db.atomic():
            yield

    # runs -------------------------------------------------------------------

    def start_run(self, command: str, inputs: Sequence[str], version: str, now: dt.datetime) -> int:
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO runs (started_utc, version, command, inputs) VALUES (?, ?, ?, ?)",
                [_utc(now), version, command, json.dumps(list(inputs), ensure_ascii=False)],
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, counts: dict[str, int], status: str, now: dt.datetime) -> None:
        columns = ("articles_seen", "articles_new", "articles_known", "errors", "warnings")
        with self.transaction():
            self.db.execute(
                "UPDATE runs SET finished_utc = ?, status = ?, "
                + ", ".join(f"{c} = ?" for c in columns)
                + " WHERE id = ?",
                [_utc(now), status, *(counts.get(c, 0) for c in columns), run_id],
            )

    def add_problem(self, run_id: int, problem: InputProblem, now: dt.datetime) -> None:
        self.db.execute(
            "INSERT INTO errors (run_id, input, problem, severity, created_utc) VALUES (?, ?, ?, ?, ?)",
            [run_id, problem.location, problem.problem, problem.severity, _utc(now)],
        )

    # articles ----------------------------------------------------------------

    def known_article(self, location: str, raw_sha256: str) -> int | None:
        """The id of the article already audited from this exact input, if any."""
        row = self.db.execute(
            "SELECT id FROM articles WHERE location = ? AND raw_sha256 = ?", [location, raw_sha256]
        ).fetchone()
        return int(row[0]) if row else None

    def add_article(self, run_id: int, article: Article, fingerprint: Fingerprint, now: dt.datetime) -> int:
        """Insert an article with its page, zones and fingerprint; return its id."""
        stamp = _utc(now)
        source_id = self._source_id(article, stamp)
        cursor = self.db.execute(
            """INSERT INTO articles (location, input_kind, raw_sha256, url, canonical_url, domain, source_id,
                site_name, title, byline, credits, published, published_source, published_raw, text,
                word_count, content_hash, encoding, extractor, notes, run_id, audited_utc)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            ],
        )
        article_id = int(cursor.lastrowid or 0)
        self.db.execute("INSERT INTO pages (article_id, page_text) VALUES (?, ?)", [article_id, article.page_text])
        self.db.conn.executemany(
            "INSERT INTO zones (article_id, kind, start_offset, end_offset) VALUES (?, ?, ?, ?)",
            [(article_id, z.kind, z.start, z.end) for z in article.zones],
        )
        self.db.execute(
            "INSERT INTO fingerprints (article_id, recipe_id, content_hash, minhash, token_count, shingle_count)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                article_id,
                self._recipe_id(fingerprint.recipe),
                fingerprint.content_hash,
                fingerprint.minhash,
                fingerprint.token_count,
                fingerprint.shingle_count,
            ],
        )
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
                   (key, shingle_size, num_perm, seed, scheme, tokenizer, library, library_version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    recipe.key,
                    recipe.shingle_size,
                    recipe.num_perm,
                    recipe.seed,
                    recipe.scheme,
                    recipe.tokenizer,
                    recipe.library,
                    recipe.library_version,
                ],
            )
            row = self.db.execute("SELECT id FROM fingerprint_recipes WHERE key = ?", [recipe.key]).fetchone()
            self._recipes[recipe.key] = int(row[0])
        return self._recipes[recipe.key]

    # copies ------------------------------------------------------------------

    def articles_with_hash(self, content_hash: str, *, exclude: int) -> list[KnownArticle]:
        rows = self.db.execute(
            "SELECT id, domain, published, story_id, audited_utc FROM articles"
            " WHERE content_hash = ? AND id != ? ORDER BY id",
            [content_hash, exclude],
        ).fetchall()
        return [KnownArticle(*row) for row in rows]

    def add_copies(self, run_id: int, copies: Sequence[Copy], now: dt.datetime) -> None:
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
                    _utc(now),
                ],
            )
            self._join_story(copy.article_id, copy.source_id)

    def _join_story(self, article_id: int, other_id: int) -> None:
        """Put two linked articles in one story, merging their stories if both had one."""
        rows = self.db.execute("SELECT id, story_id FROM articles WHERE id IN (?, ?)", [article_id, other_id]).fetchall()
        stories = {row[1] for row in rows if row[1] is not None}
        story = min(stories) if stories else min(article_id, other_id)
        self.db.execute("UPDATE articles SET story_id = ? WHERE id IN (?, ?)", [story, article_id, other_id])
        for old in stories - {story}:
            self.db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", [story, old])

    # reading -----------------------------------------------------------------

    def article_summary(self, article_id: int) -> dict[str, Any]:
        row = self.db.execute(
            """SELECT a.id, a.location, a.title, coalesce(a.site_name, a.domain) AS outlet, a.domain,
                      a.published, a.story_id,
                      (SELECT count(*) FROM flags f WHERE f.article_id = a.id) AS flags,
                      (SELECT count(*) FROM disagreements d
                         WHERE d.article_id = a.id OR d.other_article_id = a.id) AS disagreements,
                      (SELECT count(*) FROM copies c WHERE a.id IN (c.article_id, c.source_id)) AS copies
               FROM articles a WHERE a.id = ?""",
            [article_id],
        ).fetchone()
        names = ("id", "location", "title", "outlet", "domain", "published", "story_id", "flags", "disagreements", "copies")
        return dict(zip(names, row, strict=True))


def _utc(now: dt.datetime) -> str:
    if now.tzinfo is None:
        raise ValueError("timestamps must carry a UTC offset")
    return now.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
