"""The registry of known outlets and news agencies (``rules/sources/*.yaml``).

Each entry has a name, aliases, the registered domains the outlet publishes
on, a kind (``wire-agency``, ``state-media``, ``newspaper``...), a country and
an optional reliability prior from 0 to 1 with the ``prior_source`` it comes
from. The rules use it to recognise credits (a misspelled ``Xinhue``), to tell
whether a page that claims an outlet is on that outlet's domains, and the
source scores start from its priors.

A file looks like::

    ignore-credits: [Kyoto]          # words never taken for a misspelled credit
    sources:
      - name: Xinhua News Agency
        aliases: [Xinhua, Xinhuanet]
        domains: [news.cn, xinhuanet.com]
        kind: wire-agency
        country: CN
        prior: 0.6
        prior_source: "wikipedia-rsp-2021: no consensus"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, cast

from ..errors import RuleFileError
from .rulefiles import FieldReader, describe, read_yaml

__all__ = ["KINDS", "Registry", "SourceEntry", "load_registry", "normalise_name", "per_registry"]

KINDS = (
    "wire-agency",
    "state-media",
    "public-broadcaster",
    "broadcaster",
    "newspaper",
    "magazine",
    "digital",
    "aggregator",
)
_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
_ENTRY_FIELDS = ("name", "aliases", "domains", "kind", "country", "prior", "prior_source", "notes")
_LEGAL_SUFFIX = re.compile(
    r"(?:\s+(?:information|media|news|newspapers?|publishing|press|online|group|holdings?|company|co|corp|corporation|inc|llc|ltd|limited|plc|gmbh|s\.?a|ag))+\.?$"
)


_POSSESSIVE = re.compile(r"'s\b")
_PUNCTUATION = re.compile(r"[^\w\s.]|_")
_THE = re.compile(r"^\s*the\s+")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """A name as compared: NFKC, case-folded, without "the", punctuation or extra spaces.

    Memoised: a page repeats its capitalised runs, and each is compared several times."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = _POSSESSIVE.sub("s", text)
    text = _PUNCTUATION.sub(" ", text)
    text = _THE.sub("", text)
    return " ".join(text.replace(".", " ").split())


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """One known outlet or agency."""

    name: str
    kind: str
    domains: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    country: str | None = None
    prior: float | None = None
    prior_source: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def owns(self, domain: str | None) -> bool:
        """Whether ``domain`` (a registered domain or host) is one of this outlet's."""
        if not domain:
            return False
        host = domain.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True, slots=True)
class Registry:
    """Known outlets and agencies, looked up by domain and by name."""

    entries: tuple[SourceEntry, ...] = ()
    ignore_credits: frozenset[str] = frozenset()
    _names: dict[str, SourceEntry] = field(default_factory=dict, init=False, repr=False, compare=False)
    _domains: dict[str, SourceEntry] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for entry in self.entries:
            for name in entry.names:
                self._names.setdefault(normalise_name(name), entry)
            for domain in entry.domains:
                self._domains.setdefault(domain, entry)

    def for_domain(self, domain: str | None) -> SourceEntry | None:
        """The entry owning ``domain`` or one of its parent domains."""
        if not domain:
            return None
        parts = domain.lower().rstrip(".").split(".")
        for i in range(len(parts) - 1):
            entry = self._domains.get(".".join(parts[i:]))
            if entry is not None:
                return entry
        return None

    def owning_prefix(self, host: str) -> tuple[str, SourceEntry] | None:
        """A registered domain that ``host`` begins with, followed by more labels: "abcnews.com" of
        "abcnews.com.co", "cnn.com" of "www.cnn.com.de" (a subdomain, "edition.cnn.com", is not one)."""
        parts = host.lower().rstrip(".").split(".")
        if parts[0] == "www":
            parts = parts[1:]
        for i in range(len(parts) - 1, 1, -1):
            entry = self._domains.get(".".join(parts[:i]))
            if entry is not None:
                return ".".join(parts[:i]), entry
        return None

    def for_name(self, name: str | None) -> SourceEntry | None:
        """The entry named ``name`` (or an alias), also without a legal suffix ("Co", "Ltd"...)."""
        if not name:
            return None
        key = normalise_name(name)
        entry = self._names.get(key)
        if entry is None:
            entry = self._names.get(_LEGAL_SUFFIX.sub("", key))
        if entry is None and _DOMAIN.match(name.strip().lower()):
            entry = self.for_domain(name.strip().lower())
        return entry

    def surfaces(self) -> tuple[tuple[str, SourceEntry], ...]:
        """Every name and alias with its entry, for fuzzy matching of credits."""
        return tuple((name, entry) for entry in self.entries for name in entry.names)


def load_registry(files: Sequence[tuple[Path, str]]) -> Registry:
    """Read registry files, given as (path, name shown in errors), into one Registry."""
    entries: list[SourceEntry] = []
    ignore: set[str] = set()
    owners: dict[str, str] = {}
    for path, source in files:
        reader = FieldReader(read_yaml(path, source), source)
        reader.only(("sources", "ignore-credits"))
        ignore.update(word.casefold() for word in reader.texts("ignore-credits"))
        for index, item in enumerate(reader.items("sources")):
            entry = _read_entry(reader.child(item, f"sources[{index}]"))
            for domain in entry.domains:
                if domain in owners:
                    raise RuleFileError(
                        f"sources[{index}].domains: {domain!r} already belongs to {owners[domain]}", source=source
                    )
                owners[domain] = entry.name
            entries.append(entry)
    return Registry(tuple(entries), frozenset(ignore))


def _read_entry(reader: FieldReader) -> SourceEntry:
    reader.only(_ENTRY_FIELDS)
    domains = tuple(d.lower() for d in reader.texts("domains"))
    for index, domain in enumerate(domains):
        if not _DOMAIN.match(domain):
            reader.fail(f"domains[{index}]", f"expected a bare domain like 'news.cn', got {describe(domain)}")
    prior = reader.number("prior", 0.0, 1.0)
    prior_source = reader.optional_text("prior_source")
    if prior is not None and prior_source is None:
        reader.fail("prior_source", "missing (required when prior is given)")
    return SourceEntry(
        name=reader.text("name"),
        kind=reader.choice("kind", KINDS),
        domains=domains,
        aliases=reader.texts("aliases"),
        country=reader.optional_text("country"),
        prior=prior,
        prior_source=prior_source,
    )


_T = TypeVar("_T")
_PER_REGISTRY: dict[tuple[int, object], tuple[Registry, Any]] = {}


def per_registry(registry: Registry, what: object, build: Callable[[], _T]) -> _T:
    """A table derived from ``registry``, built once per registry for every page of a run. The registry is
    kept beside its tables, so that its id is not reused by another while they are cached."""
    key = (id(registry), what)
    cached = _PER_REGISTRY.get(key)
    if cached is None or cached[0] is not registry:
        if len(_PER_REGISTRY) > 16:
            _PER_REGISTRY.clear()
        _PER_REGISTRY[key] = (registry, build())
    return cast(_T, _PER_REGISTRY[key][1])
