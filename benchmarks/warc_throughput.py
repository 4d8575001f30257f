"""WARC records per second and peak memory, on a WARC.gz generated in a temporary folder.

Writes a WARC.gz of ``--mb`` megabytes (default 1024) in the shape of Common
Crawl's news crawl: for each page a ``request``, a ``response`` and a
``metadata`` record, each record its own gzip member. The pages are
news-site HTML of about 60 KB (navigation, scripts, styles, an article of
6 to 14 paragraphs, related links, a footer), each with its own text drawn
from ``random.Random(--seed)``, so that no two are copies.

Then it measures, each in a subprocess whose peak resident memory
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is its own:

* ``read``: ``read_inputs`` over the whole file, every page decoded to a
  Document, nothing stored: the WARC reader alone;
* ``audit``: the ``provenance audit`` command on a WARC of ``--audit-mb``
  megabytes (default 32; the whole pipeline runs at tens of pages a second,
  so a gigabyte takes about twenty minutes; ``--audit-mb`` equal to ``--mb``
  audits the same file), into a fresh database.

Usage::

    python benchmarks/warc_throughput.py [--mb 1024] [--audit-mb 32] [--seed 1] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

WORDS = (
    "the minister said on tuesday that harbour port council agreement would expand trade talks between two countries "
    "officials meeting city residents police report water energy prices rose percent year government election vote "
    "campaign court judge ruling company shares market investors bank interest rates inflation school teachers "
    "students hospital doctors patients health weather storm flood rain river bridge road rail train station airport "
    "flights festival music crowd museum art exhibition fishermen island ferry budget union strike harvest farmers"
).split()

#: Runs argv[1:] and prints its wall time, CPU time, peak RSS and exit code as one JSON line.
LAUNCHER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.buffer.write(done.stderr[-2000:])
print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "maxrss_kb": usage.ru_maxrss,
                  "returncode": done.returncode, "stdout": done.stdout.decode()[-2000:]}))
"""

#: Reads every page of a WARC with read_inputs and prints how many Documents and problems.
READER = """\
import json, sys
from provenance.ingest.readers import read_inputs
from provenance.models import Document
docs = problems = 0
for item in read_inputs([sys.argv[1]]):
    if isinstance(item, Document):
        docs += 1
    else:
        problems += 1
print(json.dumps({"documents": docs, "problems": problems}))
"""


@dataclass(frozen=True, slots=True)
class Measure:
    what: str
    file_mb: float
    records: int
    pages: int
    wall_s: float
    cpu_s: float
    records_per_s: float
    pages_per_s: float
    peak_mb: float
    returncode: int


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 22))).capitalize() + "."


def page_html(rng: random.Random, n: int) -> bytes:
    title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize()
    day = 1 + n % 28
    nav = "".join(f'<li class="nav-item"><a href="/section/{w}">{w.title()}</a></li>' for w in rng.sample(WORDS, 14))
    paragraphs = "".join(f"<p>{' '.join(_sentence(rng) for _ in range(rng.randint(3, 6)))}</p>\n" for _ in range(rng.randint(6, 14)))
    related = "".join(
        f'<li><a href="/news/2024/10/{rng.randint(1, 10**6)}">{" ".join(rng.sample(WORDS, 8))}</a></li>' for _ in range(12)
    )
    script = "window.__CONFIG__=" + json.dumps({f"k{j}": f"{rng.getrandbits(48):x}" for j in range(400)}) + ";"
    bundle = "".join(
        f"var {rng.choice(WORDS)}_{rng.randint(0, 999)}=function(a,b){{return a.{rng.choice(WORDS)}(b,{rng.randint(0, 99)})}};"
        for _ in range(500)
    )
    style = "".join(
        f".{rng.choice(WORDS)}-{rng.randint(0, 99)}{{margin:{rng.randint(0, 24)}px;color:#{rng.getrandbits(24):06x}}}"
        for _ in range(300)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Harbour Daily</title>'
        f'<meta property="og:site_name" content="Harbour Daily"><meta name="author" content="Jane Roe">'
        f'<meta property="article:published_time" content="2024-10-{day:02d}T07:43:00Z">'
        f'<link rel="canonical" href="https://www.harbourdaily.example/news/2024/10/{n}">'
        f"<style>{style}</style><script>{script}</script><script>{bundle}</script></head><body>"
        f'<header><div class="masthead">Harbour Daily</div><nav><ul>{nav}</ul></nav></header>'
        f'<main><article class="article"><h1>{title}</h1><p class="byline">By Jane Roe | Harbour Daily | '
        f"2024-10-{day:02d} 07:43</p>{paragraphs}</article>"
        f'<aside><h2>Related</h2><ul>{related}</ul></aside></main>'
        f'<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>'
        f"<footer><p>Copyright 2024 Harbour Daily. All rights reserved.</p></footer></body></html>"
    ).encode()


def _record(kind: str, uri: str, block: bytes, content_type: str, rng: random.Random) -> bytes:
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}>\r\n"
        f"WARC-Date: 2024-10-03T07:43:00Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + block + b"\r\n\r\n", 6, mtime=0)


def write_warc(path: Path, megabytes: float, seed: int = 1) -> tuple[int, int]:
    """Write about ``megabytes`` MB of WARC.gz; return (records, pages)."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    size = records = pages = 0
    with path.open("wb") as out:
        while size < target:
            uri = f"https://www.harbourdaily.example/news/2024/10/{pages}"
            body = page_html(rng, pages)
            http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: nginx\r\n"
                    b"X-Crawler-Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
            request = f"GET /news/2024/10/{pages} HTTP/1.1\r\nHost: www.harbourdaily.example\r\n\r\n".encode()
            for data in (
                _record("request", uri, request, "application/http; msgtype=request", rng),
                _record("response", uri, http, "application/http; msgtype=response", rng),
                _record("metadata", uri, b"fetchTimeMs: 212\r\n", "application/warc-fields", rng),
            ):
                out.write(data)
                size += len(data)
                records += 1
            pages += 1
    return records, pages


def _launch(argv: list[str]) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], capture_output=True, text=True, check=False)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"launcher failed: {done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_read(path: Path, records: int, pages: int) -> Measure:
    run = _launch([sys.executable, "-c", READER, str(path)])
    counts = json.loads(str(run["stdout"]).strip().splitlines()[-1])
    return _measure("read", path, records, counts["documents"], run)


def measure_audit(path: Path, records: int, folder: Path) -> Measure:
    db = folder / "audit.db"
    command = Path(sys.executable).with_name("provenance")
    run = _launch([str(command), "audit", str(path), "--db", str(db), "--quiet"])
    with sqlite3.connect(db) as conn:
        stored = int(conn.execute("select count(*) from articles").fetchone()[0])
    return _measure("audit", path, records, stored, run)


def _measure(what: str, path: Path, records: int, pages: int, run: dict[str, object]) -> Measure:
    wall = float(str(run["wall_s"]))
    return Measure(
        what=what,
        file_mb=round(path.stat().st_size / 1024 / 1024, 1),
        records=records,
        pages=pages,
        wall_s=round(wall, 2),
        cpu_s=round(float(str(run["cpu_s"])), 2),
        records_per_s=round(records / wall, 1),
        pages_per_s=round(pages / wall, 1),
        peak_mb=round(int(str(run["maxrss_kb"])) / 1024, 1),
        returncode=int(str(run["returncode"])),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=1024, help="size of the WARC.gz read by the reader (default 1024)")
    parser.add_argument("--audit-mb", type=float, default=32, help="size of the WARC.gz given to `provenance audit` (0: skip)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the WARC files here and keep them")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="warc-throughput-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        results: list[Measure] = []
        started = time.perf_counter()
        big = folder / f"news-{args.mb:g}mb.warc.gz"
        records, pages = write_warc(big, args.mb, args.seed)
        generated = time.perf_counter() - started
        results.append(measure_read(big, records, pages))
        if args.audit_mb == args.mb:
            results.append(measure_audit(big, records, folder))
        elif args.audit_mb > 0:
            small = folder / f"news-{args.audit_mb:g}mb.warc.gz"
            small_records, _ = write_warc(small, args.audit_mb, args.seed)
            results.append(measure_audit(small, small_records, folder))
    if args.json:
        print(json.dumps({"generated_s": round(generated, 1), "results": [asdict(r) for r in results]}, indent=2))
    else:
        print(f"generated {records} records ({pages} pages) in {generated:.0f} s")
        for r in results:
            print(f"{r.what:>5}: {r.file_mb:8.1f} MB  {r.records:7d} records  {r.pages:6d} pages  {r.wall_s:8.1f} s"
                  f"  {r.records_per_s:8.1f} records/s  {r.pages_per_s:7.1f} pages/s  peak {r.peak_mb:6.1f} MB"
                  f"  exit {r.returncode}")
    return 0 if all(r.returncode in (0, 1) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
