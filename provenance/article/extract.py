"""Stage 2: turn a Document into an Article.

- HTML: trafilatura finds the body and the metadata (title, author, date,
  site name, canonical URL), with comments excluded. The whole page is also
  rendered to text, line by line, and zoned, so that boilerplate, hidden
  blocks and footers are kept beside the body.
- Plain-text page dumps and JSON Lines ``text`` records: the zoner in
  :mod:`provenance.zones` finds the body and the metadata.

Metadata given with the input (a JSON Lines record's ``url``, ``title``,
``byline``, ``published``) wins over what is found on the page. Where each
value came from is kept: ``published_source`` is one of ``record``,
``html-meta``, ``dateline`` or ``url``.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib.metadata import version
from typing import Any

from .credits import credits_of_links, find_credits
from .dates import find_dates, parse_date, structured_dates
from .outlets import OutletLookup, page_outlet
from ..errors import ExtractError
from ..models import Article, Document, Metadata, Zone
from .zones import Layout, normalise_space, whole_text_layout, word_count, zone_page

__all__ = ["extract_article", "registered_domain", "render_html_text"]

_VERSION = version("provenance")
# The URL's date only after the page's own: a slug is weak evidence (``deferred_url_extractor``).
_DATE_SEARCH = {"extensive_search": False, "original_date": True, "deferred_url_extractor": True}
#: Fewer words than this is not an article: a menu, an error page, a stub.
MIN_BODY_WORDS = 8
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas", "math"})
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd details dialog div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split()
)


def extract_article(doc: Document, registry: OutletLookup | None = None) -> Article:
    """Extract the article of one document. Raises ExtractError when there is none.

    ``registry`` (the outlet registry of the rules) names the domain of a page
    that gives no URL of its own but names itself."""
    if doc.kind == "html":
        return _from_html(doc, registry)
    return _from_text(doc, registry)


def _from_text(doc: Document, registry: OutletLookup | None = None) -> Article:
    layout = zone_page(doc.content, doc.hints)
    body = _body_text(doc.content, layout.zones)
    if doc.kind == "record" and not body:
        # The record says its text is the article: with no prose found (a table,
        # a list of results), the whole text is the body rather than nothing.
        layout = whole_text_layout(doc.content, layout)
        body = doc.content.strip()
    _require_body(body, doc)
    published, source, raw = _published(doc.hints, layout, None)
    url = doc.hints.url or layout.url
    site_name = layout.site_name
    domain = registered_domain(url) or _registry_domain(registry, site_name)
    return Article(
        location=doc.location,
        kind=doc.kind,
        raw_sha256=doc.raw_sha256,
        page_text=doc.content,
        text=body,
        zones=layout.zones,
        title=layout.title,
        byline=layout.byline,
        published=published,
        published_source=source,
        published_raw=raw,
        url=url,
        domain=domain,
        site_name=site_name,
        credits=_credits(doc.content, layout.zones, (), domain, site_name),
        encoding=doc.encoding,
        extractor=f"provenance-zones-{_VERSION}",
        notes=doc.notes + layout.notes,
    )


def _from_html(doc: Document, registry: OutletLookup | None = None) -> Article:
    import trafilatura
    from trafilatura.settings import Document as TrafilaturaDocument

    tree = trafilatura.load_html(doc.content)
    if tree is None:
        raise ExtractError("not parseable as HTML", source=doc.location)
    page_text = render_html_text(tree)
    try:
        # No extensive date search: on a page without a date it falls back to the
        # copyright year ("© 2025" as 2025-01-01), and a missing date is a finding.
        result = trafilatura.bare_extraction(
            tree, url=doc.hints.url, include_comments=False, with_metadata=True,
            date_extraction_params=_DATE_SEARCH,
        )
    except (ValueError, TypeError, RecursionError) as exc:
        raise ExtractError(f"HTML extraction failed ({type(exc).__name__}: {exc})", source=doc.location) from exc
    if not isinstance(result, TrafilaturaDocument):
        raise ExtractError("no article text found in the HTML", source=doc.location)
    body = (result.text or "").strip()
    _require_body(body, doc)
    meta = Metadata(
        url=doc.hints.url,
        title=doc.hints.title or _clean(result.title),
        byline=doc.hints.byline or _clean(result.author),
        published=doc.hints.published,
        site_name=doc.hints.site_name or _clean(result.sitename),
    )
    body = _without_title(body, meta.title)
    outlet = page_outlet(tree, doc.hints.url, registry)
    meta = Metadata(meta.url, meta.title, meta.byline, meta.published, meta.site_name or outlet.site_name)
    layout = zone_page(page_text, meta, known_body=body)
    canonical = outlet.canonical_url or _clean(result.url)
    url = doc.hints.url or outlet.own_url
    stated = structured_dates(tree)
    published, source, raw = _published(
        meta, layout, _stated_or_found(stated.published, stated.published_from, _clean(result.date)),
        month_first=_is_month_first(tree),
    )
    if published and source == "html-meta" and published != stated.published and _is_month_first(tree):
        written = next((d for d in find_dates(page_text) if d.is_ambiguous and d.iso == published[:10]), None)
        swapped = _month_first(written.date) if written is not None else None
        if swapped is not None:  # the visible date was read day first on a month-first page
            published, raw = swapped, written.raw if written is not None else raw
    if published and outlet.notes and _url_day(outlet.canonical_url) == published[:10]:
        # The canonical link names another outlet: the date in its URL is the source's, not this page's.
        published, source, raw = None, None, None
    if published and source == "html-meta" and _is_utc(published):
        local = _publisher_day(published, stated.local_day if published == stated.published else None, url)
        if local is not None:
            published = local
    if published is None or source == "url" or (source == "html-meta" and _is_utc(published)):
        found = _extensive_date(doc.content, doc.hints.url)
        if found is not None and outlet.notes and _url_day(outlet.canonical_url) == found[:10]:
            found = None
        if found is not None and (published is None or source == "url" or _one_day_apart(found, published)):
            # No date in the markup, or a UTC stamp whose local day (the one the page shows) is the next
            # or the previous one: an evening article in the Americas, a night one in Europe.
            published, source, raw = found, "html-search", found
    site_name = meta.site_name or layout.site_name
    domain = registered_domain(url) or outlet.domain or _registry_domain(registry, site_name)
    return Article(
        location=doc.location,
        kind=doc.kind,
        raw_sha256=doc.raw_sha256,
        page_text=page_text,
        text=body,
        zones=layout.zones,
        title=meta.title or layout.title,
        byline=meta.byline or layout.byline,
        published=published,
        published_source=source,
        published_raw=raw,
        url=url,
        canonical_url=canonical,
        domain=domain,
        site_name=site_name,
        credits=_credits(page_text, layout.zones, outlet.links, domain, site_name),
        encoding=doc.encoding,
        extractor=_trafilatura_name(),
        notes=doc.notes + layout.notes + outlet.notes,
        published_modified=stated.modified,
    )


@lru_cache(maxsize=1)
def _trafilatura_name() -> str:
    """The extractor as stored with each article: read once, not per page (a metadata lookup walks sys.path)."""
    return f"trafilatura-{version('trafilatura')}"


def render_html_text(tree: object) -> str:
    """The visible text of a page, one line per block element, hidden blocks included."""
    parts: list[str] = []
    stack: list[tuple[object, bool]] = [(tree, False)]
    while stack:
        element, closing = stack.pop()
        tag = getattr(element, "tag", None)
        tag = tag.lower() if isinstance(tag, str) else None
        if closing:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            parts.append(getattr(element, "tail", None) or "")
            continue
        if tag is None or tag in _SKIP_TAGS:
            parts.append(getattr(element, "tail", None) or "")
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
        parts.append(getattr(element, "text", None) or "")
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(list(element)))  # type: ignore[call-overload]
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _require_body(body: str, doc: Document) -> None:
    words = word_count(body)
    if words < MIN_BODY_WORDS:
        found = f" (only {words} words)" if words else ""
        raise ExtractError(f"no article text found{found}", source=doc.location)


def _without_title(body: str, title: str | None) -> str:
    """trafilatura keeps the headline as the body's first line; the body is the text alone."""
    first, _, rest = body.partition("\n")
    if title and rest and normalise_space(first).casefold() == normalise_space(title).casefold():
        return rest.lstrip()
    return body


def _body_text(page: str, zones: tuple[Zone, ...]) -> str:
    return "\n\n".join(page[z.start : z.end] for z in zones if z.kind == "body").strip()


def _published(
    hints: Metadata, layout: Layout, html_date: str | None, month_first: bool = False
) -> tuple[str | None, str | None, str | None]:
    if hints.published:
        return _normalise_date(hints.published), "record", hints.published
    if html_date:
        return _normalise_date(html_date), "html-meta", html_date
    if layout.published is not None:
        found = layout.published
        if found.is_ambiguous and month_first:
            # "12/10/2021" on a page in US English is 10 December, not 12 October.
            swapped = _month_first(found.date)
            if swapped is not None:
                return swapped + found.iso[10:], "dateline", found.raw
        return found.iso, "dateline", found.raw
    url = hints.url or layout.url
    match = _URL_DATE.search(url or "")
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat(), "url", match.group(0).strip("/")
        except ValueError:
            return None, None, None
    return None, None, None


def _stated_or_found(stated: str | None, stated_from: str | None, found: str | None) -> str | None:
    """The publication date from the page's structured data or htmldate's reading of its markup.

    A structured date that gives its own offset or comes from the article's
    ``itemprop``/``<time>`` markup wins; a bare UTC stamp yields to htmldate's
    choice among the page's dates where the two differ (tuned on the train
    split of ``benchmarks/dates_htmldate.py``)."""
    if found is None or stated is None:
        return stated or found
    if stated[:10] == found[:10]:
        return stated
    if not _is_utc(stated) or (stated_from or "").startswith(("itemprop", "time")):
        return stated
    return found


def _month_first(date: dt.date) -> str | None:
    """The date read month first, for a numeric date that was read day first."""
    try:
        return dt.date(date.year, date.day, date.month).isoformat()
    except ValueError:
        return None


def _is_month_first(tree: object) -> bool:
    """Whether numeric dates on the page are written month first: its language is US English."""
    xpath = getattr(tree, "xpath", None)
    langs = [str(v).strip().lower().replace("_", "-") for v in (xpath("/html/@lang") if xpath else [])]
    return any(lang in ("en-us", "en-ph", "en-ca") for lang in langs)


def _url_day(url: str | None) -> str | None:
    match = _URL_DATE.search(url or "")
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _publisher_day(utc: str, stated_local: str | None, url: str | None) -> str | None:
    """The day a UTC stamp fell on where the page was published: its local twin in the markup, or the
    date in its URL when that is the day before (an evening in the Americas) or after (a night in Asia)
    and the stamp's hour allows it."""
    if stated_local is not None:
        return stated_local
    if utc[13:19] == ":00:00" and utc[11:13] in ("21", "22", "23"):
        # a date without a time, stored as local midnight from Eastern or Central Europe
        return (dt.date.fromisoformat(utc[:10]) + dt.timedelta(days=1)).isoformat()
    day = _url_day(url)
    if day is None or not _one_day_apart(day, utc) or len(utc) < 16:
        return None
    hour = int(utc[11:13])
    earlier = day < utc[:10]
    return day if (earlier and hour < 12) or (not earlier and hour >= 10) else None


def _is_utc(stamp: str) -> bool:
    return stamp.endswith(("+00:00", "Z"))


def _one_day_apart(a: str, b: str) -> bool:
    try:
        return abs((dt.date.fromisoformat(a[:10]) - dt.date.fromisoformat(b[:10])).days) == 1
    except ValueError:
        return False


def _extensive_date(page: str, url: str | None) -> str | None:
    """The guarded fallback: htmldate's extensive search over the page's text, never a
    1 January (a copyright year "© 2024" is read as 2024-01-01) and never in the future."""
    from htmldate import find_date

    try:
        found = find_date(page, extensive_search=True, original_date=True, deferred_url_extractor=True, url=url)
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(found, str) or found[5:10] == "01-01":
        return None
    return found


def _normalise_date(value: str) -> str | None:
    """An ISO 8601 date, or date-time with offset, from a date string of any common shape."""
    text = value.strip()
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        found = find_dates(text)
        return found[0].iso if found else parse_date(text)
    if stamp.tzinfo is None:
        return stamp.date().isoformat()
    return stamp.isoformat()


#: Zones whose lines may credit a source: bylines, standfirsts, footers, notes around the body.
_NEVER_CREDITS = frozenset({"spam", "related", "comments", "share", "caption", "banner"})
_CREDIT_ZONES = frozenset({"byline", "standfirst", "footer", "disclaimer", "boilerplate", "masthead", "title"})


def _credits(
    page: str, zones: tuple[Zone, ...], links: tuple[tuple[str, str, str], ...], domain: str | None,
    site_name: str | None,
) -> tuple[str, ...]:
    """The outlets the page credits as its source, without the page's own outlet.

    Read in the bylines and the lines around the body (the first two and the
    last four paragraphs, where datelines, agency tags and republication
    notices stand), the footers, and the links whose block reads as a credit;
    never in the middle of the story, where outlets are quoted, not credited."""
    body = [z for z in zones if z.kind == "body"]
    chosen = [z for z in zones if z.kind in _CREDIT_ZONES] + body[:2] + body[-4:]
    places = [i for i, z in enumerate(zones) if z.kind == "body"]
    if places:  # the lines just above and below the body, whatever the zoner made of them
        near = zones[max(0, places[0] - 3) : places[0]] + zones[places[-1] + 1 : places[-1] + 7]
        chosen += [z for z in near if z.kind not in _NEVER_CREDITS]
    lines = "\n".join(page[z.start : z.end] for z in sorted(set(chosen), key=lambda z: z.start))
    own = {_squash(n) for n in (site_name, domain, (domain or "").split(".")[0]) if n}
    found: dict[str, str] = {}
    for name in [*find_credits(lines), *credits_of_links(links)]:
        key = _squash(name)
        if len(key) < 2 or any(key == o or (len(key) >= 5 and (key in o or o in key)) for o in own if o):
            continue
        found.setdefault(key, name)
    return tuple(found.values())


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", re.sub(r"^(?:https?://)?(?:www\.)?", "", text.casefold()))


def _registry_domain(registry: OutletLookup | None, site_name: str | None) -> str | None:
    """The domain of the outlet a page names itself after, when the registry knows it by that name."""
    if registry is None or not site_name:
        return None
    entry = registry.for_name(site_name)
    return entry.domains[0] if entry is not None and entry.domains else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = normalise_space(value)
    return text or None


@lru_cache(maxsize=1)
def _tld_extractor() -> Any:
    import tldextract

    # No suffix-list URLs: always the snapshot that ships with tldextract, never the network. One
    # extractor for the whole program (parsing the list is 0.04 s); private suffixes asked per call.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def split_host(host: str, *, private: bool = False) -> Any:
    """tldextract's reading of a host or URL: subdomain, domain and suffix; ``private`` counts private
    suffixes (``co.com``) as suffixes."""
    return _tld_extractor()(host, include_psl_private_domains=private)


@lru_cache(maxsize=65536)
def registered_domain(url: str | None) -> str | None:
    """The registered domain of a URL: ``https://www.bbc.co.uk/news`` gives ``bbc.co.uk``."""
    if not url:
        return None
    result = split_host(url)
    domain = result.top_domain_under_public_suffix or result.ipv4 or None
    return str(domain).lower() if domain else None
