"""Look-alike domains: a page served from a domain that imitates a registered outlet's.

The ``impostor-domain`` check, and the reading of hosts it shares with the other attribution
checks: a host's registrable labels (with tldextract's bundled suffix list, offline), and names
squashed as a domain label spells them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import OSA

from ..article.extract import split_host
from .checks import CheckCall, Hit, check
from .registry import Registry, SourceEntry, per_registry

__all__ = ["impostor_domain"]

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
        return [_hit(article.page_text, host, whole[1], whole[0])]
    labels = _page_labels(host)
    if not labels:
        return []
    affixes = {a.casefold() for a in call.texts("affixes")}
    shortest = int(call.number("min-length"))
    for label in labels:
        parts = set(label.split("-"))
        for real, entry in _near_labels(call.registry, label):
            if real in affixes:
                continue  # a generic word ("news" of news.cn) is every outlet's, no one's to imitate
            with_filler = label != real and real in parts  # pravda-fr, news-pravda
            if (real in shared and not with_filler) or not _imitates(label, real, affixes, shortest):
                continue  # a name several outlets use is no one's to imitate alone (another suffix, a letter off)
            if label != real and _names_itself(article.site_name, label, entry.name):
                continue
            return [_hit(article.page_text, host, entry, next(d for d in entry.domains if _registered_label(d) == real))]
    return []


def _hit(page: str, host: str, entry: SourceEntry, real: str) -> Hit:
    """The page's host, where the page shows it, as a look-alike of ``entry``'s domain ``real``."""
    start = page.find(host)
    return Hit(host, None if start < 0 else start, None if start < 0 else start + len(host),
               {"outlet": entry.name, "domain": host, "real": real})


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

    return per_registry(registry, "outlet labels", build)


def _near_labels(registry: Registry, label: str) -> list[tuple[str, SourceEntry]]:
    """The registered labels ``label`` could imitate, in registry order: the same, one of its hyphen
    parts, its beginning or its end, or one of the same first letter within two letters of its length
    (the only ways ``_imitates`` knows). Found through two indexes built once per registry, not by
    comparing with every outlet."""

    def build() -> tuple[dict[str, int], dict[tuple[str, int], list[int]]]:
        by_label: dict[str, int] = {}
        by_shape: dict[tuple[str, int], list[int]] = {}
        for at, (real, _entry) in enumerate(_outlet_labels(registry)):
            by_label[real] = at
            by_shape.setdefault((real[:1], len(real)), []).append(at)
        return by_label, by_shape

    by_label, by_shape = per_registry(registry, "outlet label index", build)
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


#: Each letter's row and column on a QWERTY keyboard.
_KEYS = {c: (r, i) for r, row in enumerate(("qwertyuiop", "asdfghjkl", "zxcvbnm")) for i, c in enumerate(row)}
_VOWELS = frozenset("aeiouy")


def _near_keys(a: str, b: str) -> bool:
    """Neighbours on a QWERTY keyboard, in a row or between rows."""
    if a not in _KEYS or b not in _KEYS:
        return False
    (ra, ia), (rb, ib) = _KEYS[a], _KEYS[b]
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
