"""HTTP message bodies: transfer and content codings, undone within a size limit.

A page fetched live and a page read from a WARC record both arrive as bytes
that may still carry a ``Transfer-Encoding`` and a ``Content-Encoding``.
:class:`BodyDecoder` undoes the content codings incrementally and never
produces more than ``limit`` bytes, so a compression bomb costs at most the
limit; :func:`dechunk` undoes the chunked transfer coding that WARC records
keep as it was sent.

    gzip, x-gzip     content coding, one or more gzip members
    deflate          a zlib stream, or the raw deflate data some servers send
    identity         nothing to undo

Any other coding (``br``, ``zstd``, ``compress``) is refused: provenance asks
servers for ``gzip, deflate`` only.
"""

from __future__ import annotations

import zlib

from ..errors import IngestError

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "dechunk", "too_large"]

#: What provenance asks servers for: the codings it can undo within a limit.
ACCEPT_ENCODING = "gzip, deflate"


def too_large(limit: int) -> str:
    """The problem of a body over the size limit."""
    return f"larger than the {limit / (1024 * 1024):g} MB limit; raise --max-bytes to audit it"


class _Inflater:
    """One gzip or deflate coding, undone incrementally."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._gzip = name in ("gzip", "x-gzip")
        self._inflater: zlib._Decompress | None = zlib.decompressobj(31) if self._gzip else None
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """Up to ``room`` + 1 decoded bytes of ``data`` (one more tells the caller it overflowed)."""
        if not data:
            return b""
        out: list[bytes] = []
        while data:
            inflater = self._inflater or self._start_deflate(data)
            try:
                chunk = inflater.decompress(data, room + 1)
            except zlib.error as exc:
                raise IngestError(f"corrupt {self.name} content-encoding ({exc})") from None
            out.append(chunk)
            room -= len(chunk)
            if room < 0:
                break
            # A gzip body may hold several members; anything else after the end is
            # ignored, as browsers do.
            rest = inflater.unused_data if self._gzip and inflater.eof else b""
            data = rest if rest[:2] == b"\x1f\x8b" else b""
            if data:
                self._inflater = zlib.decompressobj(31)
        return b"".join(out)

    def _start_deflate(self, data: bytes) -> zlib._Decompress:
        # RFC 9110 deflate is a zlib stream; some servers send raw deflate data.
        is_zlib = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        self._inflater = zlib.decompressobj(15 if is_zlib else -15)
        return self._inflater

    def finish(self) -> bytes:
        if self._inflater is None:
            return b""
        if not self._inflater.eof:
            raise IngestError(f"truncated {self.name} content-encoding: the body ends inside the compressed data")
        return self._inflater.flush()


class BodyDecoder:
    """Undo the content codings of a body fed in chunks, within ``limit`` decoded bytes.

    ``feed()`` and ``finish()`` raise :class:`IngestError` for a body over the
    limit, an unknown or corrupt coding, or compressed data that is cut short.
    """

    def __init__(self, limit: int, content_encoding: str | None = None) -> None:
        self.limit = limit
        self.size = 0
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate", "identity")]
        if unknown:
            raise IngestError(f"unsupported content-encoding {unknown[0]!r}")
        # Codings are listed in the order they were applied: undo the last first.
        self._codings = [_Inflater(n) for n in reversed(names) if n != "identity"]

    def feed(self, data: bytes) -> bytes:
        for coding in self._codings:
            data = coding.feed(data, self.limit - self.size)
        return self._count(data)

    def finish(self) -> bytes:
        data = b""
        for coding in self._codings:
            data = coding.feed(data, self.limit - self.size) + coding.finish()
        return self._count(data)

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise IngestError(too_large(self.limit))
        return data


def dechunk(data: bytes) -> bytes:
    """The body of a chunked transfer coding.

    Raises :class:`IngestError` when the data is not chunked at all or is cut
    short inside a chunk.
    """
    out: list[bytes] = []
    pos = 0
    while True:
        end = data.find(b"\n", pos)
        if end < 0:
            break
        size_text = data[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise IngestError(f"malformed chunked transfer coding at byte {pos}") from None
        if size < 0:
            raise IngestError(f"malformed chunked transfer coding at byte {pos}")
        start = end + 1
        if size == 0:
            return b"".join(out)
        if start + size > len(data):
            raise IngestError("truncated chunked transfer coding: the body ends inside a chunk")
        out.append(data[start : start + size])
        pos = start + size
        pos += 2 if data[pos : pos + 2] == b"\r\n" else 1 if data[pos : pos + 1] == b"\n" else 0
    if pos == 0:
        raise IngestError("malformed chunked transfer coding at byte 0")
    # Many servers close the connection without the last, empty chunk.
    return b"".join(out)
