"""Stage 4: find the other copies of a new article among everything audited.

Exact duplicates are found by content hash: the same normalised body at
another path or URL (a mirror, or the same story reprinted word for word).
The earlier-published copy is named as the source; when the dates cannot
order them, the link is kept with ``direction = 'unknown'`` rather than an
invented direction.
"""

from __future__ import annotations

from typing import Protocol

from .models import Article, Copy, Fingerprint, KnownArticle

__all__ = ["CopyIndex", "find_copies"]


class CopyIndex(Protocol):
    """What the copies stage needs from the database."""

    def articles_with_hash(self, content_hash: str, *, exclude: int) -> list[KnownArticle]: ...


def find_copies(article_id: int, article: Article, fingerprint: Fingerprint, index: CopyIndex) -> list[Copy]:
    """Copies of an article already in the index (the article itself is excluded)."""
    same = index.articles_with_hash(fingerprint.content_hash, exclude=article_id)
    if not same:
        return []
    dated = [k for k in same if k.published and article.published and k.published[:10] < article.published[:10]]
    if dated:
        source = min(dated, key=lambda k: (k.published or "", k.id))
        reason = f"same normalised text; published {source.published[:10] if source.published else ''}, before this copy"
        direction = "derived"
    else:
        source = same[0]
        reason = "same normalised text; the dates do not show which copy came first"
        direction = "unknown"
    return [Copy(source_id=source.id, relation="duplicate", direction=direction, similarity=1.0, reason=reason,
                 containment=1.0, source_containment=1.0)]
