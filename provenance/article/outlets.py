"""Which outlet a page is, from all the evidence in its markup.

The page's own URL is the one it was fetched from. Without it, the domain
comes from the canonical link, else ``og:url``, else a home link (``rel=home``,
the logo's link), else the site name through the outlet registry. A canonical
link that names another outlet than the page's ``og:url``, home link or site
name does not make the page that outlet: it is a copy pointing to its source,
kept as ``canonical_url`` and noted.

The page's links whose block reads as a credit ("Read the original article",
"This story first appeared on") are kept for the credits.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

__all__ = ["Outlet", "OutletEntry", "OutletLookup", "page_outlet"]


class OutletEntry(Protocol):
    @property
    def domains(self) -> Sequence[str]: ...


class OutletLookup(Protocol):
    """What outlet naming needs of the registry: an outlet's entry by one of its names."""

    def for_name(self, name: str | None) -> OutletEntry | None: ...


@dataclass(frozen=True, slots=True)
class Outlet:
    """The page's own URL (None when unknown), its domain, name, canonical link and credit links."""

    own_url: str | None = None
    domain: str | None = None
    site_name: str | None = None
    canonical_url: str | None = None
    links: tuple[tuple[str, str, str], ...] = ()
    notes: tuple[str, ...] = ()


_LINK_BLOCK = re.compile(
    r"originally|first (?:published|appeared)|appeared first|republish|reprint|read (?:the )?(?:more|full|original)|"
    r"original (?:article|story|post)|continue reading|source|quelle|via|courtesy",
    re.I,
)


def page_outlet(tree: object, hint_url: str | None, registry: OutletLookup | None = None) -> Outlet:
    """The outlet of an HTML page (an lxml tree) that was, or was not, given with its URL."""
    from .extract import registered_domain

    xpath = getattr(tree, "xpath", None)
    if xpath is None:
        return Outlet(own_url=hint_url, domain=registered_domain(hint_url))
    base = hint_url or ""
    canonical = _first(xpath('//link[translate(@rel, "CANONICAL", "canonical")="canonical"]/@href'), base)
    og_url = _first(xpath('//meta[@property="og:url" or @name="og:url"]/@content'), base)
    site = _site_name(xpath)
    home = _home(xpath, base)
    named = None
    if registry is not None and site:
        entry = registry.for_name(site)
        named = entry.domains[0] if entry is not None and entry.domains else None
    links = _credit_links(xpath, base)
    if hint_url:
        return Outlet(hint_url, registered_domain(hint_url), site, canonical or og_url, links)
    own = [d for d in (registered_domain(og_url), registered_domain(home), named) if d]
    canon_domain = registered_domain(canonical)
    if canon_domain and own and canon_domain not in own:
        note = f"the canonical link names another outlet ({canon_domain}) than the page's own ({own[0]})"
        own_url = og_url if registered_domain(og_url) == own[0] else None
        return Outlet(own_url, own[0], site, canonical, links, (note,))
    url = canonical or og_url
    return Outlet(url, registered_domain(url) or (own[0] if own else None), site, canonical or og_url, links)


def _first(values: list[object], base: str) -> str | None:
    for value in values:
        text = str(value).strip()
        if text:
            absolute = urljoin(base, text) if base else text
            if urlsplit(absolute).scheme in ("http", "https") and urlsplit(absolute).netloc:
                return absolute
    return None


def _site_name(xpath: Any) -> str | None:
    find = xpath
    for query in ('//meta[@property="og:site_name" or @name="og:site_name"]/@content',
                  '//meta[@name="application-name" or @name="publisher" or @name="copyright-holder"]/@content'):
        for value in find(query):
            text = " ".join(str(value).split())
            if 1 < len(text) <= 80:
                return text
    for script in find('//script[@type="application/ld+json"]/text()'):
        match = re.search(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]{2,80})"', str(script))
        if match:
            try:
                return str(json.loads(f'"{match.group(1)}"'))
            except ValueError:
                return match.group(1)
    return None


def _home(xpath: Any, base: str) -> str | None:
    """The site's home page as the page links to it: ``rel=home``, else the logo's link, else the root most linked."""
    find = xpath
    url = _first(find('//*[@rel="home"]/@href'), base)
    if url:
        return url
    logos = find('//a[contains(translate(@class, "LOGBRAND", "logbrand"), "logo") or '
                 'contains(translate(@class, "LOGBRAND", "logbrand"), "brand") or '
                 'contains(translate(@id, "LOGO", "logo"), "logo")]/@href')
    url = _first(logos, base)
    if url:
        return url
    roots = Counter(
        urlsplit(str(h)).netloc.lower()
        for h in find("//header//a/@href | //nav//a/@href")
        if re.match(r"^https?://[^/]+/?$", str(h).strip())
    )
    if roots:
        host, count = roots.most_common(1)[0]
        return f"https://{host}/" if count >= 2 else None
    return None


def _credit_links(xpath: Any, base: str) -> tuple[tuple[str, str, str], ...]:
    found = []
    for anchor in xpath("//a[@href]")[:3000]:
        parent = anchor.getparent()
        block = parent if parent is not None else anchor
        text = " ".join((block.text_content() or "").split())
        if len(text) > 300 or not _LINK_BLOCK.search(text):
            continue
        href = _first([anchor.get("href")], base)
        if href:
            found.append((href, " ".join((anchor.text_content() or "").split()), text))
    return tuple(found[:20])
