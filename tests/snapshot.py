"""A comparable picture of an audit database: every table's rows, ids replaced by what they name.

Two runs of the same audit (two engines, two orders of work) give the same
snapshot when they stored the same things: articles are named by location,
stories by their members, sources by key; run ids, row ids and timestamps
are left out.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

#: Columns that hold the id of a row of another table, per table (``*`` for every table).
_REFERENCES = {
    ("*", "article_id"): "articles",
    ("*", "other_article_id"): "articles",
    ("*", "origin_id"): "articles",
    ("copies", "source_id"): "articles",
    ("articles", "source_id"): "sources",
    ("*", "story_id"): "stories",
    ("*", "recipe_id"): "fingerprint_recipes",
}
#: Tables that say how a run went rather than what it found.
_SKIPPED = {"runs", "reports", "report_items", "report_outbox", "lsh_bands"}


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '\\_sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    virtual = {name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL")}
    return sorted(
        name for name, _ in rows
        if name not in virtual and not any(name.startswith(v + "_") for v in virtual) and name not in _SKIPPED
    )


def snapshot(path: str) -> dict[str, Counter[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = {
            "articles": dict(conn.execute("SELECT id, location FROM articles").fetchall()),
            "sources": dict(conn.execute("SELECT id, key FROM sources").fetchall()),
            "fingerprint_recipes": dict(conn.execute("SELECT id, key FROM fingerprint_recipes").fetchall()),
        }
        members: dict[int, list[str]] = {}
        for story, location in conn.execute("SELECT story_id, location FROM articles WHERE story_id IS NOT NULL"):
            members.setdefault(story, []).append(location)
        names["stories"] = {story: json.dumps(sorted(locations)) for story, locations in members.items()}
        picture: dict[str, Counter[tuple[Any, ...]]] = {}
        for table in _tables(conn):
            cursor = conn.execute(f"SELECT * FROM [{table}]")
            columns = [d[0] for d in cursor.description]
            keep = [i for i, c in enumerate(columns) if c not in ("id", "run_id") and not c.endswith("_utc")]
            rows: Counter[tuple[Any, ...]] = Counter()
            for row in cursor.fetchall():
                values = []
                for i in keep:
                    target = _REFERENCES.get((table, columns[i])) or _REFERENCES.get(("*", columns[i]))
                    if table == "articles" and columns[i] == "id":
                        continue
                    value = row[i]
                    if target is not None and value is not None:
                        value = names[target].get(value, f"missing {target} {value}")
                    values.append((columns[i], value))
                rows[tuple(values)] += 1
            picture[table] = rows
        return picture
    finally:
        conn.close()


def differences(left: dict[str, Counter[tuple[Any, ...]]], right: dict[str, Counter[tuple[Any, ...]]]) -> list[str]:
    """What one snapshot holds that the other does not, table by table (empty when they are equal)."""
    found = []
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table, Counter()), right.get(table, Counter())
        for row in (a - b).keys():
            found.append(f"{table}: only left: {dict(row)}")
        for row in (b - a).keys():
            found.append(f"{table}: only right: {dict(row)}")
    return found
