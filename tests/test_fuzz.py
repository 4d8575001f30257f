"""Fuzzing the readers: whatever the bytes, a reader yields Documents and problems and never raises.

Bounded so that it runs in seconds; for a longer run set PROVENANCE_FUZZ_EXAMPLES, e.g.
``PROVENANCE_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance.errors import IngestError
from provenance.ingest.feeds import parse_feed
from provenance.ingest.httpbody import BodyDecoder, dechunk
from provenance.ingest.readers import IngestOptions, decode_bytes, read_inputs
from provenance.models import Document, InputProblem

from .warcfile import article, page_record

EXAMPLES = int(os.environ.get("PROVENANCE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
OPTIONS = IngestOptions(max_bytes=200_000)

#: Bytes that look like pages: fragments of HTML, text, JSON and binary, mixed.
FRAGMENTS = st.sampled_from([
    b"<html>", b"</html>", b"<body>", b"<p>", b"</p>", b"<div>" * 50, b"<script>", b"<!--", b"-->", b"<meta charset=latin-1>",
    b"<meta charset='utf-16'>", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xe9t\xe9", "é中文".encode(), b"&amp;", b"&#xFFFF;",
    b"\r\n", b"\n\n", b"The harbour festival opened on Saturday. ", b"By Jane Roe | 2024-10-03", b'{"text": ', b"]}", b"\\u0000",
])
PAGE_BYTES = st.one_of(st.binary(max_size=3000), st.lists(FRAGMENTS | st.binary(max_size=40), max_size=60).map(b"".join))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
RECORDS = st.dictionaries(
    st.sampled_from(["url", "title", "byline", "published", "site_name", "text", "html", "other"]), JSON_VALUES, max_size=7
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check(items: list[Document | InputProblem], path: Path) -> None:
    for item in items:
        assert isinstance(item, Document | InputProblem)
        assert item.location.startswith(str(path))
        if isinstance(item, Document):
            assert isinstance(item.content, str) and len(item.raw_sha256) == 64


@FUZZ
@given(data=PAGE_BYTES)
def test_decode_bytes_never_raises(data: bytes) -> None:
    decoded = decode_bytes(data, is_html=True, charset="utf-8")
    assert isinstance(decoded, str | tuple)


@FUZZ
@given(data=PAGE_BYTES, name=st.sampled_from(["page.txt", "page.html", "page.htm", "page.txt.gz", "page.html.gz", "page"]))
def test_text_and_html_readers_never_raise(folder: Path, data: bytes, name: str) -> None:
    path = folder / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    _check(list(read_inputs([str(path)], OPTIONS)), path)


@FUZZ
@given(lines=st.lists(RECORDS.map(lambda r: json.dumps(r).encode()) | PAGE_BYTES, max_size=12),
       compress=st.booleans(), cut=st.integers(min_value=0, max_value=50))
def test_json_lines_reader_never_raises(folder: Path, lines: list[bytes], compress: bool, cut: int) -> None:
    path = folder / ("records.jsonl.gz" if compress else "records.jsonl")
    data = b"\n".join(lines)
    data = gzip.compress(data) if compress else data
    path.write_bytes(data[: max(0, len(data) - cut)])
    _check(list(read_inputs([str(path)], OPTIONS)), path)


WARC = b"".join(gzip.compress(page_record(f"https://a.example/{i}", article(i)), mtime=0) for i in range(3))


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, len(WARC) - 1), st.integers(0, 255), st.sampled_from(["set", "cut", "insert"])),
                      max_size=6), compress=st.booleans())
def test_warc_reader_never_raises_on_damaged_archives(folder: Path, edits: list[tuple[int, int, str]], compress: bool) -> None:
    data = bytearray(WARC if compress else gzip.decompress(WARC))
    for position, value, how in edits:
        position %= max(1, len(data))
        if how == "set" and data:
            data[position] = value
        elif how == "cut":
            del data[position:]
        else:
            data[position:position] = bytes([value]) * 7
    path = folder / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(bytes(data))
    items = list(read_inputs([str(path)], OPTIONS))
    _check(items, path)
    assert items, "a WARC file always yields pages or a problem"


@FUZZ
@given(data=PAGE_BYTES | st.lists(st.sampled_from([b"<rss version='2.0'>", b"<channel>", b"<item>", b"<link>", b"http://a.example/x",
                                                    b"</link>", b"</item>", b"<title>", b"&bogus;", b"<![CDATA[", b"]]>",
                                                    b"<feed xmlns='http://www.w3.org/2005/Atom'>", b"<entry>", b"<link href='/y'/>"]),
                                   max_size=40).map(b"".join))
def test_feed_parser_never_raises(data: bytes) -> None:
    feed = parse_feed(data, "https://news.example/feed.xml")
    assert all(item.url.startswith(("http://", "https://")) for item in feed.items)


@FUZZ
@given(data=st.binary(max_size=2000), coding=st.sampled_from(["gzip", "deflate", "gzip, deflate", "identity", "br", None]))
def test_body_decoding_raises_only_ingest_errors(data: bytes, coding: str | None) -> None:
    with contextlib.suppress(IngestError):
        dechunk(data)
    with contextlib.suppress(IngestError):
        BodyDecoder(1000, coding).feed(data)


def test_a_ci_sized_slice_of_the_fuzzing_harness_finds_no_crash_and_no_input_over_budget(
        capsys: pytest.CaptureFixture[str]) -> None:
    """benchmarks/fuzz.py over every target: 1,500 inputs here; the full run is documented in benchmarks/README.md."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz_harness", Path(__file__).parents[1] / "benchmarks" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    harness = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = harness  # dataclasses look their module up
    spec.loader.exec_module(harness)
    status = harness.main(["--n", "1500", "--seed", "11", "--json"])
    figures = json.loads(capsys.readouterr().out)
    assert figures["inputs"] == 1500 and set(figures["targets"]) == set(harness.WEIGHTS)
    assert (figures["crashes"], figures["hangs"], figures["first_problems"]) == (0, 0, [])
    assert status == 0
