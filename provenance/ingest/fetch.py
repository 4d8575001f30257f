"""Stage 1, network half: fetch pages over HTTP.

``fetch_urls(urls, options)`` fetches at most ``options.concurrency`` pages at
a time and yields one :class:`FetchResult` per URL, in the order given. It
never raises for a bad URL or a bad server: the result then carries a
``problem`` that says what went wrong.

Because URLs come from untrusted feeds, each fetch is guarded:

- Only ``http`` and ``https``. Redirects are followed one hop at a time, at
  most ``max_redirects``, and every hop is checked like the first.
- Unless ``allow_private``, the host of every hop is resolved and refused when
  any of its addresses is not a global one (private, loopback, link-local,
  shared, reserved, multicast, or any other IANA special-purpose range), and
  when an IPv6 address carries an IPv4 one (IPv4-mapped, IPv4-compatible,
  IPv4-translated, NAT64, 6to4, Teredo) that is not. A plain-http request is then sent to the
  address that was checked, so that a second DNS answer cannot point it
  elsewhere; for https the certificate check does the same.
- The body is read as a stream and refused past ``max_bytes`` decoded bytes
  (``Content-Length`` is checked first). Only ``gzip`` and ``deflate`` are
  accepted, and undone within the limit.
- ``timeout`` bounds each connect and read; ``deadline`` (default three times
  ``timeout``) bounds the whole fetch: every attempt, redirect, body and wait
  between attempts, so a server that sends a byte a second cannot hold a slot.
- 408, 429, 500, 502, 503 and 504 answers, dropped connections and time-outs
  are retried with exponential backoff; ``Retry-After`` is honoured up to
  ``max_retry_after`` seconds.
- The User-Agent names provenance and its version.
- With ``validators`` (ETag, Last-Modified) for a URL, the request is
  conditional, and a 304 answer is a result with ``is_not_modified``.

The fetches run on an asyncio loop in a worker thread, with the
``httpx.AsyncClient`` given, or with clients of at most 8 connections each
made from the options (httpcore's pool spends time in proportion to its
connections on every request: four pools of 8 fetch about twice as fast as
one of 32).
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import queue
import socket
import threading
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.metadata import version
from typing import TYPE_CHECKING

from ..errors import IngestError
from .httpbody import ACCEPT_ENCODING, BodyDecoder, too_large
from ..models import Validators

if TYPE_CHECKING:  # imported where a URL is fetched: 0.1 s of every start otherwise
    import asyncio

    import httpx

__all__ = [
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "FetchOptions",
    "FetchResult",
    "Resolver",
    "fetch_url",
    "fetch_urls",
    "is_public_address",
    "make_client",
    "resolve_host",
]

#: host, port -> the addresses it resolves to
Resolver = Callable[[str, int], Awaitable[list[str]]]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_TIMEOUT = 20.0
USER_AGENT = (
    f"provenance/{version('provenance')} (news source-reliability and provenance checker)"
    f" python-httpx/{version('httpx')}"
)
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchOptions:
    #: Seconds allowed for a connection, and between two reads.
    timeout: float = DEFAULT_TIMEOUT
    #: Seconds allowed for a whole fetch (every attempt, redirect, body and wait between attempts); default 3 x timeout.
    deadline: float | None = None
    #: Largest body, in bytes after content decoding.
    max_bytes: int = 25 * 1024 * 1024
    max_redirects: int = 10
    #: Retries after the first attempt, for 408, 429, 5xx and dropped connections.
    retries: int = 2
    #: First backoff in seconds; it doubles on each retry.
    backoff: float = 1.0
    #: Longest wait asked by Retry-After that is honoured; a longer one ends the retries.
    max_retry_after: float = 60.0
    concurrency: int = 8
    #: Fetch private, loopback and other non-global addresses too.
    allow_private: bool = False
    user_agent: str = USER_AGENT

    @property
    def fetch_deadline(self) -> float:
        return self.deadline if self.deadline is not None else 3 * self.timeout


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The answer to one URL: ``problem`` is None when ``content`` holds the page."""

    url: str
    final_url: str
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    content: bytes = b""
    redirects: tuple[str, ...] = ()
    attempts: int = 1
    problem: str | None = None
    #: A failure that may pass: a time-out, a dropped connection, 429 or 5xx.
    is_transient: bool = False
    #: A 304 answer to a conditional request: the stored version is current.
    is_not_modified: bool = False

    @property
    def is_ok(self) -> bool:
        return self.problem is None

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_type(self) -> str | None:
        """The media type, lower-cased, without parameters."""
        value = self.header("content-type")
        return value.split(";", 1)[0].strip().lower() or None if value else None

    @property
    def charset(self) -> str | None:
        value = self.header("content-type") or ""
        for param in value.split(";")[1:]:
            name, _, given = param.partition("=")
            if name.strip().lower() == "charset":
                return given.strip().strip("\"'") or None
        return None


def make_client(options: FetchOptions) -> httpx.AsyncClient:
    """An AsyncClient for ``options``: redirects by hand, no proxies from the environment."""
    import httpx

    limits = httpx.Limits(max_connections=options.concurrency, max_keepalive_connections=options.concurrency)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(options.timeout),
        limits=limits,
        follow_redirects=False,
        trust_env=False,
        headers={"User-Agent": options.user_agent},
    )


#: Connections per client made by fetch_urls: httpcore's pool does work in proportion to its
#: connections for every request, so many small pools fetch faster than one large one.
_CONNECTIONS_PER_CLIENT = 8


def _make_clients(options: FetchOptions) -> list[httpx.AsyncClient]:
    shards = -(-options.concurrency // _CONNECTIONS_PER_CLIENT)
    per_client = replace(options, concurrency=min(options.concurrency, _CONNECTIONS_PER_CLIENT))
    return [make_client(per_client) for _ in range(shards)]


#: IANA special-purpose ranges that are not globally reachable, or that no news site uses
#: (RFC 6890 and the registries that follow it), beyond what ``ipaddress`` calls non-global.
_SPECIAL_V4 = tuple(ipaddress.IPv4Network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
    "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_SPECIAL_V6 = tuple(ipaddress.IPv6Network(n) for n in (
    "::/128", "::1/128", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2620:4f:8000::/48",
    "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
#: IPv6 ranges whose last 32 bits are an IPv4 address the packets reach.
_CARRIES_V4 = tuple(ipaddress.IPv6Network(n) for n in ("::/96", "::ffff:0:0/96", "::ffff:0:0:0/96", "64:ff9b::/96"))


def is_public_address(address: str) -> bool:
    """Whether an IP address is a global unicast one (not private, loopback, link-local...).

    An IPv6 address that carries an IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
    IPv4-compatible ``::a.b.c.d``, IPv4-translated ``::ffff:0:a.b.c.d``, NAT64
    ``64:ff9b::a.b.c.d``, 6to4 and Teredo) is public only if that IPv4 address is.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return _is_public_v6(ip)
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _SPECIAL_V4)


def _is_public_v6(ip: ipaddress.IPv6Address) -> bool:
    embedded: list[ipaddress.IPv4Address] = []
    if any(ip in net for net in _CARRIES_V4):
        embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        embedded.append(ip.sixtofour)
    if ip.teredo is not None:
        embedded.extend(ip.teredo)
    if embedded:
        if ip in _SPECIAL_V6[0] or ip in _SPECIAL_V6[1]:
            return False
        return all(is_public_address(str(v4)) for v4 in embedded)
    return ip.is_global and not ip.is_multicast and not any(ip in net for net in _SPECIAL_V6)


async def resolve_host(host: str, port: int) -> list[str]:
    """The addresses of ``host``, in the order the system resolver gives them."""
    import asyncio

    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# one URL ------------------------------------------------------------------------


async def fetch_url(
    url: str,
    client: httpx.AsyncClient,
    options: FetchOptions,
    *,
    validators: Validators | None = None,
    resolve: Resolver = resolve_host,
    sleep: Sleep | None = None,
) -> FetchResult:
    """Fetch one URL, retrying transient failures. Never raises for a bad URL or server.

    The whole fetch, retries and the waits between them included, ends within
    ``options.fetch_deadline`` seconds: a retry that cannot start before then is not made.
    """
    import asyncio

    sleep = sleep or asyncio.sleep
    loop = asyncio.get_running_loop()
    deadline = options.fetch_deadline
    ends = loop.time() + deadline
    attempt = 0
    while True:
        attempt += 1
        try:
            async with asyncio.timeout_at(ends):
                result = await _follow(url, client, options, validators, resolve)
        except TimeoutError:
            result = FetchResult(url, url, problem=f"no complete answer within {deadline:g} s", is_transient=True)
        wait = _retry_delay(result, attempt, options)
        if isinstance(wait, float) and loop.time() + wait < ends:
            await sleep(wait)
            continue
        if attempt > 1 and result.problem:
            result = replace(result, problem=f"{result.problem} (after {attempt} attempts)")
        if isinstance(wait, str):
            result = replace(result, problem=f"{result.problem}; {wait}")
        return replace(result, attempts=attempt)


def _retry_delay(result: FetchResult, attempt: int, options: FetchOptions) -> float | str | None:
    """Seconds to wait before the next attempt; None, or why not, when there is none."""
    retryable = result.status in _RETRY_STATUSES or (result.status is None and result.is_transient)
    if not retryable or result.problem is None or attempt > options.retries:
        return None
    wait = options.backoff * 2 ** (attempt - 1)
    asked = _retry_after(result)
    if asked is not None:
        if asked > options.max_retry_after:
            return f"the server asks to retry after {asked:g} s"
        wait = max(wait, asked)
    return float(min(wait, options.max_retry_after))


def _retry_after(result: FetchResult) -> float | None:
    value = (result.header("retry-after") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        said = email.utils.parsedate_to_datetime(result.header("date") or "")
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None or said.tzinfo is None:
        return None
    return max(0.0, (when - said).total_seconds())


async def _follow(
    url: str, client: httpx.AsyncClient, options: FetchOptions, validators: Validators | None, resolve: Resolver
) -> FetchResult:
    import httpx

    current = url
    redirects: list[str] = []
    for _ in range(options.max_redirects + 1):
        hop = FetchResult(url, current, redirects=tuple(redirects))
        try:
            target = httpx.URL(current)
        except (httpx.InvalidURL, TypeError) as exc:
            return replace(hop, problem=f"invalid URL ({exc})")
        if target.scheme not in ("http", "https") or not target.host:
            return replace(hop, problem=f"only http and https URLs with a host can be fetched, not {_clip(current)}")
        routed = await _route(target, options, resolve)
        if isinstance(routed, str):
            return replace(hop, problem=routed)
        request_url, extra = routed
        headers = {"Accept": _ACCEPT, "Accept-Encoding": ACCEPT_ENCODING, **_conditional(validators), **extra}
        try:
            request = client.build_request("GET", request_url, headers=headers)
            async with _send(client, request) as response:
                location = response.headers.get("location")
                if response.status_code in _REDIRECTS and location:
                    try:
                        following = str(target.join(location.strip()))
                    except (httpx.InvalidURL, TypeError, ValueError) as exc:
                        return replace(hop, status=response.status_code, problem=f"invalid redirect ({exc})")
                    if following == current or following in redirects:
                        return replace(hop, status=response.status_code, problem=f"redirect loop at {_clip(following)}")
                    redirects.append(current)
                    current = following
                    continue
                return await _read(hop, response, options, has_validators=validators is not None)
        except httpx.TimeoutException as exc:
            return replace(hop, problem=f"timed out after {options.timeout:g} s ({_kind(exc)})", is_transient=True)
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            return replace(hop, problem=f"connection failed ({_describe(exc)})", is_transient=True)
        except httpx.HTTPError as exc:
            return replace(hop, problem=f"cannot fetch ({_describe(exc)})")
    return FetchResult(url, current, redirects=tuple(redirects), problem=f"too many redirects (more than {options.max_redirects})")


@contextlib.asynccontextmanager
async def _send(client: httpx.AsyncClient, request: httpx.Request) -> AsyncIterator[httpx.Response]:
    response = await client.send(request, stream=True)
    try:
        yield response
    finally:
        await response.aclose()


def _conditional(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None and _is_header_safe(validators.etag):
        headers["If-None-Match"] = str(validators.etag)
    if validators is not None and _is_header_safe(validators.last_modified):
        headers["If-Modified-Since"] = str(validators.last_modified)
    return headers


def _is_header_safe(value: str | None) -> bool:
    """Validators come from servers: send back only short printable ASCII."""
    return bool(value) and len(value or "") <= 512 and all(" " <= c <= "~" for c in value or "")


async def _route(target: httpx.URL, options: FetchOptions, resolve: Resolver) -> tuple[httpx.URL, dict[str, str]] | str:
    """Where to send a request for ``target``, or why not to."""
    if options.allow_private:
        return target, {}
    host = target.raw_host.decode("ascii")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]
    except ValueError:
        try:
            addresses = await resolve(host, target.port or (443 if target.scheme == "https" else 80))
        except (OSError, UnicodeError) as exc:
            return f"cannot resolve host {host} ({exc})"
    if not addresses:
        return f"cannot resolve host {host}"
    refused = next((a for a in addresses if not is_public_address(a)), None)
    if refused is not None:
        shown = host if refused == host else f"{host} ({refused})"
        return f"refused: {shown} is not a public address; pass --allow-private to audit it"
    if target.scheme == "https" or addresses[0] == host:
        return target, {}
    # Plain http: send the request to the address checked, naming the host in Host.
    netloc = target.netloc.decode("ascii")
    return target.copy_with(host=addresses[0]), {"Host": netloc}


async def _read(hop: FetchResult, response: httpx.Response, options: FetchOptions, *, has_validators: bool) -> FetchResult:
    status = response.status_code
    # As sent: names in their own case, values as latin-1 (RFC 9110).
    headers = tuple((name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers.raw)
    head = replace(hop, status=status, headers=headers)
    if status == 304:
        if has_validators:
            return replace(head, is_not_modified=True)
        return replace(head, problem="HTTP 304 Not Modified to a request that was not conditional")
    if not 200 <= status < 300:
        return replace(head, problem=f"HTTP {status} {response.reason_phrase}".rstrip(), is_transient=status in _RETRY_STATUSES)
    declared = response.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > options.max_bytes:
        return replace(head, problem=f"{too_large(options.max_bytes)} (Content-Length {int(declared)})")
    try:
        decoder = BodyDecoder(options.max_bytes, response.headers.get("content-encoding"))
        parts = [decoder.feed(chunk) async for chunk in response.aiter_raw()]
        parts.append(decoder.finish())
    except IngestError as exc:
        return replace(head, problem=exc.message)
    return replace(head, content=b"".join(parts))


def _kind(exc: httpx.TimeoutException) -> str:
    import httpx

    names = {httpx.ConnectTimeout: "connect", httpx.ReadTimeout: "read", httpx.WriteTimeout: "write", httpx.PoolTimeout: "pool"}
    return names.get(type(exc), "timeout")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _clip(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# many URLs ----------------------------------------------------------------------


def fetch_urls(
    urls: Sequence[str],
    options: FetchOptions,
    *,
    client: httpx.AsyncClient | None = None,
    validators: Mapping[str, Validators] | None = None,
    resolve: Resolver = resolve_host,
) -> Generator[FetchResult, None, None]:
    """Fetch ``urls``, ``options.concurrency`` at a time; yield one result per URL, in order.

    A client given is used and left open; without one, a client is made from
    ``options`` and closed at the end. Closing the iterator early cancels the
    fetches still under way.
    """
    if not urls:
        return
    runner = _Runner(urls, options, client, validators or {}, resolve)
    try:
        yield from runner.results()
    finally:
        runner.close()


_DONE = object()


@dataclass(slots=True)
class _Runner:
    """Runs the fetches on an event loop in a thread; hands results over through a bounded queue."""

    urls: Sequence[str]
    options: FetchOptions
    client: httpx.AsyncClient | None
    validators: Mapping[str, Validators]
    resolve: Resolver
    _queue: queue.Queue[object] = field(init=False)
    _closed: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _main: asyncio.Task[None] | None = field(default=None, init=False)
    _started: threading.Event = field(default_factory=threading.Event, init=False)
    _is_done: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self._queue = queue.Queue(maxsize=self._window)

    @property
    def _window(self) -> int:
        return max(2 * self.options.concurrency, 4)

    def results(self) -> Iterator[FetchResult]:
        self._thread = threading.Thread(target=self._run, name="provenance-fetch", daemon=True)
        self._thread.start()
        while True:
            try:
                item = self._queue.get(timeout=1.0)
            except queue.Empty:
                if not self._thread.is_alive():
                    raise RuntimeError("the fetch thread stopped without finishing") from None
                continue
            if item is _DONE:
                self._is_done = True
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, FetchResult)
            yield item

    def close(self) -> None:
        self._closed.set()
        if self._thread is None:
            return
        self._started.wait(timeout=5.0)
        # Stopped early: cancel what is under way. Done: let the client close its connections.
        if not self._is_done and self._loop is not None and self._main is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._main.cancel)
        self._thread.join(timeout=10.0)

    def _run(self) -> None:
        import asyncio

        try:
            asyncio.run(self._produce())
        except asyncio.CancelledError:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, who raises it
            self._put_now(exc)
        finally:
            self._started.set()

    async def _produce(self) -> None:
        import asyncio

        self._loop = asyncio.get_running_loop()
        self._main = asyncio.current_task()
        self._started.set()
        if self._closed.is_set():
            return
        slots = asyncio.Semaphore(self.options.concurrency)
        clients = [self.client] if self.client is not None else _make_clients(self.options)
        pending: deque[asyncio.Task[FetchResult]] = deque()
        try:
            for number, url in enumerate(self.urls):
                if self._closed.is_set():
                    return
                client = clients[number % len(clients)]
                pending.append(asyncio.create_task(self._one(url, client, slots)))
                if len(pending) >= self._window:
                    await self._deliver(await pending.popleft())
            while pending:
                await self._deliver(await pending.popleft())
            await self._deliver(_DONE)
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            if self.client is None:
                await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)

    async def _one(self, url: str, client: httpx.AsyncClient, slots: asyncio.Semaphore) -> FetchResult:
        async with slots:
            try:
                return await fetch_url(url, client, self.options, validators=self.validators.get(url), resolve=self.resolve)
            except Exception as exc:  # noqa: BLE001 - one bad URL must not stop the others
                return FetchResult(url, url, problem=f"internal error while fetching ({_describe(exc)})")

    async def _deliver(self, item: object) -> None:
        import asyncio

        while not self._closed.is_set():
            try:
                self._queue.put_nowait(item)
                return
            except queue.Full:
                await asyncio.sleep(0.005)

    def _put_now(self, item: object) -> None:
        with contextlib.suppress(queue.Full):
            self._queue.put(item, timeout=1.0)
