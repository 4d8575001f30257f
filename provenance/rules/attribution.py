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
from collections.abc import Iterator, Set
from functools import lru_cache

from rapidfuzz.distance import OSA

from .checks import CheckCall, Hit, check, select_zones
from .lookalikes import _host, _registered_label, _squashed
from .lookalikes import impostor_domain  # noqa: F401  (registers its check, one of the attribution rules)
from .patterns import LinearPattern
from .prefilter import may_match, required_literals
from ..models import Article, Zone
from .registry import Registry, normalise_name, per_registry

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


@check("misspelled-credit", {"min-length": 5, "max-distance": 2, "other-kinds": ()}, ("expected",))
def misspelled_credit(call: CheckCall) -> list[Hit]:
    """Credits within ``max-distance`` edits (transpositions count one) of a registered name."""
    article, registry = call.article, call.registry
    min_length = int(call.number("min-length"))
    names = per_registry(registry, ("names", min_length, False), lambda: _Surfaces(_surface_groups(registry, min_length, False)))
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
    long_names = per_registry(registry, ("names", min_length, True), lambda: _Surfaces(_surface_groups(registry, min_length, True)))
    other_kinds = frozenset(w.casefold() for w in call.texts("other-kinds"))
    for text, start in _anywhere(article, call.zones, long_names.groups.keys(), other_kinds):
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


def _anywhere(
    article: Article, zones: tuple[str, ...], shapes: Set[tuple[str, int]], other_kinds: Set[str]
) -> Iterator[tuple[str, int]]:
    """Every run of two to five capitalised words, for long names (several words) misspelled outside
    credit positions; only runs of a ``shapes`` (first letter, word count) that some name has, and
    not inside a longer name ("Neue Deutche Welle") or before a word of ``other_kinds`` of
    organisation ("Al Jazera Consultants")."""
    for zone in select_zones(article, zones):
        for match in _ANYWHERE.finditer(article.zone_text(zone)):
            if " " not in match.group(0):
                continue
            words = list(re.finditer(r"\S+", match.group(0)))
            for i, first in enumerate(words):
                if first.group(0).casefold() in _STOP_WORDS:
                    continue
                if i > 0 and words[i - 1].group(0).casefold() not in _STOP_WORDS:
                    continue
                letter = first.group(0)[:1].casefold()
                for count, last in enumerate(words[i + 1 :], start=2):
                    after = i + count
                    if after < len(words) and words[after].group(0).casefold().strip(".,") in other_kinds:
                        continue
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

    return per_registry(registry, ("surfaces", min_length, long_only), build)


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
