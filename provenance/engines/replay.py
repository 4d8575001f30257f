"""Articles audited elsewhere, added to an audit database as a local run adds them.

A Parquet export (or any audit database) holds, for each article, what the
per-article stages made of it: the article, its fingerprint, facts, own
inconsistencies, flags, language and vector. ``replay`` rebuilds those
(``Prepared``) in id order and hands them to the local engine's store step,
which recognises the articles already stored and matches each new one against
the database: copies, stories, cross-checks and scores come out as if the
inputs had been audited here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ..article.fingerprint import RECIPE
from ..article.language import Language
from ..corpus.semantic import vector_from_bytes
from ..errors import ProvenanceError
from ..models import Capture, Disagreement, Document, Finding, Fingerprint
from ..store.findings import matched_text
from ..store.sqlite import AuditStore
from .local import AuditOptions, Clock, Event, Prepared, RunResult, audit_prepared, utc_now

__all__ = ["replay", "stored_prepared"]


def replay(
    source: AuditStore,
    store: AuditStore,
    *,
    options: AuditOptions | None = None,
    now: Clock = utc_now,
    given: str = "",
) -> Iterator[Event | RunResult]:
    """Add every article of ``source`` to ``store``, in id order, through the local engine's store step."""
    yield from audit_prepared(stored_prepared(source), [given], store, options=options, now=now, command="import")


def stored_prepared(source: AuditStore) -> Iterator[Prepared]:
    """Each article of an audit database as the per-article stages left it, in id order."""
    recipes = {int(r[0]): r[1] for r in source.db.execute("SELECT id, key FROM fingerprint_recipes").fetchall()}
    ids = [int(r[0]) for r in source.db.execute("SELECT id FROM articles ORDER BY id").fetchall()]
    for article_id in ids:
        yield _prepared(source, article_id, recipes)


def _prepared(source: AuditStore, article_id: int, recipes: dict[int, str]) -> Prepared:
    db = source.db
    article = source.load_article(article_id)
    fp = db.execute(
        "SELECT recipe_id, content_hash, minhash, token_count, shingle_count, anchor_minhash FROM fingerprints"
        " WHERE article_id = ?", [article_id]).fetchone()
    if fp is None:
        raise ProvenanceError(f"article {article_id} ({article.location}) has no fingerprint")
    if recipes.get(int(fp[0])) != RECIPE.key:
        raise ProvenanceError(f"article {article_id} ({article.location}) was fingerprinted by another recipe "
                              f"({recipes.get(int(fp[0]))}); audit its inputs again instead")
    fingerprint = Fingerprint(fp[1], bytes(fp[2]), RECIPE, int(fp[3]), int(fp[4]), bytes(fp[5] or b""))
    inconsistencies = tuple(
        Disagreement(kind=r[0], rule_id=r[1], reason=r[2], confidence=r[3], status=r[4], value=r[5],
                     other_value=r[6], sentence=r[7], other_sentence=r[8])
        for r in db.execute(
            "SELECT kind, rule_id, reason, confidence, status, value, other_value, sentence, other_sentence"
            " FROM disagreements WHERE article_id = ? AND other_article_id IS NULL ORDER BY id", [article_id])
    )
    findings = tuple(
        Finding(r[0], r[1], r[2], r[3], _matched(r[4]), r[5], r[6], r[7], r[8] or "high")
        for r in db.execute(
            "SELECT rule_id, category, severity, message, evidence, zone, start_offset, end_offset, confidence"
            " FROM flags WHERE article_id = ? ORDER BY id", [article_id])
    )
    row = db.execute("SELECT language, language_probability FROM articles WHERE id = ?", [article_id]).fetchone()
    language = Language(row[0], float(row[1] or 0)) if row and row[0] else None
    stored = db.execute("SELECT vector FROM article_vectors WHERE article_id = ?", [article_id]).fetchone()
    vector = vector_from_bytes(bytes(stored[0])) if stored else None
    notes = tuple(r[0] for r in db.execute(
        "SELECT problem FROM errors WHERE input = ? AND severity = 'warning' ORDER BY id", [article.location]))
    doc = Document(article.location, article.kind, article.page_text, article.raw_sha256, encoding=article.encoding,
                   capture=_capture(source, article_id), notes=notes)
    return Prepared(doc, article, fingerprint, tuple(source.facts_of(article_id)), inconsistencies, findings,
                    language, vector)


def _matched(evidence: str) -> str:
    data = json.loads(evidence or "{}")
    return (matched_text(data) if isinstance(data, dict) else None) or ""


def _capture(source: AuditStore, article_id: int) -> Capture | None:
    row = source.db.execute(
        "SELECT url, final_url, status, headers, via, fetched_utc, redirects, warc_record_id FROM fetches"
        " WHERE article_id = ? ORDER BY id LIMIT 1", [article_id]).fetchone()
    if row is None:
        return None
    return Capture(row[0], row[1], int(row[2]), tuple(tuple(p) for p in json.loads(row[3] or "[]")), row[4],
                   row[5] if row[4] == "warc" else None, tuple(json.loads(row[6] or "[]")), False, row[7])
