"""The audit database as Parquet, and back: the form a cluster user keeps.

``export_parquet`` writes every table of an audit database (the full-text
indexes aside, which are made from the other tables) as one folder per table,
``<dir>/<table>/part-00000.parquet``, with the SQLite schema's column names and
types (INTEGER as int64, REAL as double, TEXT as string, BLOB as binary). The
folder also holds ``_provenance.json``: the migrations the database had, so an
import can tell a folder written by another schema.

``load_parquet`` loads such a folder into an empty audit database, keeping
every id: rows go in table by table in an order that lets the triggers
rebuild what they keep (``flag_counts``, ``source_counts``, the full-text
indexes), which are therefore not read from the folder. Loading into a database
that already holds articles is the engines' job (see ``provenance import``):
each article must be matched against what is stored, as a local run would.

Requires pyarrow (the ``spark`` extra).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import ProvenanceError
from .sqlite import AuditStore

__all__ = ["DERIVED_TABLES", "MANIFEST", "export_parquet", "load_parquet", "parquet_tables"]

#: Tables the triggers keep from the others: exported for readers, never loaded.
DERIVED_TABLES = frozenset({"flag_counts", "source_counts"})
MANIFEST = "_provenance.json"
#: Tables loaded first, in this order: what the triggers on later tables read and what other rows refer
#: to. Foreign keys are checked at commit.
_FIRST = ("sources", "runs", "fingerprint_recipes", "stories", "articles", "pages")
_BATCH = 20_000
_ARROW_TYPES = {"INTEGER": "int64", "REAL": "float64", "TEXT": "string", "BLOB": "binary"}


def _arrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (the submodule is not imported with the package)
    except ImportError:
        raise ProvenanceError("Parquet needs pyarrow: pip install 'provenance[spark]'") from None
    return pyarrow


def parquet_tables(store: AuditStore) -> list[str]:
    """The tables a Parquet export holds: every table but SQLite's own and the full-text indexes."""
    rows = store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [
        name for name, _ in rows
        if name not in virtual and not any(name.startswith(v + "_") for v in virtual) and name != "_sqlite_migrations"
    ]


def _columns(store: AuditStore, table: str) -> list[tuple[str, str]]:
    return [(row[1], (row[2] or "TEXT").upper()) for row in store.db.execute(f"PRAGMA table_info([{table}])").fetchall()]


def _migrations(store: AuditStore) -> list[str]:
    return [row[0] for row in store.db.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()]


def export_parquet(store: AuditStore, directory: str | Path) -> dict[str, int]:
    """Write every table to ``directory`` as Parquet; return the rows written per table."""
    pa = _arrow()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    for table in parquet_tables(store):
        columns = _columns(store, table)
        schema = pa.schema([(name, getattr(pa, _ARROW_TYPES.get(kind, "string"))()) for name, kind in columns])
        folder = out / table
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        count = 0
        with pa.parquet.ParquetWriter(folder / "part-00000.parquet", schema, compression="zstd") as writer:
            for batch in _batches(store, table, columns):
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
            if not count:
                writer.write_table(schema.empty_table())
        written[table] = count
    manifest = {"format": 1, "migrations": _migrations(store), "tables": written}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return written


def _batches(store: AuditStore, table: str, columns: list[tuple[str, str]]) -> Iterator[list[dict[str, Any]]]:
    names = [name for name, _ in columns]
    cursor = store.db.conn.execute(f"SELECT {', '.join(f'[{n}]' for n in names)} FROM [{table}]")
    while rows := cursor.fetchmany(_BATCH):
        yield [{name: _typed(value, kind, table, name) for (name, kind), value in zip(columns, row, strict=True)}
               for row in rows]


def _typed(value: Any, kind: str, table: str, column: str) -> Any:
    """A stored value as its column's declared type (SQLite keeps what it was given)."""
    if value is None:
        return None
    if kind == "TEXT" and not isinstance(value, str):
        return str(value)
    if kind == "INTEGER" and not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ProvenanceError(f"{table}.{column}: {value!r} is not an integer; the database is damaged")
    if kind == "REAL" and isinstance(value, int):
        return float(value)
    return value


def load_parquet(directory: str | Path, store: AuditStore) -> dict[str, int]:
    """Load an export into ``store``, which must hold no article; return the rows loaded per table."""
    pa = _arrow()
    folder = Path(directory)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ProvenanceError(f"{folder}: not a provenance Parquet export (no {MANIFEST})")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    known = _migrations(store)
    if list(manifest.get("migrations", [])) != known[: len(manifest.get("migrations", []))]:
        raise ProvenanceError(f"{folder}: written by another schema ({', '.join(manifest.get('migrations', []))})")
    if store.has_articles():
        raise ProvenanceError("the database already holds articles: load into an empty one")
    tables = [t for t in parquet_tables(store) if t not in DERIVED_TABLES and (folder / t).is_dir()]
    ordered = [t for t in _FIRST if t in tables] + [t for t in tables if t not in _FIRST]
    loaded: dict[str, int] = {}
    with store.transaction():
        store.db.execute("PRAGMA defer_foreign_keys = ON")
        for table in ordered:
            columns = [name for name, _ in _columns(store, table)]
            data = pa.parquet.read_table(folder / table)
            wanted = [c for c in columns if c in data.column_names]
            insert = (f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in wanted)}) "
                      f"VALUES ({', '.join('?' * len(wanted))})")
            count = 0
            for batch in data.select(wanted).to_batches(_BATCH):
                rows = list(zip(*(batch.column(i).to_pylist() for i in range(len(wanted))), strict=True))
                store.db.conn.executemany(insert, rows)
                count += len(rows)
            loaded[table] = count
        if loaded.get("articles"):
            store.db.execute("INSERT INTO articles_fts (rowid, title, byline, site_name, text)"
                             " SELECT id, title, byline, site_name, text FROM articles")
        if loaded.get("zones"):
            # the store fills the trigram index of zones as it writes them; here, from the loaded pages
            store.db.execute(
                "INSERT INTO zone_search (rowid, article_id, kind, text) SELECT z.id, z.article_id, z.kind,"
                " substr(p.page_text, z.start_offset + 1, z.end_offset - z.start_offset)"
                " FROM zones z JOIN pages p ON p.article_id = z.article_id"
            )
    return loaded
