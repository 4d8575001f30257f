"""URL fetches per second against a local server with latency.

Starts an asyncio HTTP/1.1 server on 127.0.0.1 (keep-alive, one news page of
about 30 KB per URL) that waits ``--latency`` seconds before each answer, as
a distant site would, and fetches ``--n`` distinct URLs from it with
:func:`provenance.ingest.fetch.fetch_urls` at each ``--concurrency`` given. Nothing
leaves the machine. For each concurrency it prints the wall time, fetches
per second, the most requests the server had in flight at once, and the
fetches that failed.

``--audit`` also runs ``provenance audit URL... --allow-private`` on the same
URLs (in a subprocess, into a fresh database) at the first concurrency given,
to show the whole pipeline's rate with fetching in it.

Usage::

    python benchmarks/fetch_throughput.py [--n 500] [--latency 0.1] [--concurrency 1 8 32 64] [--audit] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from provenance.ingest.fetch import FetchOptions, fetch_urls

WORDS = (
    "the minister said on tuesday that harbour port council agreement would expand trade talks between two countries "
    "officials meeting city residents police report water energy prices rose percent year government election vote "
    "campaign court judge ruling company shares market investors bank interest rates inflation school teachers "
    "students hospital doctors patients health weather storm flood rain river bridge road rail train station airport "
    "flights festival music crowd museum art exhibition fishermen island ferry budget union strike harvest farmers"
).split()


def page(n: int) -> bytes:
    """A news page of about 30 KB whose article is its own (no two pages are copies)."""
    rng = random.Random(n)
    sentences = (" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "." for _ in range(30))
    paragraphs = "".join(f"<p>{s}</p>" for s in sentences)
    scripts = "<script>" + "".join(f"var k{j}='{rng.getrandbits(64):x}';" for j in range(600)) + "</script>"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story {n} | Harbour Daily</title>{scripts}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Harbour story number {n}</h1>"
        f"<p>By Jane Roe | Harbour Daily | 2024-10-03 07:43</p>{paragraphs}</article>"
        "<footer>Copyright 2024 Harbour Daily</footer></body></html>"
    ).encode()


@dataclass(frozen=True, slots=True)
class Measure:
    what: str
    concurrency: int
    urls: int
    latency_s: float
    wall_s: float
    fetches_per_s: float
    max_in_flight: int
    failed: int


class Server:
    """An asyncio HTTP/1.1 server in a process of its own (not sharing the client's GIL):
    waits ``latency`` seconds, then answers a page."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.port = 0
        self.max_in_flight = 0
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child, latency), daemon=True)

    def __enter__(self) -> Server:
        self._process.start()
        self.port = int(self._conn.recv())
        return self

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        if self._conn.poll(10):
            self.max_in_flight = int(self._conn.recv())
        self._process.join(10)


def _serve(conn: Connection, latency: float) -> None:
    asyncio.run(_serve_async(conn, latency))


async def _serve_async(conn: Connection, latency: float) -> None:
    state = {"in_flight": 0, "max": 0}

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                state["in_flight"] += 1
                state["max"] = max(state["max"], state["in_flight"])
                await asyncio.sleep(latency)
                state["in_flight"] -= 1
                tail = path.rsplit("/", 1)[-1]
                body = page(int(tail) if tail.isdigit() else 0)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(client, "127.0.0.1", 0, backlog=1024)
    conn.send(server.sockets[0].getsockname()[1])
    async with server:
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    conn.send(state["max"])


def measure_fetch(urls: list[str], concurrency: int, latency: float) -> Measure:
    with Server(latency) as server:
        addressed = [f"http://127.0.0.1:{server.port}{u}" for u in urls]
        options = FetchOptions(allow_private=True, concurrency=concurrency, retries=0, timeout=30)
        started = time.perf_counter()
        failed = sum(1 for result in fetch_urls(addressed, options) if not result.is_ok)
        wall = time.perf_counter() - started
    return Measure("fetch", concurrency, len(urls), latency, round(wall, 2), round(len(urls) / wall, 1),
                   server.max_in_flight, failed)


def measure_audit(urls: list[str], concurrency: int, latency: float) -> Measure:
    command = Path(sys.executable).with_name("provenance")
    with Server(latency) as server, tempfile.TemporaryDirectory(prefix="fetch-throughput-") as temp:
        addressed = [f"http://127.0.0.1:{server.port}{u}" for u in urls]
        started = time.perf_counter()
        done = subprocess.run(
            [str(command), "audit", *addressed, "--db", str(Path(temp) / "audit.db"), "--allow-private",
             "--concurrency", str(concurrency), "--json"],
            capture_output=True, text=True, check=False,
        )
        wall = time.perf_counter() - started
        run = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"errors": len(urls)}
    return Measure("audit", concurrency, len(urls), latency, round(wall, 2), round(len(urls) / wall, 1),
                   server.max_in_flight, int(run.get("errors", 0)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="URLs to fetch (default 500)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the server waits before each answer")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument("--audit", action="store_true", help="also run `provenance audit` on the URLs")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    urls = [f"/news/{i}" for i in range(args.n)]
    results = [measure_fetch(urls, c, args.latency) for c in args.concurrency]
    if args.audit:
        results.append(measure_audit(urls, max(args.concurrency), args.latency))
    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        for r in results:
            print(f"{r.what:>5}: concurrency {r.concurrency:3d}  {r.urls} URLs  latency {r.latency_s:g} s  {r.wall_s:7.2f} s"
                  f"  {r.fetches_per_s:7.1f} fetches/s  max in flight {r.max_in_flight:3d}  failed {r.failed}")
    return 0 if all(r.failed == 0 for r in results if r.what == "fetch") else 1


if __name__ == "__main__":
    sys.exit(main())
