from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from provenance.ingest.readers import IngestOptions, decode_bytes, read_inputs
from provenance.models import Document, InputProblem

BODY = "The harbour festival opened on Saturday with a choir singing on the old quay.\n"


def _read(*paths: Path, **options: int) -> list[Document | InputProblem]:
    return list(read_inputs([str(p) for p in paths], IngestOptions(**options)))


def test_directories_are_walked_in_order_and_unknown_files_skipped(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "page.html").write_text(f"<html><body><p>{BODY}</p></body></html>")
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "notes.md").write_text("# not an article")
    (tmp_path / ".hidden.txt").write_text(BODY)
    with gzip.open(tmp_path / "c.html.gz", "wt") as handle:
        handle.write(f"<p>{BODY}</p>")
    items = _read(tmp_path)
    assert [(Path(i.location).name, i.kind) for i in items if isinstance(i, Document)] == [
        ("a.txt", "text"),
        ("c.html.gz", "html"),
        ("page.html", "html"),
    ]
    assert all(i.location.startswith(str(tmp_path)) for i in items)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.html", b"  \n\n ", "empty file"),
        ("binary.txt", bytes(range(256)) * 8, "binary data"),
        ("image.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "binary data"),
        ("broken.html.gz", gzip.compress(b"<p>" + BODY.encode() * 50)[:-30], "truncated gzip"),
        ("fake.txt.gz", b"this is not gzip at all", "not a valid gzip file"),
    ],
)
def test_bad_files_become_problems_naming_the_input(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    (item,) = _read(path)
    assert isinstance(item, InputProblem)
    assert item.location == str(path)
    assert problem in item.problem


def test_huge_files_are_refused_without_reading_them_whole(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(BODY * 2000)
    (item,) = _read(path, max_bytes=10_000)
    assert isinstance(item, InputProblem)
    assert "larger than" in item.problem and "--max-bytes" in item.problem


def test_missing_path_and_url_are_problems() -> None:
    # A loopback URL is refused before any connection is made (see test_fetch.py).
    items = list(read_inputs(["/no/such/file.txt", "http://127.0.0.1:9/story"]))
    assert [type(i) for i in items] == [InputProblem, InputProblem]
    assert "no such file" in items[0].problem  # type: ignore[union-attr]
    assert "not a public address" in items[1].problem  # type: ignore[union-attr]


def test_invalid_utf8_is_repaired_and_noted() -> None:
    data = "Fran\u00e7ais menu. ".encode() + b"caf\xe9 " + "naïve text follows here.".encode()
    text, encoding, notes = decode_bytes(data)  # type: ignore[misc]
    assert encoding == "utf-8"
    assert "Français" in text and "\ufffd" in text
    assert "invalid UTF-8" in notes[0] and "byte 19" in notes[0]


def test_legacy_encoding_is_detected_and_noted() -> None:
    data = ("Les ministres se sont réunis à Genève pour négocier l'accord portuaire. " * 5).encode("cp1252")
    text, encoding, notes = decode_bytes(data)  # type: ignore[misc]
    assert "réunis à Genève" in text
    assert encoding != "utf-8"
    assert "not UTF-8" in notes[0]


def test_declared_html_charset_is_used() -> None:
    data = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'.encode("cp1251")
    text, encoding, notes = decode_bytes(data, is_html=True)  # type: ignore[misc]
    assert "Привет, мир" in text
    assert encoding == "cp1251"


def test_utf16_with_bom_is_read() -> None:
    text, encoding, notes = decode_bytes("\ufeffHarbour news".encode("utf-16"))  # type: ignore[misc]
    assert text.strip("\ufeff") == "Harbour news" and notes == ()


def test_jsonl_records_and_their_problems(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    lines = [
        json.dumps({"url": "https://a.example.com/1", "title": "One", "byline": "Ana", "published": "2024-10-02", "text": BODY}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"url": "https://a.example.com/2", "title": "No body"}),
        json.dumps({"url": "https://a.example.com/3", "html": f"<p>{BODY}</p>"}),
        json.dumps({"title": 7, "text": BODY}),
        json.dumps({"text": "   "}),
    ]
    path.write_text("\n".join(lines) + "\n")
    items = _read(path)
    assert [i.location.rsplit(":", 1)[1] for i in items] == ["1", "3", "4", "5", "6", "7", "8"]
    first, bad_json, a_list, no_body, html, bad_type, empty = items
    assert isinstance(first, Document) and first.kind == "record"
    assert (first.hints.url, first.hints.title, first.hints.byline, first.hints.published) == (
        "https://a.example.com/1", "One", "Ana", "2024-10-02")
    assert isinstance(html, Document) and html.kind == "html"
    assert "invalid JSON" in bad_json.problem  # type: ignore[union-attr]
    assert "expected a JSON object" in a_list.problem  # type: ignore[union-attr]
    assert "neither 'text' nor 'html'" in no_body.problem  # type: ignore[union-attr]
    assert "'title' must be a string" in bad_type.problem  # type: ignore[union-attr]
    assert "'text' is empty" in empty.problem  # type: ignore[union-attr]


def test_jsonl_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    record = json.dumps({"url": "https://a.example.com/x", "text": BODY * 3}) + "\n"
    blob = gzip.compress((record * 200).encode())
    path = tmp_path / "export.jsonl.gz"
    path.write_bytes(blob[: len(blob) // 2])
    items = _read(path)
    assert isinstance(items[-1], InputProblem) and "truncated gzip" in items[-1].problem
    assert sum(isinstance(i, Document) for i in items) > 0


def test_jsonl_overlong_line_is_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"text": "x" * 5000}) + "\n" + json.dumps({"text": BODY}) + "\n")
    first, second = _read(path, max_bytes=1000)
    assert isinstance(first, InputProblem) and "longer than" in first.problem
    assert isinstance(second, Document) and second.location.endswith(":2")


def test_same_bytes_give_the_same_hash_and_other_bytes_another(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b.txt").write_text(BODY)
    (tmp_path / "c.txt").write_text(BODY + "More.\n")
    a, b, c = _read(tmp_path)
    assert isinstance(a, Document) and isinstance(b, Document) and isinstance(c, Document)
    assert a.raw_sha256 == b.raw_sha256 != c.raw_sha256


def test_a_record_nested_100k_levels_deep_is_a_problem_and_its_neighbours_are_read(tmp_path: Path) -> None:
    good = json.dumps({"url": "https://a.example/1", "text": BODY})
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "records.jsonl"
    path.write_text(f"{good}\n{deep}\n{good.replace('/1', '/2')}\n", encoding="utf-8")
    items = _read(path)
    assert [i.location for i in items if isinstance(i, Document)] == [f"{path}:1", f"{path}:3"]
    (problem,) = [i for i in items if isinstance(i, InputProblem)]
    assert problem.location == f"{path}:2" and "nested too deeply" in problem.problem


def test_an_over_long_line_in_a_compressed_file_is_not_inflated_to_its_end(tmp_path: Path) -> None:
    path = tmp_path / "bomb.jsonl.gz"
    good = json.dumps({"url": "https://a.example/1", "text": BODY}).encode()
    with gzip.open(path, "wb") as handle:
        handle.write(good + b"\n")
        for _ in range(64):  # 64 MB of one line, far past 4 x the limit
            handle.write(b"a" * (1 << 20))
        handle.write(b"\n" + good + b"\n")
    items = _read(path, max_bytes=100_000)
    assert isinstance(items[0], Document)
    assert isinstance(items[1], InputProblem) and "the rest of the compressed file is not read" in items[1].problem
    assert len(items) == 2
