"""The audit database: a SQLite file managed with sqlite-utils.

The schema is public and documented in ``db/schema.sql``. It is made by the
migrations in ``db/migrations/`` (append-only), each registered as a step of
``sqlite_utils.Migrations("provenance")`` and run statement by statement inside
the migration's transaction.

Writes are batched: an engine opens one transaction per batch of articles
and one savepoint per article, so that a failing article rolls back alone and
an interrupted run loses at most the batch in flight.

``AuditStore`` is composed of one class per table family:

    base       connection, migrations, transactions
    runs       runs, errors
    articles   articles, pages, zones, fingerprints, lsh_bands, sources
    copies     copies, stories
    findings   facts, disagreements, flags, source scores
    fetches    fetches, url versions, feed items
    vectors    article languages, document vectors and their nearest neighbours
"""

from __future__ import annotations

from .articles import ArticlesStore
from .base import StoreBase, migrations_dir, schema_sql, utc_text
from .copies import CopiesStore
from .fetches import FetchesStore
from .findings import FindingsStore
from .runs import RunsStore
from .vectors import VectorsStore

__all__ = ["AuditStore", "StoreBase", "migrations_dir", "schema_sql", "utc_text"]


class AuditStore(RunsStore, ArticlesStore, CopiesStore, FindingsStore, FetchesStore, VectorsStore):
    """Reads and writes the audit database. Create it with :meth:`open` or :meth:`memory`."""
