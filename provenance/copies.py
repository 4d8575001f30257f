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
    """Links between a new article and the copies of it already in the index.

    The new article derives from the earliest copy published before it. When
    it was itself published before every dated copy, the copies derive from
    it instead. When the dates cannot order them, the link says so.
    """
    same = index.articles_with_hash(fingerprint.content_hash, exclude=article_id)
    if not same:
        return []
    mine = _day(article.published)
    earlier = [k for k in same if mine and _day(k.published) and _day(k.published) < mine]
    if earlier:
        source = min(earlier, key=lambda k: (_day(k.published), k.id))
        return [_duplicate(article_id, source.id, "derived", f"same normalised text; the source was published on {_day(source.published)}, before this copy")]
    later = [k for k in same if mine and _day(k.published) and _day(k.published) > mine]
    if later and len(later) == len(same):
        return [
            _duplicate(k.id, article_id, "derived", f"same normalised text; this source was published on {mine}, before the copy")
            for k in later
        ]
    return [_duplicate(article_id, same[0].id, "unknown", "same normalised text; the dates do not show which copy came first")]


def _duplicate(article_id: int, source_id: int, direction: str, reason: str) -> Copy:
    return Copy(article_id, source_id, "duplicate", direction, 1.0, reason, containment=1.0, source_containment=1.0)


def _day(published: str | None) -> str:
    return published[:10] if published else ""
