"""Fetching URLs: against a real server on 127.0.0.1, and httpx.MockTransport for the address guard."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from provenance.ingest.fetch import (
    USER_AGENT,
    FetchOptions,
    FetchResult,
    fetch_url,
    fetch_urls,
    is_public_address,
)
from provenance.models import Validators

from .httpserver import (
    LocalServer,
    delayed,
    drip,
    flaky,
    gzip_bomb,
    hang,
    huge,
    page,
    redirect,
    serve,
)

HTML = "<html><head><title>Harbour festival</title></head><body><p>The harbour festival opened.</p></body></html>"
LOCAL = FetchOptions(allow_private=True, timeout=2.0, retries=0, backoff=0.01)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    yield from serve()


def _fetch(*urls: str, options: FetchOptions = LOCAL, **kwargs: object) -> list[FetchResult]:
    return list(fetch_urls(list(urls), options, **kwargs))  # type: ignore[arg-type]


def test_a_page_is_fetched_with_its_final_url_status_headers_and_a_truthful_user_agent(server: LocalServer) -> None:
    server.routes["/story"] = page(HTML, ETag='"v1"')
    server.routes["/old"] = redirect("/moved")
    server.routes["/moved"] = redirect("/story", 301)
    direct, moved = _fetch(server.url("/story"), server.url("/old"))
    assert direct.is_ok and direct.status == 200 and direct.content == HTML.encode()
    assert direct.header("etag") == '"v1"' and direct.content_type == "text/html" and direct.charset == "utf-8"
    assert (moved.url, moved.final_url) == (server.url("/old"), server.url("/story"))
    assert moved.redirects == (server.url("/old"), server.url("/moved"))
    sent = server.requests[0].headers
    assert sent["user-agent"] == USER_AGENT and USER_AGENT.startswith("provenance/")
    assert sent["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("routes", "path", "problem"),
    [
        ({"/a": redirect("/b"), "/b": redirect("/a")}, "/a", "redirect loop"),
        ({f"/r{i}": redirect(f"/r{i + 1}") for i in range(30)}, "/r0", "too many redirects (more than 10)"),
        ({"/x": redirect("ftp://127.0.0.1/file")}, "/x", "only http and https"),
        ({"/gone": page("gone", status=404)}, "/gone", "HTTP 404 Not Found"),
        ({"/bomb": gzip_bomb(64)}, "/bomb", "larger than the 25 MB limit"),
        ({"/declared": huge(100, declare=True)}, "/declared", "(Content-Length 104857600)"),
        ({"/huge": huge(100)}, "/huge", "larger than the 25 MB limit"),
        ({"/bad-gzip": page(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, Content_Encoding="gzip")}, "/bad-gzip", "corrupt gzip"),
        ({"/brotli": page(b"\x0b\x02\x80hello", Content_Encoding="br")}, "/brotli", "unsupported content-encoding 'br'"),
    ],
    ids=["loop", "endless", "scheme", "404", "gzip-bomb", "declared-100mb", "streamed-100mb", "bad-gzip", "brotli"],
)
def test_bad_answers_are_results_with_a_problem(server: LocalServer, routes: dict[str, Any], path: str, problem: str) -> None:
    server.routes.update(routes)
    (result,) = _fetch(server.url(path))
    assert not result.is_ok and result.content == b""
    assert problem in (result.problem or "")


def test_a_100_mb_page_is_cut_off_at_the_limit_not_read_whole(server: LocalServer) -> None:
    server.routes["/huge"] = huge(100)
    started = time.monotonic()
    (result,) = _fetch(server.url("/huge"), options=FetchOptions(allow_private=True, max_bytes=1024 * 1024, retries=0))
    assert "larger than the 1 MB limit" in (result.problem or "")
    assert time.monotonic() - started < 5


def test_a_server_that_hangs_or_drips_times_out(server: LocalServer) -> None:
    server.routes["/hang"] = hang
    server.routes["/drip"] = drip
    options = FetchOptions(allow_private=True, timeout=0.3, deadline=1.0, retries=0)
    started = time.monotonic()
    hanging, dripping = _fetch(server.url("/hang"), server.url("/drip"), options=options)
    assert "timed out after 0.3 s (read)" in (hanging.problem or "") and hanging.is_transient
    assert "no complete answer within 1 s" in (dripping.problem or "")
    assert time.monotonic() - started < 3


def test_retries_stop_at_the_whole_fetch_deadline(server: LocalServer) -> None:
    server.routes["/hang"] = hang
    options = FetchOptions(allow_private=True, timeout=0.3, retries=5, backoff=0.05)
    started = time.monotonic()
    (result,) = _fetch(server.url("/hang"), options=options)
    elapsed = time.monotonic() - started
    # 0.3 s, wait 0.05, 0.3 s, wait 0.1, then the third attempt is cut at 3 x 0.3 s
    assert result.problem == "no complete answer within 0.9 s (after 3 attempts)"
    assert 0.85 < elapsed < 2.5


def test_429_and_5xx_are_retried_with_backoff(server: LocalServer) -> None:
    server.routes["/busy"] = flaky(2, 503, page(HTML))
    server.routes["/down"] = page("down", status=500)
    options = FetchOptions(allow_private=True, timeout=2, retries=2, backoff=0.01)
    busy, down = _fetch(server.url("/busy"), server.url("/down"), options=options)
    assert busy.is_ok and busy.attempts == 3 and server.hits("/busy") == 3
    assert down.problem == "HTTP 500 Internal Server Error (after 3 attempts)" and server.hits("/down") == 3


def test_retry_after_is_honoured_and_a_long_one_ends_the_retries(server: LocalServer) -> None:
    server.routes["/slow-down"] = flaky(1, 429, page(HTML), Retry_After="2")
    server.routes["/come-back-tomorrow"] = page("later", status=503, Retry_After="86400")
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def run(path: str) -> FetchResult:
        options = FetchOptions(allow_private=True, timeout=2, retries=3, backoff=0.01)
        async with httpx.AsyncClient() as client:
            return await fetch_url(server.url(path), client, options, sleep=sleep)

    assert asyncio.run(run("/slow-down")).is_ok and waits == [2.0]
    later = asyncio.run(run("/come-back-tomorrow"))
    assert later.attempts == 1 and "the server asks to retry after 86400 s" in (later.problem or "")


def test_a_conditional_request_is_sent_and_304_means_not_modified(server: LocalServer) -> None:
    server.routes["/story"] = page(b"", status=304, content_type=None)
    known = Validators('"v1"', "Thu, 03 Oct 2024 07:43:00 GMT", "ab" * 32)
    (result,) = _fetch(server.url("/story"), validators={server.url("/story"): known})
    assert result.is_ok and result.is_not_modified and result.status == 304
    sent = server.requests[0].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Thu, 03 Oct 2024 07:43:00 GMT"
    (unasked,) = _fetch(server.url("/story"))
    assert "not conditional" in (unasked.problem or "")


def test_many_urls_are_fetched_concurrently_within_the_bound_and_in_order(server: LocalServer) -> None:
    for i in range(24):
        server.routes[f"/p{i}"] = delayed(0.2, page(f"<p>page {i}</p>"))
    urls = [server.url(f"/p{i}") for i in range(24)]
    started = time.monotonic()
    results = _fetch(*urls, options=FetchOptions(allow_private=True, concurrency=6, retries=0))
    elapsed = time.monotonic() - started
    assert [r.url for r in results] == urls and all(r.is_ok for r in results)
    assert [r.content for r in results] == [f"<p>page {i}</p>".encode() for i in range(24)]
    assert server.max_in_flight <= 6
    assert elapsed < 24 * 0.2 / 2  # 4.8 s one at a time; about 0.8 s six at a time


def test_closing_the_results_early_cancels_the_rest(server: LocalServer) -> None:
    server.routes["/hang"] = hang
    server.routes["/ok"] = page(HTML)
    results = fetch_urls([server.url("/ok"), *[server.url("/hang")] * 5], LOCAL)
    started = time.monotonic()
    assert next(results).is_ok
    results.close()
    assert time.monotonic() - started < 3


# the address guard -----------------------------------------------------------------------


def test_loopback_and_private_addresses_are_refused_without_a_connection(server: LocalServer) -> None:
    server.routes["/story"] = page(HTML)
    options = FetchOptions(timeout=2, retries=0)
    results = _fetch(server.url("/story"), f"http://localhost:{server.port}/story", "http://10.0.0.7/", "http://[::1]/",
                     "http://169.254.169.254/latest/meta-data/", options=options)
    assert all("not a public address; pass --allow-private" in (r.problem or "") for r in results)
    assert server.requests == []


@pytest.mark.parametrize(
    ("address", "is_public"),
    [("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True), ("127.0.0.1", False), ("10.1.2.3", False),
     ("172.16.0.1", False), ("192.168.1.1", False), ("100.64.0.1", False), ("169.254.169.254", False), ("0.0.0.0", False),
     ("::1", False), ("fe80::1", False), ("fc00::1", False), ("::ffff:127.0.0.1", False), ("2002:7f00:1::", False),
     ("224.0.0.1", False), ("not an address", False),
     # IPv6 forms that carry an IPv4 address: the IPv4 address decides
     ("::7f00:1", False), ("::127.0.0.1", False), ("::ffff:0:7f00:1", False), ("64:ff9b::7f00:1", False),
     ("64:ff9b::a9fe:a9fe", False), ("64:ff9b:1::7f00:1", False), ("64:ff9b::a00:5", False),
     ("2001:0:4136:e378:8000:63bf:80ff:fffe", False), ("2002:a00:1::", False), ("::ffff:8.8.8.8", True),
     ("64:ff9b::808:808", True), ("2002:808:808::1", True),
     # IANA special-purpose ranges that ipaddress calls global
     ("192.0.0.8", False), ("192.0.0.170", False), ("192.88.99.1", False), ("ff02::1", False), ("2001:db8::1", False),
     ("fec0::1", False), ("5f00::1", False), ("100::1", False)],
)
def test_is_public_address(address: str, is_public: bool) -> None:
    assert is_public_address(address) is is_public


def _guarded(routes: dict[str, httpx.Response], resolved: dict[str, list[str]]) -> tuple[list[httpx.Request], FetchResult]:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return routes[request.headers.get("host", request.url.host) + request.url.path]

    async def resolve(host: str, port: int) -> list[str]:
        return resolved[host]

    async def run() -> FetchResult:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as client:
            return await fetch_url("http://news.example/story", client, FetchOptions(retries=0), resolve=resolve)

    return seen, asyncio.run(run())


def test_every_redirect_hop_is_checked() -> None:
    routes = {"news.example/story": httpx.Response(302, headers={"Location": "http://internal.example/admin"})}
    seen, result = _guarded(routes, {"news.example": ["93.184.216.34"], "internal.example": ["10.0.0.5"]})
    assert len(seen) == 1
    assert result.problem == "refused: internal.example (10.0.0.5) is not a public address; pass --allow-private to audit it"
    assert result.redirects == ("http://news.example/story",)


def test_a_plain_http_request_goes_to_the_address_that_was_checked() -> None:
    body = httpx.ByteStream(HTML.encode())
    routes = {"news.example/story": httpx.Response(200, headers={"Content-Type": "text/html"}, stream=body)}
    seen, result = _guarded(routes, {"news.example": ["93.184.216.34", "93.184.216.35"]})
    assert result.is_ok and result.final_url == "http://news.example/story"
    assert seen[0].url.host == "93.184.216.34" and seen[0].headers["host"] == "news.example"


def test_a_host_with_any_private_address_is_refused() -> None:
    seen, result = _guarded({}, {"news.example": ["93.184.216.34", "127.0.0.1"]})
    assert seen == [] and "news.example (127.0.0.1) is not a public address" in (result.problem or "")
