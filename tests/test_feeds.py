"""RSS and Atom feeds: parsing, and `audit --feed` and `watch` against a server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.ingest.feeds import parse_feed, read_feed_list

from .httpserver import LocalServer, page, serve
from .warcfile import article

runner = CliRunner()
FEED_URL = "https://news.example/feeds/world.xml"


def rss(*entries: str, title: str = "Harbour Daily") -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{"".join(entries)}</channel></rss>'.encode()


def item(link: str | None, title: str = "A story", guid: str | None = None, date: str = "Thu, 03 Oct 2024 07:43:00 GMT") -> str:
    parts = [f"<title>{title}</title>", f"<pubDate>{date}</pubDate>"]
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if guid is not None:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    return "<item>" + "".join(parts) + "</item>"


ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>
<entry><title>Port deal signed</title><link rel="alternate" href="https://wire.example/port"/><id>tag:wire.example,2024:1</id>
<updated>2024-05-21T08:00:00Z</updated></entry></feed>"""


def test_rss_items_have_absolute_urls_guids_titles_and_dates() -> None:
    feed = parse_feed(rss(item("https://news.example/a", "First", "g-1"), item("/b", "Second")), FEED_URL)
    assert feed.problem is None and feed.problems == () and feed.title == "Harbour Daily"
    first, second = feed.items
    assert (first.url, first.guid, first.title, first.published) == ("https://news.example/a", "g-1", "First", "2024-10-03T07:43:00+00:00")
    assert (second.url, second.key) == ("https://news.example/b", "https://news.example/b")


def test_atom_entries_are_read() -> None:
    (entry,) = parse_feed(ATOM, "https://wire.example/atom").items
    assert (entry.url, entry.guid, entry.published) == ("https://wire.example/port", "tag:wire.example,2024:1", "2024-05-21T08:00:00+00:00")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty feed: no data"),
        (b"   \n", "empty feed: no data"),
        (b"<html><body><p>Not a feed</p></body></html>", "not an RSS or Atom feed"),
        (bytes(range(256)) * 10, "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed_is_a_problem(data: bytes, problem: str) -> None:
    feed = parse_feed(data, FEED_URL)
    assert feed.items == () and problem in (feed.problem or "")


def test_an_empty_feed_is_a_warning() -> None:
    feed = parse_feed(rss(), FEED_URL)
    assert feed.problem is None and [(p.problem, p.severity) for p in feed.problems] == [("empty feed: no entries", "warning")]


def test_broken_entries_are_problems_of_their_own_and_the_others_are_read() -> None:
    entries = [item("https://news.example/a", "Good"), item(None, "No link"), item("javascript:alert(1)", "Script"),
               item("mailto:desk@news.example", "Mail"), item("https://news.example/a", "Good again")]
    data = rss(*entries)[:-25]  # cut short, too: not well-formed
    feed = parse_feed(data, FEED_URL)
    assert [i.url for i in feed.items] == ["https://news.example/a"]
    problems = [(p.location, p.problem.split(" (")[0], p.severity) for p in feed.problems]
    assert problems[0] == (FEED_URL, "feed is not well-formed", "warning")
    assert problems[1][0] == f"{FEED_URL}#entry-2" and "has no link" in feed.problems[1].problem
    assert "not an http(s) page" in feed.problems[2].problem and "'mailto:desk@news.example'" in feed.problems[3].problem


def test_a_deeply_nested_feed_is_survived() -> None:
    data = b'<rss version="2.0"><channel>' + b"<x>" * 5_000 + b"</channel></rss>"
    feed = parse_feed(data, FEED_URL)
    assert feed.items == ()


def test_a_feed_list_skips_blank_lines_comments_and_repeats() -> None:
    text = "# world news\nhttps://a.example/feed.xml   # the main one\n\n  https://b.example/rss\nhttps://a.example/feed.xml\n"
    assert read_feed_list(text) == ["https://a.example/feed.xml", "https://b.example/rss"]


# audit --feed and watch, end to end --------------------------------------------------------


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def _publish(server: LocalServer, *numbers: int, extra: str = "") -> None:
    entries = [item(server.url(f"/news/{n}"), f"Story {n}", f"story-{n}") for n in numbers]
    server.routes["/feed.xml"] = page(rss(*entries).replace(b"</channel>", extra.encode() + b"</channel>"),
                                      content_type="application/rss+xml")
    for n in numbers:
        server.routes[f"/news/{n}"] = page(article(1000 + n, f"Harbour story number {n}"))


def _run(*args: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, [*args, "--json", "--allow-private", "--timeout", "2"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines


def test_audit_feed_audits_each_new_item_once(server: LocalServer, tmp_path: Path) -> None:
    db = str(tmp_path / "audit.db")
    _publish(server, 1, 2)
    code, lines = _run("audit", "--feed", server.url("/feed.xml"), "--db", db)
    assert code == 0 and lines[-1]["articles_new"] == 2
    code, lines = _run("audit", "--feed", server.url("/feed.xml"), "--db", db)
    assert code == 0 and lines[-1]["articles_seen"] == 0 and server.hits("/news/1") == 1
    _publish(server, 1, 2, 3)
    code, lines = _run("audit", "--feed", server.url("/feed.xml"), "--db", db)
    assert code == 0 and lines[-1]["articles_new"] == 1 and server.hits("/news/3") == 1 and server.hits("/news/1") == 1
    rows = list(sqlite_utils.Database(db).query("select item_key, url, audited_utc, article_id from feed_items order by id"))
    assert [r["item_key"] for r in rows] == ["story-1", "story-2", "story-3"]
    assert all(r["audited_utc"] and r["article_id"] for r in rows)


def test_feed_problems_and_failed_items_are_errors_rows_and_failed_items_are_retried(server: LocalServer, tmp_path: Path) -> None:
    db = str(tmp_path / "audit.db")
    _publish(server, 1, extra=item(None, "No link") + item(server.url("/missing"), "Gone", "gone"))
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{server.url('/feed.xml')}\n{server.url('/no-feed-here')}\n{server.url('/empty.xml')}\n")
    server.routes["/empty.xml"] = page(rss(), content_type="application/rss+xml")
    code, lines = _run("audit", "--feed", str(feeds), "--db", db)
    assert code == 1 and lines[-1]["articles_new"] == 1
    errors = {(r["input"], r["problem"], r["severity"]) for r in sqlite_utils.Database(db).query("select * from errors")}
    assert (f"{server.url('/feed.xml')}#entry-2", "entry ('No link') has no link", "error") in errors
    assert (server.url("/no-feed-here"), "cannot fetch the feed: HTTP 404 Not Found", "error") in errors
    assert (server.url("/empty.xml"), "empty feed: no entries", "warning") in errors
    assert (server.url("/missing"), "HTTP 404 Not Found", "error") in errors
    run = next(sqlite_utils.Database(db).query("select errors, warnings from runs"))
    assert run == {"errors": 3, "warnings": 1}
    _run("audit", "--feed", str(feeds), "--db", db)
    assert server.hits("/missing") == 2 and server.hits("/news/1") == 1
    (gone,) = sqlite_utils.Database(db).query("select attempts, last_problem from feed_items where item_key = 'gone'")
    assert gone == {"attempts": 2, "last_problem": "HTTP 404 Not Found"}


def test_watch_audits_what_is_new_then_is_silent(server: LocalServer, tmp_path: Path) -> None:
    db = str(tmp_path / "audit.db")
    _publish(server, 1, 2)
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(server.url("/feed.xml") + "\n")
    first = runner.invoke(app, ["watch", str(feeds), "--db", db, "--allow-private"])
    assert first.exit_code == 0 and "2 new article(s)" in first.output
    second = runner.invoke(app, ["watch", str(feeds), "--db", db, "--allow-private"])
    assert second.exit_code == 0 and second.output == ""
    runs = [r["command"] for r in sqlite_utils.Database(db).query("select command from runs")]
    assert runs == ["watch", "watch"]


def test_a_second_watch_on_the_same_database_does_nothing(server: LocalServer, tmp_path: Path) -> None:
    import fcntl

    db = tmp_path / "audit.db"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(server.url("/feed.xml") + "\n")
    with open(tmp_path / "audit.db.watch.lock", "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = runner.invoke(app, ["watch", str(feeds), "--db", str(db), "--allow-private"])
    assert result.exit_code == 0 and "another `provenance watch` is running" in result.output
    assert server.requests == []


def test_a_feed_on_a_private_address_is_refused_without_allow_private(server: LocalServer, tmp_path: Path) -> None:
    _publish(server, 1)
    result = runner.invoke(app, ["audit", "--feed", server.url("/feed.xml"), "--db", str(tmp_path / "audit.db")])
    assert result.exit_code == 1 and "not a public address; pass --allow-private" in result.output
    assert server.requests == []


def test_a_saved_feed_file_is_read_as_a_feed_not_as_a_list_of_urls(server: LocalServer, tmp_path: Path) -> None:
    db = str(tmp_path / "audit.db")
    _publish(server, 1, 2)
    saved = tmp_path / "saved_feed.xml"
    saved.write_bytes(rss(*[item(server.url(f"/news/{n}"), f"Story {n}", f"story-{n}") for n in (1, 2)]))
    code, lines = _run("audit", "--feed", str(saved), "--db", db)
    assert code == 0, lines
    assert lines[-1]["articles_new"] == 2 and not [line for line in lines if line["type"] == "error"]
    code, lines = _run("audit", "--feed", str(saved), "--db", db)
    assert code == 0 and lines[-1]["articles_seen"] == 0 and server.hits("/news/1") == 1
