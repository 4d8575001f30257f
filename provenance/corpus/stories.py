"""Primary sources and stories: functions of an article's copy links.

Three decisions, each a pure function, so that the local engine (one new
article against the database) and the Spark engine (a whole component of the
link graph in memory) make them the same way:

1. ``choose_primary``: of an article's earlier copies, the best aligned is its
   primary source (ties go to the one published first).
2. ``place_in_story``: a new article joins the story whose origin it is
   directly linked to, or starts one. Stories never grow by transitive links: a
   member must be linked to the story's origin (or, when the origin is
   unknown, to two thirds of its members), so a chain of partial copies cannot
   drag unrelated articles in.
3. ``story_origin``: when the members that derive from no other member credit
   an outlet that is no member's, the original is not in the database and the
   origin is ``unseen: <outlet>``; else its one member that derives from no
   other member; else the earliest dated root when the others are undated;
   else "common unseen source".

The link graph reaches these functions through ``StoryView``, which the SQLite
store implements with indexed queries and the Spark engine with dictionaries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .direction import unseen_credits

__all__ = [
    "PrimaryCandidate",
    "Placement",
    "StoryMember",
    "StoryState",
    "StoryView",
    "choose_primary",
    "place_in_story",
    "story_origin",
]


@dataclass(frozen=True, slots=True)
class PrimaryCandidate:
    """One earlier copy that an article derives from: the link's key, its similarity and the source's date."""

    key: int
    source_id: int
    similarity: float
    published: str | None
    weight: float = 0.0  # of the evidence that directed the link (``corpus.direction.WEIGHTS``)
    decided_by: str = "date"


def choose_primary(candidates: Sequence[PrimaryCandidate]) -> tuple[int, str] | None:
    """The key of the primary link among an article's derived links, and why; None when it has none.

    A source named by the copy itself (a credit, a canonical link) comes before
    one found by dates or containment; then the best aligned, then the first published."""
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda c: (-c.weight, -c.similarity, c.published or "9999", c.source_id))
    best = ranked[0]
    if len(ranked) == 1:
        if best.decided_by == "date":
            return best.key, "the only earlier copy from another outlet"
        return best.key, f"the only source found, named by the copy's {best.decided_by}"
    if ranked[1].weight < best.weight:
        return best.key, (
            f"named by the copy itself ({best.decided_by}), which outranks the {ranked[1].decided_by} "
            f"of {len(ranked) - 1} other candidate(s)"
        )
    if ranked[1].similarity < best.similarity:
        return best.key, (
            f"best aligned of {len(ranked)} earlier copies (similarity {best.similarity:.2f} against "
            f"{ranked[1].similarity:.2f})"
        )
    return best.key, f"as well aligned as another of {len(ranked)} earlier copies, and published first ({best.published})"


class StoryView(Protocol):
    """What story placement needs to know about the link graph and the stories so far."""

    def links(self, article_id: int) -> Mapping[int, float]:
        """The articles linked to this one by a copy relation (not ``related``), with the best similarity."""
        ...

    def story_of(self, article_id: int) -> int | None: ...

    def story_core(self, story_id: int) -> tuple[int | None, Sequence[int]]:
        """A story's origin (None when unknown) and its members."""
        ...


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a new article goes: an existing story (``story_id``) or a new one (None), with the loose
    articles (linked but in no story yet) that join it too."""

    story_id: int | None
    members: tuple[int, ...]


def place_in_story(article_id: int, view: StoryView) -> Placement:
    """Join the best-linked story whose core accepts the article, or start one."""
    links = view.links(article_id)
    stories: dict[int, float] = {}
    loose = []
    for other, similarity in links.items():
        story = view.story_of(other)
        if story is not None:
            stories[story] = max(stories.get(story, 0.0), similarity)
        else:
            loose.append(other)
    chosen = next((s for s in sorted(stories, key=lambda s: -stories[s]) if _may_join(view, s, links)), None)
    members = [article_id]
    if chosen is None:
        # A new story holds the article and every loose article linked to it.
        members += loose
    else:
        members += [o for o in loose if _may_join(view, chosen, view.links(o), o)]
    return Placement(chosen, tuple(members))


def _may_join(view: StoryView, story: int, links: Mapping[int, float], candidate: int | None = None) -> bool:
    origin, members = view.story_core(story)
    if not members:
        return True
    if origin is not None:
        return origin in links or origin == candidate
    return sum(1 for m in members if m in links) * 3 >= len(members) * 2


@dataclass(frozen=True, slots=True)
class StoryMember:
    id: int
    published: str | None
    title: str | None
    #: The outlet (domain, site name) and credits: an outlet credited by the story's first copies
    #: that is no member's is the story's unseen origin.
    domain: str | None = None
    site_name: str | None = None
    credits: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryState:
    """A story's row: origin and why, size, first and last publication day, title."""

    origin_id: int | None
    origin_reason: str
    articles: int
    first_published: str | None
    last_published: str | None
    title: str | None
    origin_unseen: str | None = None


def story_origin(
    members: Sequence[StoryMember],
    derived: set[int],
    credited: Callable[[StoryMember], Sequence[str]] | None = None,
) -> StoryState:
    """A story's state from its members (in publication order, undated first as SQLite sorts NULL)
    and the members whose primary source is another member.

    ``credited(member)`` gives the outlets a member credits that are no
    member's own (by default ``corpus.direction.unseen_credits``). When the copies
    that derive from no other member credit such an outlet, the original is
    not in the database: the origin is ``unseen: <outlet>``."""
    roots = [m for m in members if m.id not in derived]
    dated = [m for m in roots if m.published]
    if credited is None:
        outlets = [(m.domain, m.site_name) for m in members]
        credited = lambda member: unseen_credits(member.credits, outlets)  # noqa: E731
    unseen = _unseen_origin(roots, credited)
    if unseen is not None:
        outlet, backers = unseen
        origin: int | None = None
        reason = (f"unseen: {outlet}: credited by {backers} of the {len(roots)} copies that derive from no other "
                  "member, and not in the database")
    elif len(roots) == 1:
        origin, reason = roots[0].id, "every other copy derives from it"
    elif len(dated) == 1:
        origin = dated[0].id
        reason = f"the earliest dated copy; {len(roots) - 1} undated copy(ies) could not be ordered against it"
    else:
        origin, reason = None, f"common unseen source: {len(roots)} copies, none shown to be first"
    dates = [m.published[:10] for m in members if m.published]
    title = next((m.title for m in members if m.title), None)
    return StoryState(origin, reason, len(members), min(dates, default=None), max(dates, default=None), title,
                      unseen[0] if unseen else None)


def _unseen_origin(
    roots: Sequence[StoryMember], credited: Callable[[StoryMember], Sequence[str]]
) -> tuple[str, int] | None:
    """The outlet most credited by the story's roots, when it is no member's and no root contradicts it."""
    counts: dict[str, int] = {}
    for member in roots:
        for outlet in dict.fromkeys(credited(member)):
            counts[outlet] = counts.get(outlet, 0) + 1
    if not counts:
        return None
    outlet, backers = max(counts.items(), key=lambda item: (item[1], item[0]))
    if len(roots) > 1 and backers * 2 < len(roots):
        return None  # most roots credit nothing or something else: not enough to name an origin
    return outlet, backers
