from __future__ import annotations

import provenance


def test_public_api_is_pinned() -> None:
    assert sorted(provenance.__all__) == [
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
    for name in provenance.__all__:
        assert getattr(provenance, name) is not None


def test_error_tree_and_source() -> None:
    assert issubclass(provenance.FetchError, provenance.IngestError)
    assert issubclass(provenance.WarcError, provenance.IngestError)
    for error in (provenance.IngestError, provenance.ExtractError, provenance.RuleFileError, provenance.StoreError):
        assert issubclass(error, provenance.ProvenanceError)
    error = provenance.ExtractError("no article text found", source="page.html")
    assert str(error) == "page.html: no article text found" and error.source == "page.html"
