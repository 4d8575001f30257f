"""provenance: a source reliability and provenance checker for news."""

from .errors import ExtractError, FetchError, IngestError, ProvenanceError, RuleFileError, StoreError, WarcError
from .article.extract import extract_article
from .article.fingerprint import fingerprint_article
from .ingest.readers import read_inputs
from .models import Article, Copy, Document, Fingerprint, InputProblem, Metadata, MinHashRecipe, Zone
from .engines.local import AuditOptions, audit
from .store.sqlite import AuditStore

__all__ = [
    "Article",
    "AuditOptions",
    "AuditStore",
    "Copy",
    "Document",
    "ExtractError",
    "FetchError",
    "Fingerprint",
    "IngestError",
    "InputProblem",
    "Metadata",
    "MinHashRecipe",
    "ProvenanceError",
    "RuleFileError",
    "StoreError",
    "WarcError",
    "Zone",
    "audit",
    "extract_article",
    "fingerprint_article",
    "read_inputs",
]
