"""Write WARC files for the tests, by hand (WARC/1.0, one gzip member per record)."""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Sequence
from pathlib import Path

ARTICLE = (
    "<html><head><title>{title}</title><meta property='og:site_name' content='Harbour Daily'></head>"
    "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>"
    "<p>By Jane Roe | Harbour Daily | 2024-10-03 07:43</p>"
    "<p>The harbour festival opened on Saturday with a choir singing on the old quay, and more than "
    "{n} visitors came to hear it, the organisers said on Sunday evening.</p>"
    "<p>Stalls along the waterfront sold smoked fish, lanterns and books, and the ferry ran late into "
    "the night so that visitors from the islands could stay for the fireworks over the bay.</p>"
    "</article><footer>Copyright 2024 Harbour Daily</footer></body></html>"
)


def article(n: int, title: str | None = None) -> bytes:
    return ARTICLE.format(n=n, title=title or f"Harbour festival draws {n} visitors").encode()


def http_response(body: bytes, headers: Sequence[tuple[str, str]] = (("Content-Type", "text/html; charset=utf-8"),),
                  status: str = "200 OK") -> bytes:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body


def record(uri: str, block: bytes, *, kind: str = "response", content_type: str = "application/http; msgtype=response",
           date: str = "2024-10-03T07:43:00Z", record_id: str | None = None) -> bytes:
    rid = record_id or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri + kind + date)}"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <{rid}>\r\nWARC-Date: {date}\r\n"
        f"WARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def page_record(uri: str, body: bytes, **kwargs: str) -> bytes:
    return record(uri, http_response(body), **kwargs)


def write(path: Path, records: Sequence[bytes], *, compress: bool = True) -> Path:
    """Write records, each its own gzip member when ``compress``."""
    data = b"".join(gzip.compress(r, mtime=0) for r in records) if compress else b"".join(records)
    path.write_bytes(data)
    return path


def crawl(count: int, *, start: int = 0) -> list[bytes]:
    """A small crawl: for each page, a request record, the response, and a metadata record."""
    records: list[bytes] = []
    for i in range(start, start + count):
        uri = f"https://www.harbourdaily.example/news/{i}"
        records.append(record(uri, f"GET /news/{i} HTTP/1.1\r\nHost: www.harbourdaily.example\r\n\r\n".encode(),
                              kind="request", content_type="application/http; msgtype=request"))
        records.append(page_record(uri, article(1000 + i)))
        records.append(record(uri, b"fetchTimeMs: 120\r\n", kind="metadata", content_type="application/warc-fields"))
    return records


_WORDS = (
    "harbour council ferry minister budget school river bridge festival museum storm election court judge "
    "company market hospital teachers farmers rail station airport prices energy water police report "
    "village island fishermen tourists workers union strike harvest library concert theatre stadium club"
).split()


def distinct_article(n: int) -> bytes:
    """An article whose text shares little with the others: no copies between them."""
    import random

    rng = random.Random(n)
    paragraphs = "".join(
        "<p>" + " ".join(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "." for _ in range(4)) + "</p>"
        for _ in range(3)
    )
    title = " ".join(rng.choice(_WORDS) for _ in range(6)).capitalize()
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>By Jane Roe | 2024-10-03 07:43</p>{paragraphs}</article></body></html>").encode()
