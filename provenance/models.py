"""Plain data passed between the pipeline stages.

Every value here is a frozen dataclass: a stage takes values and returns new
ones, and never reaches into another stage's state. The stages are:

    ingest       paths, URLs        -> Document | InputProblem
    extract      Document           -> Article (zones, metadata, body)
    fingerprint  Article            -> Fingerprint
    store        Article, Fingerprint -> rows of the audit database
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["info", "warning", "error"]
InputKind = Literal["text", "html", "record"]

#: The kinds of zone a page is split into. ``body`` is the article alone;
#: every other kind is kept because rules read footers, banners and spam.
ZONE_KINDS = (
    "masthead",  # outlet name and tagline above the article
    "navigation",  # menus, breadcrumbs, edition switches, app links
    "title",  # the headline (every repeat of it is its own zone)
    "standfirst",  # dek, subtitle or teaser line under or above the title
    "byline",  # author, outlet credit, dateline
    "caption",  # photo credit or caption
    "share",  # share buttons and social widgets
    "body",  # the article text
    "disclaimer",  # notes about how the page was made (AI disclaimers and the like)
    "related",  # lists of other headlines
    "comments",  # readers' comments under the article
    "banner",  # cookie, newsletter and subscription banners
    "footer",  # copyright, legal and contact lines
    "spam",  # injected link-farm or keyword blocks
    "boilerplate",  # anything else around the article
)


@dataclass(frozen=True, slots=True)
class Metadata:
    """Metadata known before extraction, for example from a JSON Lines record."""

    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    site_name: str | None = None


@dataclass(frozen=True, slots=True)
class Capture:
    """How the bytes of a Document were obtained over HTTP: a live fetch or a WARC record.

    ``url`` is the URL asked for (a WARC record's ``WARC-Target-URI``): the
    versions of one page share it. ``captured_utc`` is the capture date of an
    archived record (``WARC-Date``); None for a live fetch, which happened
    now. ``is_not_modified`` marks a 304 answer to a conditional request: the
    Document then has no content and ``raw_sha256`` is that of the version
    already stored.
    """

    url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    via: Literal["http", "warc"] = "http"
    captured_utc: str | None = None
    redirects: tuple[str, ...] = ()
    is_not_modified: bool = False
    record_id: str | None = None  # WARC-Record-ID of an archived record

    def header(self, name: str) -> str | None:
        """The first value of a header, matched without regard to case."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class Validators:
    """What the database knows of the last version of a URL, for a conditional request."""

    etag: str | None
    last_modified: str | None
    raw_sha256: str  # of the stored version: a 304 answer means these bytes again


@dataclass(frozen=True, slots=True)
class FeedItem:
    """An entry of an RSS or Atom feed: the page it links to. ``key`` identifies it in its feed."""

    url: str
    guid: str | None = None
    title: str | None = None
    published: str | None = None

    @property
    def key(self) -> str:
        return self.guid or self.url


@dataclass(frozen=True, slots=True)
class Document:
    """One decoded input, before extraction.

    ``location`` is the input as the user gave it: a path, a URL, or
    ``path:line`` for a record of a JSON Lines file, or ``crawl.warc.gz#<record id>``
    for a record of a WARC archive. ``capture`` says how a page was fetched
    or archived; it is None for files and JSON Lines records.
    """

    location: str
    kind: InputKind
    content: str
    raw_sha256: str
    hints: Metadata = field(default_factory=Metadata)
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()
    capture: Capture | None = None


@dataclass(frozen=True, slots=True)
class InputProblem:
    """An input that could not be audited, or was audited with a caveat."""

    location: str
    problem: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class Zone:
    """A labelled span of ``Article.page_text``: ``page_text[start:end]``."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article: the body, its metadata and every zone of the page."""

    location: str
    kind: InputKind
    raw_sha256: str
    page_text: str
    text: str
    zones: tuple[Zone, ...]
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    published_source: str | None = None
    published_raw: str | None = None
    url: str | None = None
    domain: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    credits: tuple[str, ...] = ()
    encoding: str = "utf-8"
    extractor: str = ""
    notes: tuple[str, ...] = ()
    #: The page's last-modified date, kept apart: never taken for its publication date.
    published_modified: str | None = None

    def zone_text(self, zone: Zone) -> str:
        return self.page_text[zone.start : zone.end]


@dataclass(frozen=True, slots=True)
class MinHashRecipe:
    """Everything needed to recompute or compare a stored MinHash signature."""

    shingle_size: int
    num_perm: int
    seed: int
    scheme: str
    tokenizer: str
    shingle_hash: str
    library: str
    library_version: str

    @property
    def key(self) -> str:
        return (
            f"{self.library}-{self.library_version}/{self.scheme}/perm{self.num_perm}"
            f"/seed{self.seed}/shingle{self.shingle_size}/{self.tokenizer}/{self.shingle_hash}"
        )


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Content hash and MinHash signature of an article body."""

    content_hash: str
    minhash: bytes
    recipe: MinHashRecipe
    token_count: int
    shingle_count: int
    #: MinHash of the text's names and numbers (see fingerprint.anchors).
    anchor_minhash: bytes = b""


@dataclass(frozen=True, slots=True)
class Copy:
    """How one article (``article_id``) relates to another it derives from (``source_id``)."""

    article_id: int
    source_id: int
    relation: str  # duplicate | reprint | excerpt | rewrite | related
    direction: str  # derived | unknown
    similarity: float
    reason: str
    containment: float | None = None
    source_containment: float | None = None
    evidence: dict[str, object] = field(default_factory=dict)
    #: The evidence that decided the direction: credit | canonical | date | containment | same-outlet | none.
    decided_by: str = "none"
    #: How strong that evidence is, 0..1 (see ``corpus.direction.WEIGHTS``).
    weight: float = 0.0
    #: The outlet both copies credit when it is neither of them: their common source, not in the database.
    unseen_source: str | None = None


@dataclass(frozen=True, slots=True)
class KnownArticle:
    """An article already in the database, as the copies stage sees it."""

    id: int
    domain: str | None
    published: str | None
    story_id: int | None
    audited_utc: str
    site_name: str | None = None
    credits: tuple[str, ...] = ()
    text: str | None = None
    url: str | None = None
    canonical_url: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A rule's flag on an article. Offsets are into ``Article.page_text``."""

    rule_id: str
    category: str
    severity: Severity
    message: str
    matched: str
    zone: str | None = None
    start: int | None = None
    end: int | None = None
    confidence: str = "high"


@dataclass(frozen=True, slots=True)
class Fact:
    """A checkable fact of an article body. Offsets are into ``Article.text``.

    ``value`` is normalised (``240.1e9`` for "$240.1 billion", ``75`` for
    "75th", ``2019-10-02`` for a resolved date); ``text`` is as written.
    """

    kind: str  # money | percent | count | duration | rank | ordinal | anniversary | year | date | weekday
    value: str
    text: str
    sentence: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    unit: str | None = None  # USD, percent, times, years, ...
    qualifier: str | None = None  # more than | over | about | at least | nearly | exactly ...
    slot: str | None = None  # what the value is about: "meetings", "bilateral trade", "trading partner"
    resolved: str | None = None  # a relative date resolved against the publication date


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Two sentences of two copies that say the same thing. Offsets are into each ``Article.text``."""

    sentence: str
    other_sentence: str
    score: float
    start: int
    end: int
    other_start: int
    other_end: int


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A factual disagreement between two copies, or an inconsistency within one article.

    ``status`` is ``disagreement`` (two copies differ), ``update`` (a later
    version of the same URL changed the value) or ``inconsistency`` (one
    article contradicts itself or its date).
    """

    kind: str
    rule_id: str
    reason: str
    confidence: float
    status: str = "disagreement"
    value: str | None = None
    other_value: str | None = None
    sentence: str | None = None
    other_sentence: str | None = None
