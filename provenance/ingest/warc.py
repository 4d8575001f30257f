"""Stage 1, archive half: WARC files -> the pages they captured, record by record.

``read_warc(path, max_bytes)`` yields an :class:`ArchivedPage` for every page
captured in a WARC or WARC.gz file, and an :class:`InputProblem` for every
record, or the rest of a file, that cannot be read. The file is read as a
stream, one record at a time, so a crawl of many gigabytes (Common Crawl's
news crawl: about a gigabyte of gzip per file) never sits in memory.

Pages are ``response`` records with a 2xx HTTP status and ``resource``
records, whose media type is HTML, XHTML or plain text (or not given).
Everything else in a crawl is skipped without a word: ``warcinfo``,
``request``, ``metadata`` and ``revisit`` records, records of types not yet
standardised, redirects and errors, images, scripts, ``robots.txt``. A record
whose header lacks a mandatory field (a damaged ``WARC-Type`` hides a page) is
a problem located by its byte offset, ``<path>@<offset>``.

Each page keeps its ``WARC-Target-URI``, ``WARC-Record-ID`` and capture date
(``WARC-Date``), its HTTP status and headers; its location is
``<path>#<record id>``. The chunked transfer coding and gzip or deflate
content codings are undone within ``max_bytes``.

Gzip is undone here, member by member (one per record as WARC writers and
Common Crawl write it, or one for the whole file), so that a file cut short
or corrupt is a problem that says after how many records, never a silent
end; FastWARC parses the records.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from ..errors import IngestError
from .httpbody import BodyDecoder, dechunk, too_large
from ..models import InputProblem

__all__ = ["ArchivedPage", "read_warc"]

_PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
_RECORD_TYPES = WarcRecordType.response | WarcRecordType.resource
_MAX_HEADER = 256 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """A page captured in a WARC record, its content decoded to the bytes the server meant."""

    location: str
    target_uri: str
    record_id: str
    captured_utc: str | None
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    content_type: str | None
    charset: str | None


#: A record larger than this many times max_bytes ends the reading of a compressed archive.
_MAX_SKIP_FACTOR = 4


class _Skip:
    """A record that is not a page: passed over without a word."""


_SKIP = _Skip()


class _Stop(Exception):
    """The rest of the file cannot be read."""


def read_warc(path: Path, max_bytes: int) -> Generator[ArchivedPage | InputProblem, None, None]:
    """Yield the pages of a WARC file, and a problem for each record or file that cannot be read."""
    name = str(path)
    records = pages = problems = 0
    gzip: _GzipMembers | None = None
    try:
        stream, gzip = _open(path)
        with stream:
            for record in ArchiveIterator(
                stream, record_types=WarcRecordType.any_type, parse_http=True, stream_detect=False,
                max_header_len=_MAX_HEADER,
            ):
                if not record.record_type & _RECORD_TYPES:
                    damage = _damaged(record)
                    if damage:
                        problems += 1
                        yield InputProblem(f"{name}@{record.stream_pos}", damage)
                    continue
                records += 1
                if gzip is not None and record.content_length > _MAX_SKIP_FACTOR * max_bytes:
                    # Skipping it would mean inflating all of it: a compression bomb costs nothing more than this.
                    yield InputProblem(name, f"a record of {record.content_length} bytes, more than {_MAX_SKIP_FACTOR} times"
                                             f" the {max_bytes / (1024 * 1024):g} MB limit, in a compressed archive; the"
                                             f" rest of the archive is not read (after {records - 1} records)")
                    return
                item = _page(record, name, max_bytes)
                if isinstance(item, _Skip):
                    continue
                pages += isinstance(item, ArchivedPage)
                problems += isinstance(item, InputProblem)
                yield item
    except _Stop as exc:
        yield InputProblem(name, _gzip_problem(gzip, records - 1) or f"{exc} (after {records - 1} records)")
        return
    except OSError as exc:
        if gzip is not None and gzip.problem:
            yield InputProblem(name, _gzip_problem(gzip, records) or "")
            return
        yield InputProblem(name, _os_problem(exc, records))
        return
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":  # the Rust parser failed
            raise
        yield InputProblem(name, f"the WARC parser failed after {records} records ({exc})")
        return
    if gzip is not None and gzip.problem:
        yield InputProblem(name, _gzip_problem(gzip, records) or "")
    elif records == 0:
        yield InputProblem(name, "empty WARC file: no records")
    elif pages == 0 and problems == 0:
        yield InputProblem(name, f"no HTML or text pages in the WARC file ({records} response or resource records)")


def _damaged(record: WarcRecord) -> str | None:
    """Why a record that is not a page is damaged, or None for a sound record of another type.

    A record of a type this reader does not know is passed over, as the WARC
    standard asks, when its header is whole; one without the mandatory
    ``WARC-Type``, ``WARC-Record-ID`` or ``Content-Length`` is damage (a
    corrupted ``WARC-Type: respo`` hides a page), said with the byte offset
    where it starts.
    """
    if record.record_type not in (WarcRecordType.unknown, WarcRecordType.no_type):
        return None
    headers = record.headers
    missing = [field for field in ("WARC-Type", "WARC-Record-ID", "Content-Length") if not (headers.get(field) or "").strip()]
    if not missing:
        return None
    kind = (headers.get("WARC-Type") or "").strip()
    return (f"damaged WARC record at byte {record.stream_pos}: no {', '.join(missing)}"
            + (f" (WARC-Type {kind!r})" if kind else "") + "; skipped, the records after it are read")


def _gzip_problem(gzip: _GzipMembers | None, records: int) -> str | None:
    if gzip is None or gzip.problem is None:
        return None
    return f"{gzip.problem}, after {records} records"


def _os_problem(exc: OSError, records: int) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError | IsADirectoryError):
        return f"cannot read: {exc.strerror or exc}"
    if records == 0:
        return f"not a WARC file ({exc})"
    return f"invalid WARC data after {records} records ({exc})"


def _page(record: WarcRecord, name: str, max_bytes: int) -> ArchivedPage | InputProblem | _Skip:
    headers = record.headers
    record_id = (headers.get("WARC-Record-ID") or "").strip().strip("<>")
    if not record_id or headers.get("Content-Length") is None:
        raise _Stop("truncated or invalid WARC record header")
    location = f"{name}#{record_id}"
    target = (headers.get("WARC-Target-URI") or "").strip().strip("<>")
    if not target:
        return InputProblem(location, "record has no WARC-Target-URI")
    if target.lower().endswith("/robots.txt"):
        return _SKIP
    if record.record_type == WarcRecordType.response:
        http = record.http_headers
        status = http.status_code if http is not None else None
        if http is None or status is None:
            return InputProblem(location, "record has no HTTP response headers (cut short, or not an HTTP response)")
        if not 200 <= status < 300:
            return _SKIP
        http_headers = tuple(http.astuples())
    else:
        status, http_headers = 200, (("Content-Type", headers.get("Content-Type") or ""),)
    content_type, charset = _media_type(http_headers)
    if content_type is not None and content_type not in _PAGE_TYPES:
        return _SKIP
    content = _payload(record, http_headers, max_bytes)
    if isinstance(content, str):
        return InputProblem(location, content)
    captured = _iso(headers.get("WARC-Date"))
    return ArchivedPage(location, target, record_id, captured, status, http_headers, content, content_type, charset)


def _payload(record: WarcRecord, headers: tuple[tuple[str, str], ...], max_bytes: int) -> bytes | str:
    """The decoded payload, or the problem with it."""
    data = record.reader.read(max_bytes + 1)
    if len(data) > max_bytes:
        return too_large(max_bytes)
    if len(data) < record.content_length:
        return f"incomplete record: the file ends {len(data)} bytes into a {record.content_length}-byte payload"
    fields = {key.lower(): value for key, value in headers}
    try:
        if "chunked" in fields.get("transfer-encoding", "").lower():
            data = _dechunked(data)
        decoder = BodyDecoder(max_bytes, fields.get("content-encoding"))
        return decoder.feed(data) + decoder.finish()
    except IngestError as exc:
        return exc.message


def _dechunked(data: bytes) -> bytes:
    try:
        return dechunk(data)
    except IngestError as exc:
        # Some crawlers store the payload already dechunked but keep the header.
        if "at byte 0" in exc.message:
            return data
        raise


def _media_type(headers: tuple[tuple[str, str], ...]) -> tuple[str | None, str | None]:
    value = next((v for k, v in headers if k.lower() == "content-type"), "") or ""
    media, *params = value.split(";")
    charset = None
    for param in params:
        key, _, given = param.partition("=")
        if key.strip().lower() == "charset":
            charset = given.strip().strip("\"'") or None
    return (media.strip().lower() or None), charset


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip())
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    except (ValueError, OverflowError):
        # Not a date, or one that leaves the years 1 to 9999 once moved to UTC.
        return None


def _open(path: Path) -> tuple[IO[bytes], _GzipMembers | None]:
    raw = path.open("rb")
    is_gzip = raw.read(2) == _GZIP_MAGIC
    raw.seek(0)
    if not is_gzip:
        return raw, None
    members = _GzipMembers(raw)
    return io.BufferedReader(members, 1 << 16), members


class _GzipMembers(io.RawIOBase):
    """The decompressed bytes of a stream of gzip members.

    When the stream ends inside a member, or holds something that is not
    gzip, it ends there as if the file ended, and ``problem`` says why; the
    reader then sees the records before it. Trailing zero bytes (padding)
    are allowed. Input is read in small pieces so that little is lost before
    a corrupt spot.
    """

    def __init__(self, raw: IO[bytes], chunk: int = 16 * 1024) -> None:
        super().__init__()
        self._raw = raw
        self._chunk = chunk
        self._inflater = zlib.decompressobj(31)
        self._in_member = False
        self._position = 0
        self.problem: str | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        # FastWARC asks where it is; it never moves.
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (whence == io.SEEK_CUR and offset == 0) or (whence == io.SEEK_SET and offset == self._position):
            return self._position
        raise io.UnsupportedOperation("a gzip stream can only be read forwards")

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        while size and self.problem is None:
            source = self._next_input()
            if not source:
                if self._in_member:
                    self.problem = "truncated gzip file: it ends inside a gzip member"
                return 0
            self._in_member = True
            try:
                data = self._inflater.decompress(source, size)
            except zlib.error as exc:
                self.problem = f"corrupt gzip data ({exc})"
                return 0
            if data:
                buffer[: len(data)] = data
                self._position += len(data)
                return len(data)
        return 0

    def _next_input(self) -> bytes:
        if self._inflater.eof:
            rest = self._inflater.unused_data
            self._inflater = zlib.decompressobj(31)
            self._in_member = False
            return self._skip_padding(rest or self._raw.read(self._chunk))
        if self._inflater.unconsumed_tail:
            return self._inflater.unconsumed_tail
        data = self._raw.read(self._chunk)
        return data if self._in_member else self._skip_padding(data)

    def _skip_padding(self, data: bytes) -> bytes:
        while data and not data.strip(b"\x00"):
            data = self._raw.read(self._chunk)
        return data.lstrip(b"\x00") if data[:1] == b"\x00" else data
