"""Stage 1: read inputs into decoded Documents.

``read_inputs(paths)`` walks files and directories, fetches URLs and reads
WARC archives, and yields one :class:`Document` per article, or an
:class:`InputProblem` for every input that cannot be audited. It never raises
for a bad input: empty, binary, truncated, oversized or undecodable inputs,
and URLs that cannot be fetched, become problems that name the input, and the
walk goes on.

Readers by suffix (each may also end in ``.gz``):

    .txt .text          plain-text page dump    -> Document(kind="text")
    .html .htm .xhtml   HTML page               -> Document(kind="html")
    .jsonl .ndjson      one article per line    -> Document(kind="record" or "html")
    .warc               WARC archive            -> Document per captured page (provenance.warc)

``http://`` and ``https://`` inputs are fetched (provenance.fetch), several at
a time, each run of consecutive URLs together; the results keep the order of
the inputs. Pages from the network or an archive carry a :class:`Capture`:
the URL asked for, the final URL, the HTTP status and headers, and for an
archived page its capture date. The charset of the Content-Type header is
used to decode them.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, cast

from .fetch import FetchOptions, FetchResult, fetch_urls
from ..models import Capture, Document, InputKind, InputProblem, Metadata, Validators
from .warc import ArchivedPage, read_warc

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_MAX_BYTES",
    "IngestOptions",
    "ValidatorLookup",
    "decode_bytes",
    "input_units",
    "read_inputs",
    "reader_for",
]

ReaderKind = Literal["text", "html", "jsonl", "warc"]
#: url -> what the database knows of its last version, for a conditional request
ValidatorLookup = Callable[[str], Validators | None]

_SUFFIXES: dict[str, ReaderKind] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
}
_URL_SCHEMES = ("http://", "https://")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_UNLABELLED_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "unknown/unknown"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_RECORD_FIELDS = ("url", "title", "byline", "published", "site_name")


DEFAULT_MAX_BYTES = 25 * 1024 * 1024
#: In a compressed JSON Lines file, an over-long line is skipped through at most this many times
#: ``max_bytes`` of inflated data; past that the rest of the file is not read.
_MAX_SKIP_FACTOR = 4


@dataclass(frozen=True, slots=True)
class IngestOptions:
    #: Largest page (after decompression) that is read; larger inputs are refused.
    max_bytes: int = DEFAULT_MAX_BYTES
    #: How URLs are fetched (its max_bytes is replaced by the one above).
    fetch: FetchOptions = field(default_factory=FetchOptions)


def reader_for(path: Path) -> ReaderKind | None:
    """The reader for a path, from its suffixes (``page.html.gz`` -> ``html``)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return _SUFFIXES.get(suffixes[-1]) if suffixes else None


def read_inputs(
    paths: Iterable[str],
    options: IngestOptions | None = None,
    *,
    client: httpx.AsyncClient | None = None,
    validators: ValidatorLookup | None = None,
) -> Iterator[Document | InputProblem]:
    """Yield a Document for each article found under ``paths``, in a stable order.

    URLs are fetched with ``client`` (default: one made from ``options.fetch``);
    ``validators`` gives the ETag and Last-Modified of a URL already audited,
    to ask for it conditionally.
    """
    options = options or IngestOptions()
    urls: list[str] = []
    for given in paths:
        if given[:8].lower().startswith(_URL_SCHEMES):
            urls.append(given)
            continue
        if urls:
            yield from _read_urls(urls, options, client, validators)
            urls = []
        yield from _guarded(given, _read_path(given, options))
    if urls:
        yield from _read_urls(urls, options, client, validators)


def input_units(paths: Iterable[str]) -> list[str]:
    """The inputs one by one, as ``read_inputs`` reads them and in its order: a directory becomes the
    files it would read, a URL or another URI (``hdfs://``, ``s3a://``) stays as it is.

    Reading each unit with ``read_inputs([unit])`` gives the documents that
    reading all of them at once gives: a batch engine hands one unit to each task.
    """
    units: list[str] = []
    for given in paths:
        path = Path(given)
        if "://" not in given and path.is_dir():
            units.extend(str(file) for file in _walk(path) if reader_for(file) is not None)
        else:
            units.append(given)
    return units


def _guarded(given: str, items: Iterator[Document | InputProblem]) -> Iterator[Document | InputProblem]:
    """The items of one input; whatever a reader raises becomes a problem of that input, and the walk goes on."""
    try:
        yield from items
    except Exception as exc:  # noqa: BLE001 - one bad input must not stop the run
        yield InputProblem(given, f"internal error while reading ({_describe(exc)})")


def _read_path(given: str, options: IngestOptions) -> Iterator[Document | InputProblem]:
    # An input is known by its absolute location (and its bytes' hash), whatever the working directory.
    path = Path(os.path.abspath(given))
    if path.is_dir():
        for file in _walk(path):
            kind = reader_for(file)
            if kind is not None:
                yield from _read_file(file, kind, options)
    elif path.is_file():
        yield from _read_file(path, reader_for(path) or _sniff(path), options)
    elif path.exists():
        yield InputProblem(given, "not a regular file or directory")
    else:
        yield InputProblem(given, "no such file or directory")


def _read_urls(
    urls: list[str], options: IngestOptions, client: httpx.AsyncClient | None, validators: ValidatorLookup | None
) -> Iterator[Document | InputProblem]:
    # Looked up here, in the caller's thread: the database is not the fetch thread's.
    known = {url: found for url in urls if validators is not None and (found := validators(url)) is not None}
    fetch_options = replace(options.fetch, max_bytes=options.max_bytes)
    for result in fetch_urls(urls, fetch_options, client=client, validators=known):
        yield _fetched(result, known.get(result.url))


def _fetched(result: FetchResult, validators: Validators | None) -> Document | InputProblem:
    if result.problem is not None:
        return InputProblem(result.url, result.problem)
    capture = Capture(
        result.url, result.final_url, result.status or 0, result.headers, "http",
        redirects=result.redirects, is_not_modified=result.is_not_modified,
    )
    hints = Metadata(url=result.final_url)
    if result.is_not_modified and validators is not None:
        # 304: the bytes are those of the version stored, which the pipeline recognises by hash.
        return Document(result.url, "html", "", validators.raw_sha256, hints, capture=capture)
    return _http_document(result.url, result.content, result.content_type, result.charset, hints, capture)


def _archived(page: ArchivedPage) -> Document | InputProblem:
    capture = Capture(
        page.target_uri, page.target_uri, page.status, page.headers, "warc",
        captured_utc=page.captured_utc, record_id=page.record_id,
    )
    hints = Metadata(url=page.target_uri)
    return _http_document(page.location, page.content, page.content_type, page.charset, hints, capture)


def _http_document(
    location: str, data: bytes, media_type: str | None, charset: str | None, hints: Metadata, capture: Capture
) -> Document | InputProblem:
    """A page served over HTTP: its kind from the Content-Type, else from its first bytes."""
    kind: ReaderKind
    if media_type in _HTML_TYPES:
        kind = "html"
    elif media_type == "text/plain" or media_type is None or media_type in _UNLABELLED_TYPES:
        kind = "html" if _looks_html(data[:512]) else "text"
    else:
        return InputProblem(location, f"not an HTML or text page (Content-Type {media_type})")
    return _document(location, kind, data, hints, charset=charset, capture=capture, empty="empty page")


def _walk(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def _sniff(path: Path) -> ReaderKind:
    try:
        with _open(path) as handle:
            head = handle.read(512)
    except (OSError, EOFError, zlib.error):
        return "text"
    return "html" if _looks_html(head) else "text"


def _looks_html(head: bytes) -> bool:
    return head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<head"))


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _read_file(path: Path, kind: ReaderKind, options: IngestOptions) -> Iterator[Document | InputProblem]:
    location = str(path)
    if kind == "jsonl":
        yield from _read_jsonl(path, options)
        return
    if kind == "warc":
        for item in read_warc(path, options.max_bytes):
            yield _archived(item) if isinstance(item, ArchivedPage) else item
        return
    try:
        with _open(path) as handle:
            data = handle.read(options.max_bytes + 1)
    except EOFError as exc:
        yield InputProblem(location, f"truncated gzip file ({exc})")
        return
    except (OSError, zlib.error) as exc:
        yield InputProblem(location, _os_problem(exc))
        return
    if len(data) > options.max_bytes:
        yield InputProblem(location, f"larger than the {_mb(options.max_bytes)} limit; raise --max-bytes to audit it")
        return
    yield _document(location, kind, data, Metadata())


def _read_jsonl(path: Path, options: IngestOptions) -> Iterator[Document | InputProblem]:
    location = str(path)
    count = 0
    try:
        with _open(path) as handle:
            skip = _MAX_SKIP_FACTOR * options.max_bytes if path.suffix.lower() == ".gz" else None
            for number, line in enumerate(_lines(handle, options.max_bytes, skip), start=1):
                if isinstance(line, int):
                    yield InputProblem(f"{location}:{number}", f"line longer than the {_mb(line)} limit")
                    continue
                if line is None:
                    yield InputProblem(
                        f"{location}:{number}",
                        f"line longer than {_mb(skip or 0)} of decompressed data; the rest of the compressed file is not read",
                    )
                    return
                if not line.strip():
                    continue
                count += 1
                try:
                    yield _record(f"{location}:{number}", line)
                except Exception as exc:  # noqa: BLE001 - one bad record must not stop the file
                    yield InputProblem(f"{location}:{number}", f"internal error while reading the record ({_describe(exc)})")
    except EOFError as exc:
        yield InputProblem(location, f"truncated gzip file after {count} records ({exc})")
        return
    except (OSError, zlib.error) as exc:
        yield InputProblem(location, _os_problem(exc))
        return
    if count == 0:
        yield InputProblem(location, "empty file: no JSON Lines records")


def _lines(handle: IO[bytes], limit: int, skip: int | None = None) -> Iterator[bytes | int | None]:
    """Lines of a stream; an over-long line is skipped and reported as the limit.

    With ``skip``, a line longer than ``skip`` bytes is not skipped to its end
    but ends the stream (None): in a compressed file, finding the next line
    means inflating the whole of it, which a compression bomb makes endless.
    """
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            skipped = len(line)
            while line and not line.endswith(b"\n"):
                if skip is not None and skipped > skip:
                    yield None
                    return
                line = handle.readline(limit + 1)
                skipped += len(line)
            yield limit
            continue
        yield line


def _record(location: str, line: bytes) -> Document | InputProblem:
    try:
        record = json.loads(line)
    except RecursionError:
        return InputProblem(location, "record nested too deeply (arrays or objects inside one another past the parser's limit)")
    except UnicodeDecodeError:
        return InputProblem(location, "record is not valid UTF-8")
    except json.JSONDecodeError as exc:
        return InputProblem(location, f"invalid JSON: {exc.msg} at column {exc.colno}")
    if not isinstance(record, dict):
        return InputProblem(location, f"expected a JSON object, got {type(record).__name__}")
    hints: dict[str, str | None] = {}
    for name in _RECORD_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return InputProblem(location, f"field {name!r} must be a string, got {type(value).__name__}")
        hints[name] = (value.strip() or None) if isinstance(value, str) else None
    kind: InputKind
    for name, kind in (("html", "html"), ("text", "record")):
        body = record.get(name)
        if body is None:
            continue
        if not isinstance(body, str):
            return InputProblem(location, f"field {name!r} must be a string, got {type(body).__name__}")
        if not body.strip():
            return InputProblem(location, f"field {name!r} is empty")
        digest = hashlib.sha256(line.strip()).hexdigest()
        return Document(location, kind, body, digest, Metadata(**hints))
    return InputProblem(location, "record has neither 'text' nor 'html'")


def _document(
    location: str,
    kind: ReaderKind,
    data: bytes,
    hints: Metadata,
    *,
    charset: str | None = None,
    capture: Capture | None = None,
    empty: str = "empty file",
) -> Document | InputProblem:
    if not data.strip():
        return InputProblem(location, empty)
    decoded = decode_bytes(data, is_html=kind == "html", charset=charset)
    if isinstance(decoded, str):
        return InputProblem(location, decoded)
    text, encoding, notes = decoded
    doc_kind: InputKind = "html" if kind == "html" else "text"
    digest = hashlib.sha256(data).hexdigest()
    return Document(location, doc_kind, text, digest, hints, encoding, notes, capture)


def decode_bytes(
    data: bytes, *, is_html: bool = False, charset: str | None = None
) -> tuple[str, str, tuple[str, ...]] | str:
    """Decode page bytes to text.

    Returns ``(text, encoding, notes)``, or a problem string when the data is
    binary. Notes say when the input was not clean UTF-8, so that the caller
    can record it. ``charset`` is the one an HTTP Content-Type header
    declares: after a byte-order mark and valid UTF-8, it wins over a
    ``<meta charset>`` of the page.
    """
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name, ()
            except UnicodeDecodeError:
                break
    if _is_binary(data):
        return "binary data, not text or HTML"
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    declared = _codec_name(charset) or (_declared_charset(data) if is_html else None)
    if declared and declared.replace("-", "").replace("_", "") not in ("utf8",):
        try:
            return data.decode(declared), declared, (f"not UTF-8; decoded as declared charset {declared}",)
        except (LookupError, UnicodeDecodeError):
            pass
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte >= bad:
        return text, "utf-8", (f"invalid UTF-8: {bad} bad byte sequence(s) replaced, the first at byte {first_bad}",)
    guess = _guess_charset(data)
    return data.decode(guess, errors="replace"), guess, (f"not UTF-8; decoded as {guess} (detected)",)


def _is_binary(data: bytes) -> bool:
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    return _codec_name(match.group(1).decode("ascii", "ignore"))


def _codec_name(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _guess_charset(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding.lower().replace("_", "-") in ("utf-8", "ascii"):
        return "cp1252"
    return str(best.encoding)


def _os_problem(exc: BaseException) -> str:
    if isinstance(exc, gzip.BadGzipFile):
        return f"not a valid gzip file ({exc})"
    if isinstance(exc, zlib.error):
        return f"corrupt gzip data ({exc})"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot read: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _mb(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"
