"""The audit database in Datasette: metadata, templates, cell rendering and ``provenance serve``.

Datasette 0.65 reads the metadata in ``provenance/datasette/metadata.yaml`` (titles and
descriptions of every table and column, label columns, facets, full-text search and canned
queries), the templates in ``provenance/datasette/templates`` and the stylesheet in
``provenance/datasette/static``. The hooks below are registered with Datasette's plugin
manager and act only on an instance made by :func:`make_datasette` (they look for the
``provenance`` plugin configuration in its metadata):

- ``render_cell`` links the ids of views and canned queries to their rows, a story id to the
  story's derivation, and shows severities as coloured labels;
- ``prepare_connection`` makes every connection to the audit database ``query_only`` unless
  it is served writable;
- ``extra_template_vars`` gives the database page the tables' titles and descriptions.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import sqlite3
import sys
import urllib.parse
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import markupsafe
import yaml
from datasette import hookimpl as _hookimpl  # type: ignore[import-untyped]
from datasette.app import Datasette  # type: ignore[import-untyped]
from datasette.plugins import pm  # type: ignore[import-untyped]
from datasette.utils import escape_sqlite, tilde_encode  # type: ignore[import-untyped]

from ..store.findings import matched_text

__all__ = ["DEFAULT_PORT", "DEFAULT_SETTINGS", "VIEWS", "database_name", "datasette_metadata", "make_datasette", "serve"]

DEFAULT_PORT = 8001
HOST = "127.0.0.1"
PLUGIN = "provenance"
VIEWS = frozenset({"article_list", "flag_details", "flag_totals", "disagreement_details", "story_timeline",
                   "source_scorecard", "fact_sentences"})

#: Datasette settings for an audit database: short cells, facets that may take a little longer.
DEFAULT_SETTINGS: dict[str, Any] = {
    "default_page_size": 50,
    "truncate_cells_html": 300,
    "facet_time_limit_ms": 400,
    "sql_time_limit_ms": 3000,
}

# Columns of views and canned queries that hold the id of a row, and the table it is in.
_ROW_LINKS = {
    "article_id": "articles",
    "other_article_id": "articles",
    "derives_from_id": "articles",
    "flag_id": "flags",
    "disagreement_id": "disagreements",
    "source_id": "sources",
}
# Columns holding a headline, linked to the article whose id is in the other column.
_TITLE_LINKS = {"title": "article_id", "other_title": "other_article_id", "derives_from_title": "derives_from_id"}
_SEVERITIES = frozenset({"info", "warning", "error"})
_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\.\d+)?(\+00:00|Z)$")


def _data_dir() -> Path:
    return Path(str(resources.files("provenance") / "datasette"))


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return Path(db_path).stem


def datasette_metadata(db_name: str, *, read_only: bool = True) -> dict[str, Any]:
    """The shipped metadata, for a database that Datasette names ``db_name``."""
    raw = yaml.safe_load((_data_dir() / "metadata.yaml").read_text(encoding="utf-8"))
    metadata: dict[str, Any] = copy.deepcopy(raw)
    databases = metadata["databases"]
    databases[db_name] = databases.pop("audit")
    route = tilde_encode(db_name)

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: fill(value) for key, value in node.items()}
        if isinstance(node, list):
            return [fill(value) for value in node]
        if isinstance(node, str):
            return node.replace("{database}", route)
        return node

    metadata = fill(metadata)
    metadata["plugins"][PLUGIN] = {"read_only": read_only, "database": db_name}
    return metadata


def make_datasette(
    db_path: Path, *, read_only: bool = True, settings: dict[str, Any] | None = None
) -> Datasette:
    """A Datasette instance serving the audit database at ``db_path`` with the shipped metadata."""
    _register_hooks()
    data = _data_dir()
    return Datasette(
        [str(db_path)],
        metadata=datasette_metadata(database_name(db_path), read_only=read_only),
        settings={**DEFAULT_SETTINGS, **(settings or {})},
        template_dir=str(data / "templates"),
        static_mounts=[("-/provenance", str(data / "static"))],
    )


def serve(db_path: Path, *, port: int = DEFAULT_PORT, read_only: bool = True) -> None:  # pragma: no cover
    """Serve the audit database on 127.0.0.1 until interrupted."""
    import uvicorn

    ds = make_datasette(db_path, read_only=read_only)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=HOST, port=port, log_level="warning", lifespan="on", workers=1)


_Hook = TypeVar("_Hook", bound=Callable[..., Any])


def _hook(func: _Hook) -> _Hook:
    """Datasette's ``hookimpl``, typed."""
    return cast(_Hook, _hookimpl(func))


def _register_hooks() -> None:
    module = sys.modules[__name__]
    if not pm.is_registered(module):
        pm.register(module, name=PLUGIN)


def _config(datasette: Datasette) -> dict[str, Any] | None:
    config = datasette.plugin_config(PLUGIN)
    return config if isinstance(config, dict) else None


#: Characters that reorder the text around them (U+202E makes "evil.exe" of "exe.live"): shown, never applied.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _visible(text: str) -> str:
    """``text`` with each bidirectional control character written out as ``[U+202E]``."""
    return _BIDI.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


@_hook
def asgi_wrapper(datasette: Datasette) -> Callable[[Any], Any]:
    """A read-only audit database answers 405 to any write method, instead of a 500 and a traceback."""

    def wrap(app: Any) -> Any:
        async def guarded(scope: dict[str, Any], receive: Any, send: Any) -> None:
            config = _config(datasette)
            if scope.get("type") == "http" and scope.get("method", "GET") not in _SAFE_METHODS and config \
                    and config.get("read_only"):
                body = b"405 Method Not Allowed: the audit database is served read-only\n"
                await send({"type": "http.response.start", "status": 405, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD, OPTIONS"),
                    (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return guarded

    return wrap


@_hook
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Datasette) -> None:
    config = _config(datasette)
    if config and config.get("read_only") and database == config.get("database"):
        conn.execute("PRAGMA query_only = 1")


@_hook
def extra_template_vars(template: str, database: str | None, table: str | None, request: Any,
                        datasette: Datasette) -> Any:
    config = _config(datasette)
    if not config or database != config.get("database"):
        return {}
    if template == "row.html" and table in ("articles", "stories", "sources") and request is not None:
        pks = str(request.url_vars.get("pks", ""))

        async def row_vars() -> dict[str, Any]:
            try:
                row_id = int(urllib.parse.unquote(pks))
            except ValueError:
                return {}
            db = datasette.get_database(database)
            found: dict[str, Any] = await db.execute_fn(lambda conn: _row_findings(conn, str(table), row_id))
            return {"provenance_row": found}

        return row_vars
    if template != "database.html":
        return {}
    tables: dict[str, Any] = datasette.metadata("tables", database=database, fallback=False) or {}
    rank = {name: i for i, name in enumerate(tables)}

    def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tables and views in the order of the metadata, undescribed ones last by name."""
        return sorted(items, key=lambda item: (rank.get(item["name"], len(rank)), item["name"]))

    return {"provenance_tables": tables, "provenance_ordered": ordered}


def _rows(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


_FLAGS_SQL = """SELECT f.id, f.article_id, f.severity, f.rule_id, f.category, f.message, f.zone, f.review,
       coalesce(json_extract(f.evidence, '$.match'), json_extract(f.evidence, '$.matched')) AS matched,
       r.reviewer, r.note AS review_note
FROM flags f LEFT JOIN reviews r ON r.id = (SELECT max(id) FROM reviews WHERE flag_id = f.id)
WHERE {where}
ORDER BY f.review IS 'dismissed', CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, f.id"""
_DISAGREEMENTS_SQL = """SELECT d.id, d.status, d.kind, d.article_id, coalesce(a.site_name, a.domain) AS outlet,
       a.published, d.value, d.sentence, d.other_article_id, coalesce(o.site_name, o.domain) AS other_outlet,
       o.published AS other_published, d.other_value, d.other_sentence, d.reason, d.confidence, d.review
FROM disagreements d JOIN articles a ON a.id = d.article_id LEFT JOIN articles o ON o.id = d.other_article_id
WHERE {where} ORDER BY d.status, d.kind, d.id"""


def _row_findings(conn: sqlite3.Connection, table: str, row_id: int) -> dict[str, Any]:
    """What a row page shows inline: an article's findings, a story's graph, a source's score and history."""
    from ..corpus.scoring import explain_score
    from .graph import load_story_graph, render_svg

    if table == "articles":
        links = _rows(conn, """SELECT c.article_id, c.source_id, c.relation, c.direction, c.similarity, c.reason,
                                      c.is_primary, a.title AS article_title, s.title AS source_title,
                                      coalesce(a.site_name, a.domain) AS article_outlet,
                                      coalesce(s.site_name, s.domain) AS source_outlet
                               FROM copies c JOIN articles a ON a.id = c.article_id JOIN articles s ON s.id = c.source_id
                               WHERE ? IN (c.article_id, c.source_id) ORDER BY c.is_primary DESC, c.similarity DESC""",
                      [row_id])
        for link in links:
            mine = link["article_id"] == row_id
            link["other_id"] = link["source_id"] if mine else link["article_id"]
            link["other_title"] = link["source_title"] if mine else link["article_title"]
            link["other_outlet"] = link["source_outlet"] if mine else link["article_outlet"]
            link["role"] = ("same topic as" if link["relation"] == "related" else
                            {("derived", True): "derives from", ("derived", False): "copied by"}.get(
                                (link["direction"], mine), "shares a text with (direction unknown)"))
        return {
            "flags": _rows(conn, _FLAGS_SQL.format(where="f.article_id = ?"), [row_id]),
            "facts": _rows(conn, "SELECT kind, text, value, unit, qualifier, resolved FROM facts WHERE article_id = ?"
                                 " ORDER BY start_offset", [row_id]),
            "disagreements": _rows(conn, _DISAGREEMENTS_SQL.format(where="? IN (d.article_id, d.other_article_id)"),
                                   [row_id]),
            "copies": [link for link in links if link["relation"] != "related"],
            "related": [link for link in links if link["relation"] == "related"],
        }
    if table == "stories":
        graph = load_story_graph(conn, row_id)
        members = "SELECT id FROM articles WHERE story_id = ?"
        return {
            "graph": markupsafe.Markup(render_svg(graph)) if graph is not None else None,
            "flags": _rows(conn, _FLAGS_SQL.format(where=f"f.article_id IN ({members})"), [row_id]),
            "disagreements": _rows(conn, _DISAGREEMENTS_SQL.format(
                where=f"(d.article_id IN ({members}) OR d.other_article_id IN ({members}))"), [row_id, row_id]),
        }
    source = _rows(conn, "SELECT key, score, score_reasons FROM sources WHERE id = ?", [row_id])
    if not source:
        return {}
    reasons = _json(source[0]["score_reasons"] or "{}") or {}
    months = _rows(conn, """SELECT substr(f.created_utc, 1, 7) AS month, f.severity, count(*) AS flags
                            FROM flags f JOIN articles a ON a.id = f.article_id
                            WHERE a.source_id = ? AND f.review IS NOT 'dismissed' GROUP BY 1, 2 ORDER BY 1""", [row_id])
    return {
        "score": source[0]["score"],
        "terms": explain_score(reasons) if reasons else [],
        "chart": _month_chart(months),
        "flags": _rows(conn, _FLAGS_SQL.format(where="f.article_id IN (SELECT id FROM articles WHERE source_id = ?)")
                       + " LIMIT 100", [row_id]),
    }


def _month_chart(months: list[dict[str, Any]]) -> markupsafe.Markup | None:
    """Flags per month by severity as a stacked bar chart (SVG)."""
    if not months:
        return None
    colors = {"error": "#c0392b", "warning": "#e0a100", "info": "#4a7fc1"}
    by_month: dict[str, dict[str, int]] = {}
    for row in months:
        by_month.setdefault(row["month"], {})[row["severity"]] = row["flags"]
    top = max(sum(v.values()) for v in by_month.values())
    bar, gap, height = 36, 14, 140
    width = max(300, 60 + len(by_month) * (bar + gap))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="flag-chart" width="{width}" height="{height + 64}" '
             f'role="img" font-family="Helvetica, Arial, sans-serif" font-size="11">'
             "<title>Flags per month, by severity</title>"]
    for i, (month, counts) in enumerate(by_month.items()):
        x, y = 40 + i * (bar + gap), float(height + 20)
        for severity in ("info", "warning", "error"):
            n = counts.get(severity, 0)
            if not n:
                continue
            h = n / top * height
            y -= h
            parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colors[severity]}">'
                         f"<title>{month}: {n} {severity}</title></rect>")
        parts.append(f'<text x="{x + bar / 2}" y="{y - 4:.1f}" text-anchor="middle">{sum(counts.values())}</text>')
        parts.append(f'<text x="{x + bar / 2}" y="{height + 36}" text-anchor="middle">{month}</text>')
    legend = " ".join(f'<tspan fill="{c}">■</tspan> {s}' for s, c in colors.items())
    parts.append(f'<text x="40" y="{height + 54}">{legend}</text></svg>')
    return markupsafe.Markup("".join(parts))


@_hook
async def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                      datasette: Datasette) -> markupsafe.Markup | None:
    config = _config(datasette)
    if not config or database != config.get("database") or value in (None, "") or isinstance(value, dict):
        return None
    shown = await _render_cell(row, _visible(value) if isinstance(value, str) else value, column, table, database, datasette)
    if shown is None and isinstance(value, str) and _BIDI.search(value):
        return markupsafe.Markup("{}").format(_visible(value))
    return shown


async def _render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                       datasette: Datasette) -> markupsafe.Markup | None:
    if table is not None and table not in VIEWS and isinstance(value, int) and column != "story_id":
        labelled = await _foreign_key_label(datasette, database, table, column, value)
        if labelled is not None:
            return labelled
    if column == "severity" and value in _SEVERITIES:
        return markupsafe.Markup('<span class="severity severity-{0}">{0}</span>').format(value)
    if column.endswith("_utc") and isinstance(value, str) and _UTC.match(value):
        return markupsafe.Markup('<time datetime="{}" title="{}">{} {}</time>').format(value, value, value[:10], value[11:16])
    if column == "evidence" and table == "flags" and isinstance(value, str):
        return _flag_evidence(value)
    if column == "evidence" and table == "copies" and isinstance(value, str):
        return _copy_evidence(value)
    if column == "story_id" and (table is None or table in VIEWS or table == "articles"):
        href = datasette.urls.query(database, "story_derivation") + "?" + urllib.parse.urlencode({"story": value})
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    if table == "stories" and column == "title" and "id" in row.keys():  # noqa: SIM118 (`in` on a Row tests values)
        href = datasette.urls.query(database, "story_derivation") + "?" + urllib.parse.urlencode({"story": row["id"]})
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    if table is not None and table not in VIEWS and table != "zone_search":  # zone_search holds ids, not keys
        return None
    if column in _ROW_LINKS:
        href = datasette.urls.row(database, _ROW_LINKS[column], tilde_encode(str(value)))
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    if column in _TITLE_LINKS:
        keys = row.keys() if hasattr(row, "keys") else ()
        target = _TITLE_LINKS[column]
        if target in keys and row[target] not in (None, ""):
            href = datasette.urls.row(database, "articles", tilde_encode(str(row[target])))
            return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    return None


def _json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return None


def _flag_evidence(value: str) -> markupsafe.Markup | None:
    """A flag's evidence as its matched text, highlighted, and the zone it is in."""
    evidence = _json(value)
    if not isinstance(evidence, dict):
        return None
    matched = matched_text(evidence)
    if matched is None:
        return None
    html = markupsafe.Markup('<mark class="evidence-match">{}</mark>').format(_clip(matched, 300))
    if isinstance(evidence.get("zone"), str):
        html += markupsafe.Markup(' <span class="evidence-zone">in {}</span>').format(evidence["zone"])
    return html


def _copy_evidence(value: str) -> markupsafe.Markup | None:
    """A copy link's evidence as its number of aligned passages and the best one."""
    evidence = _json(value)
    if not isinstance(evidence, dict) or not isinstance(evidence.get("aligned"), list) or not evidence["aligned"]:
        return None
    pairs = [p for p in evidence["aligned"] if isinstance(p, dict)]
    if not pairs:
        return None
    best = max(pairs, key=lambda p: float(p.get("score") or 0))
    if not isinstance(best.get("sentence"), str):
        # Compact evidence (offsets into the two texts): the sentences are on the articles' pages.
        return markupsafe.Markup("{} aligned passage{}; best scores {:.0f} at characters {}").format(
            len(pairs), "" if len(pairs) == 1 else "s", float(best.get("score") or 0), best.get("span")
        )
    return markupsafe.Markup('{} aligned passage{}; best: <q>{}</q>').format(
        len(pairs), "" if len(pairs) == 1 else "s", _clip(best["sentence"], 200)
    )


def _clip(text: str, width: int) -> str:
    text = _visible(text)
    return text if len(text) <= width else text[: width - 1] + "…"


async def _foreign_key_label(datasette: Datasette, database: str, table: str, column: str,
                             value: int) -> markupsafe.Markup | None:
    """A foreign key Datasette left unlabelled (a row page), as a link labelled like a table page's."""
    cache: dict[tuple[str, str], dict[str, tuple[str, str, str | None]]] = datasette.__dict__.setdefault(
        "_provenance_foreign_keys", {})
    db = datasette.get_database(database)
    if (database, table) not in cache:
        keys = {}
        for fk in await db.foreign_keys_for_table(table):
            label = await db.label_column_for_table(fk["other_table"])
            keys[fk["column"]] = (fk["other_table"], fk["other_column"], label)
        cache[(database, table)] = keys
    if column not in cache[(database, table)]:
        return None
    other, other_column, label_column = cache[(database, table)][column]
    if not label_column:
        return None
    result = await db.execute(
        f"SELECT {escape_sqlite(label_column)} FROM {escape_sqlite(other)} WHERE {escape_sqlite(other_column)} = ?",
        [value],
    )
    found = result.first()
    href = datasette.urls.row(database, other, tilde_encode(str(value)))
    if found is None or found[0] in (None, ""):
        return markupsafe.Markup('<a href="{}">{}</a>').format(href, value)
    return markupsafe.Markup('<a href="{}">{}</a>&nbsp;<em>{}</em>').format(href, _visible(str(found[0])), value)
