"""WARC and WARC.gz archives, read record by record as a stream."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from typer.testing import CliRunner

from provenance.cli.app import app
from provenance.ingest.readers import IngestOptions, read_inputs, reader_for
from provenance.models import Document, InputProblem
from provenance.ingest.warc import ArchivedPage, read_warc

from . import warcfile
from .warcfile import article, crawl, http_response, page_record, record

runner = CliRunner()


def _items(path: Path, max_bytes: int = 25 * 1024 * 1024) -> list[Document | InputProblem]:
    return list(read_inputs([str(path)], IngestOptions(max_bytes=max_bytes)))


def _docs(items: list[Any]) -> list[Document]:
    return [i for i in items if isinstance(i, Document)]


def _problems(items: list[Any]) -> list[InputProblem]:
    return [i for i in items if isinstance(i, InputProblem)]


def test_pages_keep_their_target_uri_record_id_and_capture_date(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc.gz", crawl(3))
    docs = _items(path)
    assert all(isinstance(d, Document) for d in docs) and len(docs) == 3
    first = docs[0]
    assert isinstance(first, Document) and first.capture is not None
    assert first.location.startswith(f"{path}#urn:uuid:")
    assert first.location.endswith(first.capture.record_id or "?")
    assert first.hints.url == first.capture.url == "https://www.harbourdaily.example/news/0"
    assert (first.capture.via, first.capture.status, first.capture.captured_utc) == ("warc", 200, "2024-10-03T07:43:00+00:00")
    assert first.capture.header("content-type") == "text/html; charset=utf-8"
    assert first.kind == "html" and "1000 visitors" in first.content
    assert first.raw_sha256 == hashlib.sha256(article(1000)).hexdigest()


def test_only_pages_are_read_and_the_rest_of_a_crawl_is_passed_over(tmp_path: Path) -> None:
    site = "https://www.harbourdaily.example"
    records = [
        record(f"{site}/", b"software: test\r\n", kind="warcinfo", content_type="application/warc-fields"),
        page_record(f"{site}/a", article(1)),
        record(f"{site}/logo.png", http_response(b"\x89PNG\r\n", (("Content-Type", "image/png"),))),
        record(f"{site}/old", http_response(b"", (("Location", "/a"),), status="301 Moved Permanently")),
        record(f"{site}/gone", http_response(b"gone", status="404 Not Found")),
        record(f"{site}/robots.txt", http_response(b"User-agent: *\n", (("Content-Type", "text/plain"),))),
        record(f"{site}/a", b"", kind="revisit", content_type="application/http; msgtype=response"),
        record(f"{site}/b", article(2), kind="resource", content_type="text/html"),
    ]
    docs = _items(warcfile.write(tmp_path / "mixed.warc.gz", records))
    assert [d.hints.url for d in docs if isinstance(d, Document)] == [f"{site}/a", f"{site}/b"]
    assert len(docs) == 2


def test_transfer_and_content_codings_are_undone_and_the_header_charset_used(tmp_path: Path) -> None:
    body = article(7)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 50]), body[i : i + 50]) for i in range(0, len(body), 50)) + b"0\r\n\r\n"
    legacy = "<html><body><p>Les ministres se sont réunis à Genève pour négocier l'accord.</p></body></html>".encode("cp1252")
    records = [
        record("https://a.example/chunked", http_response(chunked, (("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")))),
        record("https://a.example/gzip", http_response(gzip.compress(body), (("Content-Type", "text/html"), ("Content-Encoding", "gzip")))),
        record("https://a.example/cp1252", http_response(legacy, (("Content-Type", "text/html; charset=windows-1252"),))),
    ]
    chunks, zipped, french = _items(warcfile.write(tmp_path / "codings.warc.gz", records))
    assert isinstance(chunks, Document) and isinstance(zipped, Document) and isinstance(french, Document)
    assert chunks.content == zipped.content == body.decode()
    assert "réunis à Genève" in french.content and french.encoding == "cp1252"


def test_plain_and_whole_file_gzip_archives_read_alike(tmp_path: Path) -> None:
    records = crawl(3)
    plain = warcfile.write(tmp_path / "crawl.warc", records, compress=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(b"".join(records)))
    contents = [[d.content for d in _docs(_items(p))] for p in (plain, whole)]
    assert contents[0] == contents[1] and len(contents[0]) == 3


def _pages(count: int) -> list[bytes]:
    return [page_record(f"https://a.example/{i}", article(i)) for i in range(count)]


def _members(records: list[bytes]) -> bytes:
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def _cut_in_last_member(records: list[bytes]) -> bytes:
    data = b"".join(gzip.compress(r, mtime=0) for r in records)
    return data[: len(data) - len(gzip.compress(records[-1], mtime=0)) // 2]


@pytest.mark.parametrize(
    ("name", "make", "pages", "problem"),
    [
        ("cut.warc.gz", lambda: _cut_in_last_member(_pages(4)), 3, "truncated gzip file: it ends inside a gzip member"),
        ("flipped.warc.gz", lambda: (lambda d: d[:-300] + bytes(b ^ 0x5A for b in d[-300:-200]) + d[-200:])(_members(_pages(4))),
         3, "corrupt gzip data"),
        ("text.warc.gz", lambda: gzip.compress(b"this is not a WARC file at all\n" * 20), 0, "not a WARC file"),
        ("fake.warc.gz", lambda: b"\x1f\x8b\x08\x00" + b"not gzip" * 10, 0, "corrupt gzip data"),
        ("plain.warc", lambda: b"<html><body>not a warc</body></html>", 0, "not a WARC file"),
        ("empty.warc", lambda: b"", 0, "empty WARC file"),
        ("cut.warc", lambda: b"".join(_pages(2))[:-200], 1, "incomplete record: the file ends"),
        ("cut-header.warc", lambda: (lambda r: b"".join(r[:-1]) + r[-1][:40])(_pages(3)), 2, "truncated or invalid WARC record header"),
    ],
)
def test_bad_archives_keep_the_pages_before_the_damage_and_say_what_is_wrong(
    tmp_path: Path, name: str, make: Any, pages: int, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    items = _items(path)
    assert len(_docs(items)) == pages
    problems = _problems(items)
    assert problems and problem in problems[-1].problem, problems


def test_a_bad_record_is_a_problem_of_its_own_and_the_next_records_are_read(tmp_path: Path) -> None:
    bad_gzip = http_response(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 30, (("Content-Type", "text/html"), ("Content-Encoding", "gzip")))
    records = [
        page_record("https://a.example/1", article(1)),
        record("https://a.example/bad", bad_gzip),
        record("https://a.example/no-http", b"garbage without an HTTP status line"),
        page_record("https://a.example/big", article(3) * 40),
        page_record("https://a.example/binary", bytes(range(256)) * 4),
        page_record("https://a.example/4", article(4)),
    ]
    items = _items(warcfile.write(tmp_path / "bad-records.warc.gz", records), max_bytes=20_000)
    assert [d.hints.url for d in _docs(items)] == ["https://a.example/1", "https://a.example/4"]
    problems = [p.problem for p in _problems(items)]
    assert [p.split(" (")[0].split(";")[0] for p in problems] == [
        "corrupt gzip content-encoding",
        "record has no HTTP response headers",
        "larger than the 0.0190735 MB limit",
        "binary data, not text or HTML",
    ]
    assert all("#urn:uuid:" in p.location for p in _problems(items))


@pytest.mark.parametrize("compress", [True, False])
def test_a_record_with_a_damaged_header_is_a_problem_and_a_sound_unknown_type_is_passed_over(
    tmp_path: Path, compress: bool
) -> None:
    def damaged(uri: str, n: int) -> bytes:
        # a bit flip in "WARC-Type: response" and a lost Record-ID line hide a page
        sound = page_record(uri, article(n))
        return sound.replace(b"WARC-Type: response", b"WARC-Type: respo\xeese").replace(b"WARC-Record-ID", b"WARC-Rec\x00rd-ID")

    records = [
        page_record("https://a.example/1", article(1)),
        damaged("https://a.example/2", 2),
        record("https://a.example/x", b"future: yes\r\n", kind="x-future-type", content_type="application/warc-fields"),
        page_record("https://a.example/3", article(3)),
        damaged("https://a.example/4", 4),
    ]
    path = warcfile.write(tmp_path / ("damaged.warc.gz" if compress else "damaged.warc"), records, compress=compress)
    items = _items(path)
    assert [d.hints.url for d in _docs(items)] == ["https://a.example/1", "https://a.example/3"]
    problems = _problems(items)
    second = len(records[0])  # offsets into the WARC data (as uncompressed)
    fourth = sum(map(len, records[:4]))
    assert [(p.location, p.problem.split(";")[0]) for p in problems] == [
        (f"{path}@{second}", "damaged WARC record at byte %d: no WARC-Record-ID (WARC-Type 'respo\ufffdse')" % second),
        (f"{path}@{fourth}", "damaged WARC record at byte %d: no WARC-Record-ID (WARC-Type 'respo\ufffdse')" % fourth),
    ]


def test_warc_files_are_found_in_directories() -> None:
    assert reader_for(Path("CC-NEWS-20241003.warc.gz")) == "warc"
    assert reader_for(Path("crawl.warc")) == "warc"


def test_read_warc_streams_one_record_at_a_time(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc.gz", crawl(50))
    pages = read_warc(path, 1_000_000)
    first = next(pages)
    assert isinstance(first, ArchivedPage) and first.target_uri.endswith("/news/0")
    assert sum(1 for _ in pages) == 49
    pages.close()


def test_the_audit_command_audits_a_warc_record_by_record(tmp_path: Path) -> None:
    path = warcfile.write(tmp_path / "crawl.warc.gz", crawl(3))
    db = tmp_path / "audit.db"
    result = runner.invoke(app, ["audit", str(path), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = list(sqlite_utils.Database(db).query("select location, url from articles order by id"))
    assert [r["url"] for r in rows] == [f"https://www.harbourdaily.example/news/{i}" for i in range(3)]
    assert all(r["location"].startswith(f"{path}#urn:uuid:") for r in rows)
    again = runner.invoke(app, ["audit", str(path), "--db", str(db), "--json"])
    assert again.exit_code == 0 and '"articles_known": 3' in again.output


def test_a_capture_date_that_leaves_the_calendar_in_utc_is_dropped_not_fatal(tmp_path: Path) -> None:
    records = [page_record("https://a.example/1", article(1), date="0001-01-01T00:00:00+14:00"),
               page_record("https://a.example/2", article(2), date="9999-12-31T23:59:59-10:00"),
               page_record("https://a.example/3", article(3))]
    docs = _docs(_items(warcfile.write(tmp_path / "crawl.warc.gz", records)))
    assert [d.capture.captured_utc if d.capture else "-" for d in docs] == [None, None, "2024-10-03T07:43:00+00:00"]


def test_a_huge_record_in_a_compressed_archive_ends_the_archive_instead_of_being_inflated(tmp_path: Path) -> None:
    bomb = record("https://a.example/bomb", http_response(b"\0" * (8 << 20)))
    path = warcfile.write(tmp_path / "crawl.warc.gz", [page_record("https://a.example/1", article(1)), bomb,
                                                        page_record("https://a.example/2", article(2))])
    items = _items(path, max_bytes=1 << 20)
    assert len(_docs(items)) == 1
    (problem,) = _problems(items)
    assert "in a compressed archive; the rest of the archive is not read (after 1 records)" in problem.problem
