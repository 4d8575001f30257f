"""Stage 0 of a feed audit: RSS and Atom feeds -> the pages they link to.

``parse_feed(data, url)`` reads a feed with feedparser and returns a
:class:`Feed`: its items (page URL, guid, title, date) and a problem for
every entry that cannot be audited. ``read_feeds(urls, options)`` fetches
feeds with :func:`provenance.fetch.fetch_urls` and parses each one. Neither
raises for a bad feed: a feed that cannot be fetched or is not a feed at all
has ``problem`` set and no items.

feedparser is only ever given bytes, never a URL, so it reaches no network
of its own; relative links are resolved against the feed's final URL.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .fetch import FetchOptions, FetchResult, Resolver, fetch_urls, resolve_host
from ..models import FeedItem, InputProblem

if TYPE_CHECKING:  # httpx and feedparser are imported where a feed is read, not at every start
    import httpx

__all__ = ["Feed", "parse_feed", "read_feed_list", "read_feeds"]

#: Media types a feed may be served as; anything else is still parsed, and judged by content.
_FEED_TYPES = ("xml", "rss", "atom", "rdf")


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed: ``problem`` is set when nothing could be read from it."""

    url: str
    items: tuple[FeedItem, ...] = ()
    #: Entries that cannot be audited, and caveats about the feed (severity warning).
    problems: tuple[InputProblem, ...] = ()
    title: str | None = None
    problem: str | None = None


def read_feed_list(text: str) -> list[str]:
    """Feed URLs of a list file: one a line; blank lines and ``#`` comments skipped."""
    urls = (line.split(maxsplit=1)[0] for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return list(dict.fromkeys(urls))


def read_feeds(
    urls: Sequence[str],
    options: FetchOptions,
    *,
    client: httpx.AsyncClient | None = None,
    resolve: Resolver = resolve_host,
) -> Iterator[Feed]:
    """Fetch and parse each feed, in order."""
    for result in fetch_urls(urls, options, client=client, resolve=resolve):
        yield _fetched_feed(result)


def _fetched_feed(result: FetchResult) -> Feed:
    if result.problem is not None:
        return Feed(result.url, problem=f"cannot fetch the feed: {result.problem}")
    return replace(parse_feed(result.content, result.final_url, content_type=result.header("content-type")), url=result.url)


def parse_feed(data: bytes, url: str, *, content_type: str | None = None) -> Feed:
    """Read an RSS or Atom document. ``url`` names the feed and resolves relative links."""
    import feedparser  # type: ignore[import-untyped]

    if not data.strip():
        return Feed(url, problem="empty feed: no data")
    # Servers label feeds loosely (text/html, text/plain): judge by the content, not the label.
    is_labelled = content_type is not None and any(kind in content_type.lower() for kind in _FEED_TYPES)
    headers = {"content-location": url, "content-type": content_type if is_labelled else "application/xml"}
    try:
        parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser on hostile input: one bad feed must not stop the run
        return Feed(url, problem=f"cannot parse the feed ({type(exc).__name__}: {exc})")
    entries: list[Any] = list(parsed.get("entries") or [])
    title = _text(parsed.get("feed", {}).get("title"))
    if not entries:
        if not parsed.get("version"):
            reason = f" ({_bozo(parsed)})" if parsed.get("bozo") else ""
            return Feed(url, problem=f"not an RSS or Atom feed{reason}")
        return Feed(url, title=title, problems=(InputProblem(url, "empty feed: no entries", "warning"),))
    items, problems = _items(entries, url)
    if parsed.get("bozo"):
        problems.insert(0, InputProblem(url, f"feed is not well-formed ({_bozo(parsed)}); {len(entries)} entries read", "warning"))
    return Feed(url, tuple(items), tuple(problems), title)


def _items(entries: list[Any], url: str) -> tuple[list[FeedItem], list[InputProblem]]:
    items: dict[str, FeedItem] = {}
    problems: list[InputProblem] = []
    for number, entry in enumerate(entries, start=1):
        item = _item(entry, url)
        if isinstance(item, str):
            problems.append(InputProblem(f"{url}#entry-{number}", item))
        elif item.key not in items:
            items[item.key] = item
    return list(items.values()), problems


def _item(entry: Mapping[str, Any], feed_url: str) -> FeedItem | str:
    import httpx

    title = _text(entry.get("title"))
    named = f" ({title[:60]!r})" if title else ""
    link = _text(entry.get("link")) or _alternate(entry)
    if not link:
        return f"entry{named} has no link"
    try:
        absolute = httpx.URL(feed_url).join(link)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        return f"entry{named} has an invalid link ({exc})"
    if absolute.scheme not in ("http", "https") or not absolute.host:
        return f"entry{named} links to {link[:80]!r}, not an http(s) page"
    guid = _text(entry.get("id"))
    return FeedItem(str(absolute), guid, title, _published(entry))


def _alternate(entry: Mapping[str, Any]) -> str | None:
    for link in entry.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
            href = _text(link.get("href"))
            if href:
                return href
    return None


def _published(entry: Mapping[str, Any]) -> str | None:
    for name in ("published_parsed", "updated_parsed"):
        # dict.get, not feedparser's: its get("published_parsed") falls back to updated_parsed with a DeprecationWarning
        value = dict.get(entry, name) if isinstance(entry, dict) else entry.get(name)
        if isinstance(value, time.struct_time):
            try:
                return dt.datetime(*value[:6], tzinfo=dt.timezone.utc).isoformat()
            except (ValueError, OverflowError):
                continue
    return None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _bozo(parsed: Mapping[str, Any]) -> str:
    exc = parsed.get("bozo_exception")
    text = str(exc).strip() if exc is not None else ""
    return text[:200] or "malformed"
