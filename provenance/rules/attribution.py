"""Checks on credits, claimed outlets and rights notices, against the outlet registry.

- ``misspelled-credit``: a credit (``(Reutres) -``, ``Xinhue reports``,
  ``Source: Xinhau``) within a few edits of a registered agency or outlet
  name, but not that name. Only credit positions are read, so the city of
  Kyoto in a sentence is never taken for Kyodo.
- ``outlet-off-domain``: the page presents itself as a registered outlet (its
  masthead, its site name, the copyright line that closes the page when it
  names the page's only copyright holder) but its domain is not one of that
  outlet's. A wire agency named only as the site name, or a "© Reuters" line
  after a syndicated story on a page with its own copyright, is syndication,
  not a claim.
- ``rights-off-domain``: a notice forbidding republication names a rights
  holder (by registered name, or by its domain) whose domains do not include
  the page's own. Confidence is high when that holder is the page's only
  copyright holder (a copied footer), medium when the page also names its own
  (a syndicated story, perhaps licensed).

A check without a domain for the page says nothing: precision comes first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, TypeVar, cast

from rapidfuzz.distance import OSA

from ..article.extract import split_host
from .checks import CheckCall, Hit, check, select_zones
from .patterns import LinearPattern
from .prefilter import may_match, required_literals
from ..models import Article, Zone
from .registry import Registry, SourceEntry, normalise_name

__all__ = ["credit_on_proxy_host", "impostor_domain", "misspelled_credit", "outlet_off_domain", "rights_off_domain"]

_RUN = r"(?P<c>[A-Z][\w'’.-]*[\w](?:[ -][A-Z][\w'’.-]*[\w]){0,2})"
_RUN_MULTI = r"(?P<c>[A-Z][\w'’.-]*[\w](?:[ -][A-Z][\w'’.-]*[\w]){1,2})"
#: (pattern, characters one of which a match needs): "(Reuters) -", "according to AFP", "Photo: Xinhua"...
_CONTEXTS = (
    (r"\(" + _RUN + r"\)\s*(?:-|–|—|--)", "("),
    (_RUN + r",?\s+(?:reports?|reported|news agency reported)\b", ""),
    (r"\b(?:according to|told|via|cited by|quoted by|reported by|courtesy of|first published by|originally published by)\s+(?:the\s+)?" + _RUN, ""),
    # "according to" and "told" in other languages: "laut Reuters", "selon l'AFP", "według PAP"
    (r"\b(?:laut|zufolge|selon|d'après|según|segundo|secondo|volgens|ifølge|enligt|według|согласно|menurut|theo)\s+(?:(?:der|dem|den|die|la|le|l'|el|o|a|il|de|het)\s*)?(?:(?:Nachrichtenagentur|agence|agencia|agência|agenzia|persbureau|nyhetsbyrån|agencji)\s+)?" + _RUN, ""),
    # a name with a Turkish case ending: "Reuters'a açıklama yapan", "AFP'ye konuşan"
    (_RUN + r"['’](?:a|e|ya|ye|na|ne|ın|in|un|ün|nın|nin|nun|nün|da|de|ta|te|dan|den|tan|ten)\b", "'’"),
    (r"(?i:\b(?:source|sources|credit|photo|image|video|reporting by|text)\s*[:/]\s*)" + _RUN, ":/"),
    (r"(?:^|\s)[A-Z][a-z]+/" + _RUN + r"(?=\s+\d|\s*$)", "/"),
    (r"(?:^|\s)" + _RUN + r"/(?:[A-Z]|$)", "/"),
    (r"(?i:©\ufe0f?|\(c\)|copyright)\s*(?:©\ufe0f?\s*)?(?i:copyright\s*)?(?:(?:19|20)\d{2}\s*)?(?:[-–]\s*(?:19|20)\d{2}\s*)?[.,]?\s*(?:the\s+)?" + _RUN, ""),
    (r"(?m:^)[ \t]*" + _RUN + r"[ \t]*(?:[.·•|–—-][ \t]*)(?:\d+[ \t]*(?i:min(?:ute)?s?|h(?:ou)?rs?|hours?|days?)[ \t]+(?i:ago)|\d{1,2}[ /.-]\w+[ /.-]\d{2,4})", ""),
    (r"(?m:^)[ \t]*" + _RUN_MULTI + r"[ \t]*(?m:$)", ""),
)
_CREDIT_CONTEXTS = tuple(re.compile(p) for p, _ in _CONTEXTS)
#: what a zone must hold for each context to be worth trying: a word of its literal prefilter (None: no
#: usable word) and one of its characters; most zones hold neither "report" nor a slash
_CONTEXT_SCREENS = tuple((required_literals([p]), chars) for p, (_, chars) in zip(_CREDIT_CONTEXTS, _CONTEXTS))
#: "The Wall Steet Journal's team": the name is what comes before the possessive
_POSSESSIVE = re.compile(r"['’]s$")
_ANYWHERE = re.compile(r"[A-Z][\w'’.-]*[\w](?:[ -][A-Z][\w'’.-]*[\w]){0,4}")  # names of up to five words
_BYLINE_SEGMENT = re.compile(r"[^|/·•,]+")
_STOP_WORDS = {"the", "this", "that", "he", "she", "it", "they", "we", "officials", "police", "state", "local", "media"}
_COPYRIGHT = re.compile(
    r"(?:©|\([cC]\)|(?i:copyright))\s*(?:©\s*)?(?:(?:19|20)\d{2}\s*(?:[-–]\s*(?:(?:19|20)\d{2})?\s*)?)?[.,]?\s*"
    r"(?P<name>(?!All\b)[A-Z][\w&'’.-]*(?:\s+(?!All\b)[A-Z(][\w&'’.)-]*){0,5})"
)
_HOLDER = re.compile(
    r"\b(?:belongs to|property of|owned by|permission (?:of|from)|authori[sz]ation (?:of|from)|consent (?:of|from))\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z(][\w&'’.)-]*){0,5})"
)
_DOMAIN_LIKE = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z]{2,})+$")


# Misspelled credits -----------------------------------------------------------------


@check("misspelled-credit", {"min-length": 5, "max-distance": 2}, ("expected",))
def misspelled_credit(call: CheckCall) -> list[Hit]:
    """Credits within ``max-distance`` edits (transpositions count one) of a registered name."""
    article, registry = call.article, call.registry
    min_length = int(call.number("min-length"))
    names = _per_registry(registry, ("names", min_length, False), lambda: _Surfaces(_surface_groups(registry, min_length, False)))
    page = article.page_text.casefold()
    found: dict[str, Hit] = {}
    # the nearest name first: it is cached per page and nearly always None, and the registry lookups are not
    for text, start in _credit_candidates(article, call.zones):
        match = names.nearest(text, int(call.number("max-distance")))
        if match is None:
            continue
        key = normalise_name(text)
        if key in found or key in registry.ignore_credits or registry.for_name(text) is not None or _declined(text, match):
            continue
        confidence = "high" if match.casefold() in page else "medium"
        found[key] = Hit(text, start, start + len(text), {"expected": match}, confidence)
    long_names = _per_registry(registry, ("names", min_length, True), lambda: _Surfaces(_surface_groups(registry, min_length, True)))
    for text, start in _anywhere(article, call.zones, set(long_names.groups)):
        match = long_names.nearest(text, 1)
        if match is None:
            continue
        key = normalise_name(text)
        if key in found or key in registry.ignore_credits or registry.for_name(text) is not None:
            continue
        if not _declined(text, match):
            found[key] = Hit(text, start, start + len(text), {"expected": match}, "medium")
    return list(found.values())


def _declined(text: str, name: str) -> bool:
    """Whether a credit is a registered name as grammar or spelling custom writes it, not a misspelling:
    declined ("der Deutschen Presse-Agentur", "der Süddeutschen Zeitung", "des Spiegels"), or written
    with other hyphens and spaces ("Deutsche Presseagentur"). Letters dropped are still misspellings."""
    words = text.casefold().replace("-", " ").split()
    wanted = name.casefold().replace("-", " ").split()
    if "".join(words) == "".join(wanted):
        return True
    return len(words) == len(wanted) and all(
        w == n or (n.endswith("e") and w == n + "n") or w in (n + "s", n + "es") for w, n in zip(words, wanted)
    )


def _anywhere(article: Article, zones: tuple[str, ...], shapes: set[tuple[str, int]]) -> Iterator[tuple[str, int]]:
    """Every run of two to five capitalised words, for long names (several words) misspelled outside
    credit positions; only runs of a ``shapes`` (first letter, word count) that some name has."""
    for zone in select_zones(article, zones):
        for match in _ANYWHERE.finditer(article.zone_text(zone)):
            if " " not in match.group(0):
                continue
            words = list(re.finditer(r"\S+", match.group(0)))
            for i, first in enumerate(words):
                if first.group(0).casefold() in _STOP_WORDS:
                    continue
                letter = first.group(0)[:1].casefold()
                for count, last in enumerate(words[i + 1 :], start=2):
                    if (letter, count) in shapes:
                        run = _POSSESSIVE.sub("", match.group(0)[first.start() : last.end()])
                        yield run, zone.start + match.start() + first.start()


def _credit_candidates(article: Article, zones: tuple[str, ...]) -> Iterator[tuple[str, int]]:
    for zone in select_zones(article, zones):
        text = article.zone_text(zone)
        for pattern, (literals, chars) in zip(_CREDIT_CONTEXTS, _CONTEXT_SCREENS):
            if (chars and not any(c in text for c in chars)) or not may_match(literals, text):
                continue
            for match in pattern.finditer(text):
                yield from _runs(match.group("c"), zone.start + match.start("c"))
        if zone.kind == "byline":
            for segment in _BYLINE_SEGMENT.finditer(text):
                words = segment.group(0).split()
                if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words):
                    yield segment.group(0).strip(), zone.start + segment.start() + segment.group(0).index(words[0])


def _runs(text: str, start: int) -> Iterator[tuple[str, int]]:
    """The credit and, for a run of words, each shorter tail ("Chinese outlet Xinhue")."""
    words = list(re.finditer(r"\S+", text))
    for word in words:
        tail = text[word.start() :]
        if word.group(0).casefold().strip(".") not in _STOP_WORDS:
            yield tail.rstrip(".'’"), start + word.start()


class _Surfaces:
    """Registered names grouped by first letter and word count, with the answers already given: pages
    repeat their capitalised runs, and each is compared with the few names it could misspell. One per
    registry; the answers are forgotten past ``MAX_ANSWERS``."""

    MAX_ANSWERS = 50_000

    def __init__(self, groups: dict[tuple[str, int], list[tuple[str, str]]]) -> None:
        self.groups = groups
        self.answers: dict[tuple[str, int], str | None] = {}

    def nearest(self, text: str, max_distance: int) -> str | None:
        key = (text, max_distance)
        answers = self.answers
        if key in answers:
            return answers[key]
        if len(answers) >= self.MAX_ANSWERS:
            answers.clear()
        folded = text.casefold()
        found = answers[key] = _nearest(folded, self.groups.get((folded[:1], len(folded.split())), []), max_distance)
        return found


def _surface_groups(registry: Registry, min_length: int, long_only: bool) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """The registry's names of ``min_length`` or more (long ones alone: several words, 10 letters or more),
    grouped by first letter and word count; built once per registry, not per page."""

    def build() -> dict[tuple[str, int], list[tuple[str, str]]]:
        groups: dict[tuple[str, int], list[tuple[str, str]]] = {}
        for surface, _entry in registry.surfaces():
            if len(surface) < min_length or (long_only and (" " not in surface or len(surface) < 10)):
                continue
            target = surface.casefold()
            groups.setdefault((target[:1], len(target.split())), []).append((target, surface))
        return groups

    return _per_registry(registry, ("surfaces", min_length, long_only), build)


_T = TypeVar("_T")
_PER_REGISTRY: dict[tuple[int, object], tuple[Registry, Any]] = {}


def _per_registry(registry: Registry, what: object, build: Callable[[], _T]) -> _T:
    """A table derived from ``registry``, built once per registry for every page of a run. The registry is
    kept beside its tables, so that its id is not reused by another while they are cached."""
    key = (id(registry), what)
    cached = _PER_REGISTRY.get(key)
    if cached is None or cached[0] is not registry:
        if len(_PER_REGISTRY) > 16:
            _PER_REGISTRY.clear()
        _PER_REGISTRY[key] = (registry, build())
    return cast(_T, _PER_REGISTRY[key][1])


_DIGITS = re.compile(r"\d+")


def _nearest(folded: str, targets: list[tuple[str, str]], max_distance: int) -> str | None:
    """The registered name ``folded`` misspells, if any: same first letter, few edits, not a word swap."""
    for target, surface in targets:
        if abs(len(folded) - len(target)) > 1:
            continue
        if _DIGITS.sub("", folded) == target:
            continue  # a number added makes another name: "News4Max" is not "Newsmax"
        distance = OSA.distance(folded, target)
        allowed = 1 if len(target) < 10 else max_distance  # two edits in "daily dot" give "daily post"
        if len(target) <= 5 and sorted(folded) != sorted(target):
            continue  # a five-letter name only by a transposition: "Kyoto" is not "Kyodo"
        if 0 < distance <= allowed:
            return surface
    return None


# Outlets hosted off their domains ----------------------------------------------------


@check("outlet-off-domain", {}, ("outlet", "domain"))
def outlet_off_domain(call: CheckCall) -> list[Hit]:
    """The page presents itself as a registered outlet, on a domain that is not the outlet's."""
    article = call.article
    if not article.domain:
        return []
    hits: dict[str, Hit] = {}
    for name, start, is_site_name in _claims(article):
        entry = call.registry.for_name(name)
        if entry is None or not entry.domains or entry.owns(article.domain) or entry.name in hits:
            continue
        if is_site_name and entry.kind == "wire-agency":
            continue  # syndicated wire copy names the agency as its publisher
        if _registered_label(article.domain) == _squashed(name):
            continue  # "Observer" on observer.com: the page's own name, which another outlet also bears
        end = None if start is None else start + len(name)
        hits[entry.name] = Hit(name, start, end, {"outlet": entry.name, "domain": article.domain})
    return list(hits.values())


def _claims(article: Article) -> Iterator[tuple[str, int | None, bool]]:
    """Where a page names itself: masthead, site name (HTML, records), the closing copyright.

    The third value tells a site-name claim: syndicated wire copy carries the
    agency as its publisher in its metadata, so a wire agency's name there is
    no claim.
    """
    mastheads = [z for z in article.zones if z.kind == "masthead"]
    if mastheads:
        yield article.zone_text(mastheads[0]).strip(), mastheads[0].start, False
    if article.site_name and article.kind in ("html", "record"):
        offset = article.page_text.find(article.site_name)
        yield article.site_name, (offset if offset >= 0 else None), True
    closing = _closing_copyright(article)
    if closing is not None and _copyright_holders(article) <= {normalise_name(closing[0])}:
        yield closing[0], closing[1], False


def _closing_copyright(article: Article) -> tuple[str, int] | None:
    body_end = max((z.end for z in article.zones if z.kind == "body"), default=0)
    for zone in reversed(article.zones):
        if zone.start < body_end:
            break
        if zone.kind == "footer":
            match = _COPYRIGHT.search(article.zone_text(zone))
            if match:
                return _trim_name(match.group("name")), zone.start + match.start("name")
    return None


def _copyright_holders(article: Article) -> set[str]:
    """Every copyright holder named on the page, normalised."""
    holders: set[str] = set()
    for zone in article.zones:
        text = article.zone_text(zone)
        if "©" in text or "opyright" in text or "(c)" in text.lower():
            holders.update(normalise_name(_trim_name(m.group("name"))) for m in _COPYRIGHT.finditer(text))
    return holders


def _trim_name(name: str) -> str:
    return re.split(r"\s*\(|[.,;]\s", name.strip(), maxsplit=1)[0].rstrip(".")


# Rights notices off the holder's domains ----------------------------------------------


@lru_cache(maxsize=16)
def _notices(patterns: tuple[str, ...]) -> LinearPattern | None:
    return LinearPattern("|".join(f"(?:{p})" for p in patterns), is_unicode=True) if patterns else None


@check("rights-off-domain", {"notices": ()}, ("holder", "domain"), patterns=("notices",))
def rights_off_domain(call: CheckCall) -> list[Hit]:
    """A notice forbidding republication whose holder's domains exclude the page's domain."""
    article = call.article
    if not article.domain:
        return []
    notice = _notices(call.texts("notices"))
    zones = select_zones(article, call.zones)
    for index, zone in enumerate(zones):
        match = notice.search(article.zone_text(zone)) if notice else None
        if match is None:
            continue
        for holder in _holders(article, zones[max(0, index - 2) : index + 3]):
            domains, registered = _holder_domains(holder, call.registry)
            if domains and not _is_own(article.domain, holder, domains, registered):
                start = zone.start + match.start
                fields = {"holder": holder, "domain": article.domain}
                others = _copyright_holders(article) - {normalise_name(holder)}
                confidence = "medium" if others else "high"
                return [Hit(match.text, start, zone.start + match.end, fields, confidence)]
    return []


def _holders(article: Article, zones: list[Zone]) -> Iterator[str]:
    for zone in zones:
        text = article.zone_text(zone)
        for pattern in (_HOLDER, _COPYRIGHT):
            for match in pattern.finditer(text):
                yield _trim_name(match.group("name"))


def _holder_domains(holder: str, registry: Registry) -> tuple[tuple[str, ...], bool]:
    """The holder's domains, and whether they come from the registry."""
    entry = registry.for_name(holder)
    if entry is not None:
        return entry.domains, True
    if _DOMAIN_LIKE.match(holder):
        return (holder.lower(),), False
    return (), False


def _is_own(domain: str, holder: str, domains: tuple[str, ...], registered: bool) -> bool:
    """Whether the page's domain is the holder's: one of its domains or, for a holder the
    registry does not know, a domain spelling its name ("Tidewater Times" on tidewatertimes.com)."""
    if any(domain == d or domain.endswith("." + d) for d in domains):
        return True
    if registered:
        return False
    squashed = re.sub(r"[^a-z0-9]", "", normalise_name(holder.rsplit(".", 1)[0] if _DOMAIN_LIKE.match(holder) else holder))
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0])
    return bool(squashed) and (squashed in label or (len(label) >= 6 and label in squashed))


# Lookalike domains -------------------------------------------------------------------

_CONFUSABLE = {frozenset(p) for p in ("il", "l1", "i1", "o0", "vw", "mn", "ec", "uv", "gq")}


@check("impostor-domain", {"affixes": (), "min-length": 4, "shared-labels": ()}, ("outlet", "domain", "real"))
def impostor_domain(call: CheckCall) -> list[Hit]:
    """The page's domain imitates a registered outlet's: its name on another suffix
    (``spiegel.ltd`` for ``spiegel.de``), with a filler word (``pravda-fr.com``,
    ``news-pravda.com``) or one letter changed (``spiegelr.live``, ``blld.live``).

    Labels are read with tldextract's bundled suffix list, offline, private
    suffixes included (``spiegel.co.com``). A page on one of a registered
    outlet's own domains never fires, nor does a name in ``shared-labels``
    (names that several unrelated outlets use: neither on another suffix nor
    one letter off, though with a filler word it still fires), nor a label
    shorter than ``min-length`` unless the change is a look-alike letter, nor
    a changed name on a page that calls itself by that name and not by the
    outlet's.
    """
    article = call.article
    host = _host(article.url or article.canonical_url)
    if not host or call.registry.for_domain(host) is not None or call.registry.for_domain(article.domain) is not None:
        return []
    shared = {s.casefold() for s in call.texts("shared-labels")}
    whole = call.registry.owning_prefix(host)
    # the outlet's whole domain with a suffix after it (cnn.com.de, usatoday.com.co), unless its name is one
    # several outlets use (El País of Uruguay on elpais.com.uy)
    if whole is not None and _registered_label(whole[0]) not in shared:
        real_domain, entry = whole
        start = article.page_text.find(host)
        end = None if start < 0 else start + len(host)
        return [Hit(host, None if start < 0 else start, end, {"outlet": entry.name, "domain": host, "real": real_domain})]
    labels = _page_labels(host)
    if not labels:
        return []
    affixes = {a.casefold() for a in call.texts("affixes")}
    shortest = int(call.number("min-length"))
    for label in labels:
        parts = set(label.split("-"))
        for real, entry in _near_labels(call.registry, label):
            if real != label and real not in parts and not (label.startswith(real) or label.endswith(real)) and (
                real[:1] != label[:1] or abs(len(real) - len(label)) > 2
            ):
                continue  # none of the ways _imitates knows: same, hyphen part, affixed, or two edits away
            if real in affixes:
                continue  # a generic word ("news" of news.cn) is every outlet's, no one's to imitate
            with_filler = label != real and real in parts  # pravda-fr, news-pravda
            if (real in shared and not with_filler) or not _imitates(label, real, affixes, shortest):
                continue  # a name several outlets use is no one's to imitate alone (another suffix, a letter off)
            if label != real and _names_itself(article.site_name, label, entry.name):
                continue
            domain = next(d for d in entry.domains if _registered_label(d) == real)
            start = article.page_text.find(host)
            end = None if start < 0 else start + len(host)
            return [Hit(host, None if start < 0 else start, end, {"outlet": entry.name, "domain": host, "real": domain})]
    return []


def _names_itself(site_name: str | None, label: str, outlet: str) -> bool:
    """Whether the page calls itself by its own domain's name ("Politics.co.uk" on politics.co.uk, "ABC7
    San Francisco" on abc7news.com) and not by the outlet its domain resembles: a clone wears the brand
    it imitates."""
    if not site_name:
        return False
    own = _squashed(site_name)
    if not own or _squashed(outlet) in own:
        return False
    first = _squashed(site_name.split()[0])
    return label in own or own in label or (len(first) >= 3 and label.startswith(first))


def _squashed(name: str) -> str:
    """A name as a domain label would spell it: case-folded, letters and digits only ("Politics.co.uk"
    gives "politicscouk")."""
    return re.sub(r"[\W_]+", "", name.casefold())


def _host(url: str | None) -> str | None:
    if not url:
        return None
    match = re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//([^/?#:]+)", url.strip(), re.IGNORECASE)
    host = match.group(1) if match else url.strip().split("/")[0]
    return host.lower().rstrip(".") or None


def _page_labels(host: str) -> list[str]:
    """The registrable labels of a host, with and without private suffixes ("spiegel" of spiegel.co.com)."""
    labels: list[str] = []
    for private in (False, True):
        result = split_host(host, private=private)
        if result.domain and result.suffix and result.domain not in labels:
            labels.append(str(result.domain))
    return labels


@lru_cache(maxsize=4096)
def _registered_label(domain: str) -> str:
    return str(split_host(domain).domain or "")


def _outlet_labels(registry: Registry) -> tuple[tuple[str, SourceEntry], ...]:
    """Each registered domain's label with its outlet, first outlet first."""

    def build() -> tuple[tuple[str, SourceEntry], ...]:
        seen: dict[str, SourceEntry] = {}
        for entry in registry.entries:
            for domain in entry.domains:
                label = _registered_label(domain)
                if label and label not in seen:
                    seen[label] = entry
        return tuple(seen.items())

    return _per_registry(registry, "outlet labels", build)


def _near_labels(registry: Registry, label: str) -> list[tuple[str, SourceEntry]]:
    """The registered labels ``label`` could imitate, in registry order: the same, one of its hyphen
    parts, its beginning or its end, or one of the same first letter within two letters of its length.
    Found through two indexes built once per registry, not by comparing with every outlet."""

    def build() -> tuple[dict[str, int], dict[tuple[str, int], list[int]]]:
        by_label: dict[str, int] = {}
        by_shape: dict[tuple[str, int], list[int]] = {}
        for at, (real, _entry) in enumerate(_outlet_labels(registry)):
            by_label[real] = at
            by_shape.setdefault((real[:1], len(real)), []).append(at)
        return by_label, by_shape

    by_label, by_shape = _per_registry(registry, "outlet label index", build)
    pieces = {label, *label.split("-"), *(label[:i] for i in range(1, len(label))), *(label[i:] for i in range(1, len(label)))}
    found = {by_label[p] for p in pieces if p in by_label}
    for size in range(len(label) - 2, len(label) + 3):
        found.update(by_shape.get((label[:1], size), ()))
    labels = _outlet_labels(registry)
    return [labels[at] for at in sorted(found)]


def _imitates(label: str, real: str, affixes: set[str], shortest: int) -> bool:
    if label == real:
        return len(real) >= shortest or "-" in real
    parts = label.split("-")
    if len(parts) > 1 and real in parts and all(p in affixes or p.isdigit() for p in parts if p != real):
        # the name and a filler word ("news-bbc", "bbc-news") is specific enough for a three-letter name;
        # with a number it is a station's ("abc-7", "nbc-4")
        words = all(p in affixes for p in parts if p != real)
        return len(real) >= (3 if words else shortest)
    for affix in affixes:
        if len(real) >= 5 and label in (real + affix, affix + real):
            return True
    if label[:1] != real[:1]:
        return False  # a typosquat keeps the first letter; "express" is not "lexpress"
    if re.sub(r"\d+", "", label) == real or ("-" in real and label.replace("-", "") == real.replace("-", "")):
        return False  # a station's number ("fox4news", "nbc9news"), or the name's own hyphen moved
    if _short_part_changed(label, real, affixes):
        return False
    distance = OSA.distance(label, real)
    if distance == 1 and len(real) >= 6:
        return _typo(label, real)
    if distance == 2 and len(real) >= 10:
        return True
    return distance == 1 and len(label) == len(real) and len(real) >= shortest and _confusable(label, real)


def _short_part_changed(label: str, real: str, affixes: set[str]) -> bool:
    """Whether the edits fall in the short distinctive part of a compound name: "ap" of "apnews", "nd" of
    "nd-aktuell". Changing two or three letters of it gives another name ("amnews", "nrw-aktuell"), not a
    look-alike of this one; a look-alike keeps that part and bends the rest."""
    if "-" in real:
        head, _, tail = real.partition("-")
    else:
        # the generic words that end the name, one or several ("dailynews" of "nydailynews")
        head = real
        while (affix := next((a for a in affixes if len(a) >= 3 and head.endswith(a) and len(head) > len(a)), None)) is not None:
            head = head[: len(head) - len(affix)]
        tail = real[len(head) :]
    if not tail or len(head) > 3 or not label.endswith(tail):
        return False
    return not label.startswith(head)


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_VOWELS = frozenset("aeiouy")


def _near_keys(a: str, b: str) -> bool:
    """Neighbours on a QWERTY keyboard, in a row or between rows."""
    where = {c: (r, i) for r, row in enumerate(_KEYBOARD) for i, c in enumerate(row)}
    if a not in where or b not in where:
        return False
    (ra, ia), (rb, ib) = where[a], where[b]
    return abs(ra - rb) <= 1 and abs(ia - ib) <= 1


def _typo(label: str, real: str) -> bool:
    """One edit as typosquatters make them: a letter left out, doubled or added, two swapped, or one
    replaced by a neighbouring key, another vowel or a look-alike ("washinqtonpost"), or the last letter
    replaced. Another letter altogether inside the name ("dailyddt" for "dailydot") names something else."""
    if len(label) != len(real):
        return True
    changed = [(i, a, b) for i, (a, b) in enumerate(zip(label, real)) if a != b]
    if len(changed) != 1:
        return True  # two letters swapped
    at, a, b = changed[0]
    # the last letter replaced ("t-onlinl" for "t-online", as Doppelganger's clones did) is read past
    return at == len(real) - 1 or _near_keys(a, b) or (a in _VOWELS and b in _VOWELS) or frozenset((a, b)) in _CONFUSABLE or a.isdigit() or b.isdigit()


def _confusable(label: str, real: str) -> bool:
    changed = [frozenset((a, b)) for a, b in zip(label, real) if a != b]
    return len(changed) == 1 and changed[0] in _CONFUSABLE


# Credits served from no outlet's address -------------------------------------------------

_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


@check("credit-on-proxy-host", {"proxy-suffixes": ()}, ("outlet", "domain"))
def credit_on_proxy_host(call: CheckCall) -> list[Hit]:
    """A credit to a registered agency or outlet on a page served from a bare IP address or
    from a host-anything platform (``proxy-suffixes``: workers.dev, a web proxy...): wire copy
    re-served by a scraper or a mirror, under no publisher's name."""
    article = call.article
    host = _host(article.url or article.canonical_url)
    if not host:
        return []
    suffixes = tuple(s.casefold().lstrip(".") for s in call.texts("proxy-suffixes"))
    if not (_IPV4.match(host) or host.startswith("[") or any(host == s or host.endswith("." + s) for s in suffixes)):
        return []
    names = sorted({s for s, _ in call.registry.surfaces() if len(s) >= 3}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    for zone in select_zones(article, call.zones):
        match = pattern.search(article.zone_text(zone))
        if match:
            entry = call.registry.for_name(match.group(0))
            start = zone.start + match.start()
            return [Hit(match.group(0), start, start + len(match.group(0)), {"outlet": entry.name if entry else match.group(0), "domain": host})]
    return []
