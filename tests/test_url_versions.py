"""Fetch rows, conditional re-audits and the versions of a URL (needs the pipeline to store captures)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.store.sqlite import AuditStore

from . import warcfile
from .httpserver import LocalServer, RequestHandler, page, redirect, respond, serve
from .warcfile import article, page_record

runner = CliRunner()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def _audit(db: Path, *inputs: str) -> dict[str, Any]:
    result = runner.invoke(app, ["audit", *inputs, "--db", str(db), "--allow-private", "--json"])
    assert result.exit_code == 0, result.output
    run: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return run


def _rows(db: Path, sql: str) -> list[dict[str, Any]]:
    return list(sqlite_utils.Database(db).query(sql))


def test_each_fetch_is_stored_with_its_final_url_status_and_headers(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/short"] = redirect("/story")
    server.routes["/story"] = page(article(1), ETag='"v1"', Last_Modified="Thu, 03 Oct 2024 07:43:00 GMT")
    db = tmp_path / "audit.db"
    _audit(db, server.url("/short"))
    (fetch,) = _rows(db, "select * from fetches")
    (stored,) = _rows(db, "select id, location, url from articles")
    assert (fetch["url"], fetch["final_url"], fetch["status"], fetch["via"]) == (server.url("/short"), server.url("/story"), 200, "http")
    assert (fetch["etag"], fetch["last_modified"]) == ('"v1"', "Thu, 03 Oct 2024 07:43:00 GMT")
    assert json.loads(fetch["redirects"]) == [server.url("/short")]
    assert ["Content-Type", "text/html; charset=utf-8"] in json.loads(fetch["headers"])
    assert fetch["article_id"] == stored["id"] and stored["location"] == server.url("/short")
    assert stored["url"] == server.url("/story")


def _conditional(body: bytes, etag: str) -> Any:
    def handle(h: RequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            respond(h, b"", status=304, content_type=None, headers={"ETag": etag})
        else:
            respond(h, body, headers={"ETag": etag})

    return handle


def test_a_re_audit_asks_conditionally_and_a_304_is_the_stored_article(server: LocalServer, tmp_path: Path) -> None:
    server.routes["/story"] = _conditional(article(1), '"v1"')
    db = tmp_path / "audit.db"
    assert _audit(db, server.url("/story"))["articles_new"] == 1
    again = _audit(db, server.url("/story"))
    assert (again["articles_new"], again["articles_known"]) == (0, 1)
    assert server.requests[-1].headers.get("if-none-match") == '"v1"'
    fetches = _rows(db, "select status, article_id from fetches order by id")
    assert [f["status"] for f in fetches] == [200, 304] and fetches[0]["article_id"] == fetches[1]["article_id"]


def test_a_changed_page_keeps_both_versions_linked_as_versions_of_one_url(server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    server.routes["/story"] = page(article(1000, "Harbour festival draws 1000 visitors"))
    _audit(db, server.url("/story"))
    server.routes["/story"] = page(article(1400, "Harbour festival draws 1400 visitors"))
    assert _audit(db, server.url("/story"))["articles_new"] == 1
    articles = _rows(db, "select id, location, title from articles order by id")
    assert [a["location"] for a in articles] == [server.url("/story")] * 2
    versions = _rows(db, "select url, article_id, version, previous_article_id from url_versions")
    first, second = articles[0]["id"], articles[1]["id"]
    assert versions == [
        {"url": server.url("/story"), "article_id": first, "version": 1, "previous_article_id": None},
        {"url": server.url("/story"), "article_id": second, "version": 2, "previous_article_id": first},
    ]
    store = AuditStore.open(db)
    assert store.versions_of(second) == [first, second]
    store.close()


def test_new_bytes_around_the_same_article_are_not_a_new_version(server: LocalServer, tmp_path: Path) -> None:
    db = tmp_path / "audit.db"
    server.routes["/story"] = page(article(1) + b"<!-- served at 09:00:01 -->")
    _audit(db, server.url("/story"))
    server.routes["/story"] = page(article(1) + b"<!-- served at 09:05:42 -->")
    again = _audit(db, server.url("/story"))
    assert (again["articles_new"], again["articles_known"]) == (0, 1)
    assert len(_rows(db, "select id from articles")) == 1 and len(_rows(db, "select id from fetches")) == 2


def test_archived_captures_are_recorded_once_and_versions_follow_capture_dates(tmp_path: Path) -> None:
    url = "https://www.harbourdaily.example/news/festival"
    october = warcfile.write(tmp_path / "october.warc.gz", [page_record(url, article(1000), date="2024-10-03T07:43:00Z")])
    november = warcfile.write(tmp_path / "november.warc.gz", [page_record(url, article(1400), date="2024-11-03T07:43:00Z")])
    db = tmp_path / "audit.db"
    _audit(db, str(november))
    _audit(db, str(october))
    _audit(db, str(october))
    fetches = _rows(db, "select via, fetched_utc, warc_record_id from fetches order by fetched_utc")
    assert [(f["via"], f["fetched_utc"]) for f in fetches] == [("warc", "2024-10-03T07:43:00+00:00"), ("warc", "2024-11-03T07:43:00+00:00")]
    versions = _rows(db, "select a.location, v.version from url_versions v join articles a on a.id = v.article_id")
    assert [(Path(v["location"].split("#")[0]).name, v["version"]) for v in versions] == [("october.warc.gz", 1), ("november.warc.gz", 2)]
