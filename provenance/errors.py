"""Exceptions raised by provenance.

    ProvenanceError
     +-- IngestError        an input could not be read or decoded
     |    +-- FetchError    a URL could not be fetched
     |    +-- WarcError     a WARC archive could not be read
     +-- ExtractError       no article could be extracted from an input
     +-- RuleFileError      a rule file is malformed
     +-- StoreError         the audit database could not be opened or written
     +-- MailError          a report could not be emailed (settings, SMTP, lock)

Each exception carries the object that caused it as ``source`` (a path, URL,
rule file or database path), so that the command line can name it.
"""

from __future__ import annotations


class ProvenanceError(Exception):
    """Base class of every error raised by provenance."""

    def __init__(self, message: str, *, source: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source is None:
            return self.message
        return f"{self.source}: {self.message}"


class IngestError(ProvenanceError):
    """An input could not be read or decoded."""


class FetchError(IngestError):
    """A URL could not be fetched."""


class WarcError(IngestError):
    """A WARC archive could not be read."""


class ExtractError(ProvenanceError):
    """No article could be extracted from an input."""


class RuleFileError(ProvenanceError):
    """A rule file is malformed."""


class StoreError(ProvenanceError):
    """The audit database could not be opened, migrated or written."""


class MailError(ProvenanceError):
    """A report could not be emailed: incomplete settings, an SMTP failure, or the report lock."""
