"""A real HTTP server on 127.0.0.1, in a thread, for the fetch, feed and robustness tests.

Routes map a path to a handler that writes the whole answer. Handlers for the
hostile cases (a server that hangs, one that drips a byte at a time, a page of
100 MB) stop as soon as the server shuts down, so no test waits on them.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[["RequestHandler"], None]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class LocalServer:
    """The server, its routes, and the requests it received."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


class RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        state = self.server.state
        with state.lock:
            state.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            handler = state.routes.get(self.path.split("?", 1)[0])
            if handler is None:
                respond(self, b"not found", status=404, content_type="text/plain")
            else:
                handler(self)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with state.lock:
                state.in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up: the tests make them on purpose


def serve() -> Iterator[LocalServer]:
    """Start a server on a free port of 127.0.0.1; stop it when the generator closes."""
    state = LocalServer()
    server = _Server(("127.0.0.1", 0), RequestHandler)
    server.state = state
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# handlers ---------------------------------------------------------------------------


def respond(
    handler: RequestHandler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type is not None:
        handler.send_header("Content-Type", content_type)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def page(
    body: bytes | str, *, status: int = 200, content_type: str | None = "text/html; charset=utf-8", **headers: str
) -> Handler:
    data = body.encode() if isinstance(body, str) else body
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    return lambda h: respond(h, data, status=status, content_type=content_type, headers=named)


def redirect(to: str, status: int = 302) -> Handler:
    return lambda h: respond(h, b"", status=status, content_type=None, headers={"Location": to})


def delayed(seconds: float, then: Handler) -> Handler:
    def handle(h: RequestHandler) -> None:
        h.server.state.stopping.wait(seconds)
        then(h)

    return handle


def hang(h: RequestHandler) -> None:
    """Accept the request and never answer."""
    h.server.state.stopping.wait(60)


def drip(h: RequestHandler) -> None:
    """Answer the headers, then one byte of body every 50 ms, for ever."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    while not h.server.state.stopping.wait(0.05):
        h.wfile.write(b"x")
        h.wfile.flush()


def huge(megabytes: int = 100, *, declare: bool = False) -> Handler:
    """A page of ``megabytes`` MB, made as it is sent, chunked unless ``declare``."""
    block = (b"<p>" + b"word " * 200 + b"</p>\n") * 100
    total = megabytes * 1024 * 1024

    def handle(h: RequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declare:
            h.send_header("Content-Length", str(total))
        else:
            h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        sent = 0
        while sent < total and not h.server.state.stopping.is_set():
            piece = block[: total - sent]
            h.wfile.write(piece if declare else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if not declare:
            h.wfile.write(b"0\r\n\r\n")

    return handle


def gzip_bomb(megabytes: int = 64) -> Handler:
    """A small gzip body that inflates to ``megabytes`` MB of zeros (made on the first request)."""
    made: list[bytes] = []

    def handle(h: RequestHandler) -> None:
        if not made:
            packer = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"\0" * (1024 * 1024)
            made.append(b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush())
        respond(h, made[0], content_type="text/html", headers={"Content-Encoding": "gzip"})

    return handle


def flaky(failures: int, status: int, then: Handler, **headers: str) -> Handler:
    """Fail ``failures`` times with ``status``, then answer with ``then``."""
    count = {"n": 0}

    def handle(h: RequestHandler) -> None:
        count["n"] += 1
        if count["n"] <= failures:
            page(b"busy", status=status, content_type="text/plain", **headers)(h)
        else:
            then(h)

    return handle


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
