"""Credit lines: the outlets and agencies a page names as the source of its story.

``find_credits(text)`` reads every line of ``text`` and returns the names it
credits, whole ("Texas Observer", "dts Nachrichtenagentur", "Colombia News |
Colombia Reports"), in order of appearance, without repeats. The forms read:

    wire datelines          WASHINGTON (Reuters) -   Bogotá (dpa) -   Chennai, Sep 12 (PTI)   新华社北京1月11日电
    agency tags             ... bilateral ties (Xinhua)   (dpa/gem)   Harare | AFP |
    source lines            Source: Xinhua   Quelle: dpa-AFX   来源:新华网   Source: Vantage Post / Xinhua
    republication notices   originally published by / on / in, first published in, republished from,
                            appeared first on, originally appeared on, a post from, posted by,
                            provided by, courtesy of, under licence from, in collaboration with
    read-more links         Read more: ..., Bloomberg   Read the full story at Vantage Post: URL
    bylines                 By AP and TOI staff   By Jane Roe, BBC News, New York   Detroit News wire services
    contributed reporting   NPR's Geoff Brumfiel contributed to this report   Mit Material von dts
    bracketed sources       [Daily Trust] ...   (aggregators)
    copyright notices       © Reuters   Copyright KUT News 2025

A line that only quotes someone ("according to Reuters") credits no source:
that is attribution of a claim, not of the story. Names of people are never
credits. Precision comes first: a line is read only where one of its forms is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..rules.prefilter import Clauses, may_match, required_literals

__all__ = ["AGENCIES", "find_credits", "credits_of_links"]

#: Wire agencies and syndicators, by the short names their tags use (matched without regard to case).
AGENCIES = frozenset(
    name.casefold()
    for name in (
        "AP", "AFP", "Reuters", "dpa", "KNA", "epd", "SID", "APA", "ANSA", "EFE", "PTI", "IANS", "ANI", "UPI",
        "Yonhap", "Xinhua", "Kyodo", "TASS", "ITAR-TASS", "RIA", "RIA Novosti", "AAP", "CP", "Canadian Press",
        "Associated Press", "Agence France-Presse", "Bloomberg", "dts", "askanews", "Lusa", "Europa Press",
        "Anadolu", "AA", "Bernama", "Antara", "Interfax", "Ukrinform", "NTB", "ATS", "Belga", "ANP", "CTK", "PAP",
        "MTI", "BTA", "Agerpres", "Tanjug", "HINA", "STA", "Kathpress", "WAM", "SPA", "KUNA", "QNA", "MENA", "IRNA",
        "APS", "NAN", "UNI", "CNA", "Jiji", "Sputnik", "Xinhua News Agency", "Yonhap News Agency", "dpa-AFX",
        "AP News", "Reuters News", "Press Trust of India", "Agenturen", "Agencies", "KNA", "ddp",
        "dts Nachrichtenagentur", "SDA", "Keystone-SDA", "APA-OTS", "Uypress", "新华社", "中新社", "中新网",
    )
)  # fmt: skip

_CONNECT = r"(?:of|de|du|des|der|die|das|für|and|&|van|von|la|le|el|for|the)"
_WORD = r"(?:[A-Z0-9ÄÖÜÉ][\w&'’.\-]*[\w.]|[A-Z0-9])"
#: An outlet name: capitalised words, with the small words names are made of between them.
_NAME = rf"(?:[Tt]he\s+)?(?P<c>{_WORD}(?:\s+(?:{_WORD}|{_CONNECT}(?=\s+[A-Z0-9])))*(?:\s+\([A-Z][\w ]+\))?)"
#: A single token after a strong trigger may be lower case ("published on coolimba and", "Quelle: kathpress").
_TOKEN = r"(?P<t>[\w][\w.\-]*[\w])"
_NOT_NAMES = frozenset(
    "the this that he she it they we you i photo image video file updated editor share subscribe advertisement "
    "reading more here getty images staff author home news january february march april may june july august "
    "september october november december monday tuesday wednesday thursday friday saturday sunday pictured "
    "left right above below top bottom a an its their his her our your my these those its original source "
    "us them him me one".split()
)
_MONTHS = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?$|^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day$"
)
_OUTLET_WORDS = re.compile(
    r"\b(?:News|Press|Times|Post|Daily|Herald|Journal|Agency|Tribune|Media|Network|Radio|TV|Television|Gazette|"
    r"Chronicle|Observer|Review|Magazine|Wire|Report|Reports|Today|Telegraph|Guardian|Express|Mail|Standard|Monitor|"
    r"Insider|Online|Digest|Bulletin|Courier|Times|Zeitung|Nachrichten|Rundschau|Presse|Agentur|Nachrichtenagentur)\b"
)

_I = re.IGNORECASE
# (pattern, how the name is read): "name" a capitalised run (or one token after a strong trigger),
# "rest" everything up to the end of the sentence, "parts" a list split on commas, "and", slashes.
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    # wire datelines and agency tags in parentheses: the last group before the text, split on "/"
    (re.compile(r"^[^()\n]{0,60}?(?:\([^()]{1,30}\)[^()\n]{0,25}?)?\((?P<p>[^()]{2,40}?)\s*\)\s*(?:[-–—:.]|--|\.-|$|(?=[A-Z\"“]))"), "paren"),
    (re.compile(r"\((?P<p>[^()]{2,40}?)\s*\)\s*[.]?\s*$"), "paren"),
    (re.compile(r"^\s*\[(?P<p>[^\]]{2,50})\]\s"), "bracket"),
    (re.compile(r"^[A-Z][^|\n]{0,40}\|\s*(?P<p>[A-Za-z][\w-]{1,20})\s*\|"), "paren"),
    (re.compile(r"^\s*(?P<p>新华社|中新社|中新网|人民日报|央视新闻|新华网)"), "bracket"),
    # labelled source lines
    (re.compile(r"(?:^|[|·•]\s*|\b(?:Foto|Photo|Text)/)(?:source|sources|quelle|quellen|fuente|fonte|source\s+url|original\s+source)\s*[:：]\s*(?P<r>[^|\n]{2,80})", _I), "parts"),
    (re.compile(r"(?:稿件来源|来源|來源|出处)\s*[:：]\s*(?P<r>[^\s|，,]{2,20})"), "cjk"),
    (re.compile(r"\b(?:mit material (?:von|der)|with material from|with (?:additional )?reporting (?:from|by)|additional reporting by|with files from|with input from)\s+(?P<r>[^.;)\n]{2,60})", _I), "agency-parts"),
    # republication notices
    (re.compile(r"\b(?:originally|first)\s+(?:published|posted|appeared|ran|printed|aired|reported)\b(?P<r>[^.\n]{0,120})", _I), "prep"),
    (re.compile(r"\b(?:republished|reprinted|reposted|syndicated|reproduced|adapted)\b(?:\s+\w+){0,3}?\s+(?:from|by|with (?:the )?(?:kind )?permission (?:of|from))\s+(?P<r>[^.\n]{2,80})", _I), "name"),
    (re.compile(r"\bappeared first on\s+(?P<r>.{2,80}?)(?:\.\s*$|\s+[-–—]\s+|\.\s|$)", _I), "whole"),
    (re.compile(r"\b(?:is|was) a post from\s+(?P<r>[^\s]{2,60})", _I), "token"),
    (re.compile(r"\b(?:posted|provided|distributed|supplied|published)\s+by\s+(?P<r>[^.\n]{2,80})", _I), "name"),
    (re.compile(r"\bcourtesy(?:\s+of)?\s*:?\s+(?P<r>[^.\n]{2,80})", _I), "name"),
    (re.compile(r"\bunder licen[cs]e from\s+(?P<r>[^\n]{2,80}?)(?:\.\s|\.$|;|$)", _I), "whole-name"),
    (re.compile(r"\bin (?:collaboration|partnership|cooperation) with\s+(?P<r>[^.,\n]{2,60})", _I), "name"),
    (re.compile(r"\b(?:stories|news) moved by\s+(?P<r>[^.\n]{2,60})", _I), "name"),
    # read-more and continue-reading links
    (re.compile(r"^\W*(?:read more|read the (?:full|original|whole) (?:story|article|post)|read the original|continue reading|full story|continua a leggere|weiterlesen|lire la suite|seguir leyendo|leia mais)\b(?:\s+(?:at|on|in|su|bei|sur|en))?\s*[:：]?\s*(?P<r>[^\n]{2,160})", _I), "readmore"),
    # bylines
    (re.compile(r"^\W*(?:by|von|por|par)\s+(?P<r>[^:|\n]{2,120})", _I), "byline"),
    (re.compile(r"^(?P<r>[A-Z][\w .&]{1,40}?)\s+(?:wire services|wire reports|staff and wires?|and wire reports)\s*$"), "whole"),
    # contributed reporting
    (re.compile(r"(?P<r>[A-Z][\w .&]{1,40}?)(?:'s|’s|’|')\s+(?:[A-Z][\w.'-]+\s*){1,4}(?:contributed|also contributed)\b"), "whole"),
    (re.compile(r"(?P<r>[A-Z][\w .&]{1,40}?)\s+(?:writers?|reporters?|correspondents?|staff)\b[^.\n]{0,200}\bcontributed\b"), "whole"),
    # copyright notices naming a holder
    (re.compile(r"(?:©|\([cC]\)|\bcopyright\b)\s*(?:©\s*)?(?:(?:19|20)\d{2}\s*)?(?P<r>[^\n]{2,60})", _I), "copyright"),
    # aggregator labels, summaries and agency reports
    (re.compile(r"^(?P<r>[A-Z][A-Z .&'-]{2,40}?)\s+-\s+\d+\s+(?:hours?|hrs?|min(?:ute)?s?|days?)\b.*\bago\b"), "whole"),
    (re.compile(r"^(?P<r>\w[\w .-]{1,30}?)\s+(?:World |Top |Business |Sports )?News Summary\s*$"), "agency"),
    (re.compile(r"\b(?P<r>[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})\s+(?:reports|reported|news agency reported)\s*[.]?\s*$"), "agency"),
    (re.compile(r"\b(?P<r>[A-Za-z][\w-]+(?:\s+[A-Z][\w-]+){0,2})\s*$"), "agency-tail"),
)
_PAREN_NOT = re.compile(
    r"^(?:photo|image|file|video|pictured|left|right|center|centre|above|below|updated|reuters photo|ap photo|afp photo|"
    r"\d[\d\s:.,/-]*|[a-z]{1,3}\.?|[A-Z]{1,2}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)$"
)
_URL = re.compile(r"https?://[^\s)\]>\"']+|\bwww\.[\w.-]+\.[a-z]{2,}[^\s)\]>\"']*", _I)
_DATE_TAIL = re.compile(r"(?:19|20)\d{2}[-/.年]\d.*$")
_PERSON = re.compile(r"^(?:[A-Z]\.\s*)*[A-Z][a-z'’-]+(?:\s+(?:[A-Z]\.|[A-Z][a-z'’-]+|de|van|von|al|bin|da|del|la|le)){1,3}$")


def find_credits(text: str) -> list[str]:
    """The outlets and agencies the lines of ``text`` credit as the source of the story."""
    found: dict[str, str] = {}
    # the forms whose words the text holds at all, read once: a line can hold no form its text lacks
    forms = [(form, literals) for form, literals in zip(_FORMS, _form_literals(), strict=True) if may_match(literals, text)]
    for line in text.splitlines():
        for name in _line_credits(line.strip(), forms):
            found.setdefault(name.casefold(), name)
    return list(found.values())


def credits_of_links(links: Iterable[tuple[str, str, str]]) -> list[str]:
    """Credits from a page's links: (href, anchor text, the text of the block around it).

    A link whose block reads as a credit ("Read the original article", "This
    story first appeared on", "Source:") credits the site it points to, named by
    the anchor when it is a name, else by the link's host."""
    found: dict[str, str] = {}
    for href, anchor, block in links:
        if not href.startswith(("http://", "https://")) or not _LINK_CONTEXT.search(block):
            continue
        host = re.sub(r"^https?://(?:www\.)?", "", href).split("/")[0].split(":")[0].lower()
        name = anchor.strip()
        if not name or _LINK_GENERIC.search(name) or len(name) > 60 or _URL.fullmatch(name):
            name = host
        found.setdefault(name.casefold(), name)
    return list(found.values())


_LINK_CONTEXT = re.compile(
    r"\b(?:originally (?:published|appeared|posted)|first (?:published|appeared)|appeared first|republished|reprinted|"
    r"read (?:the )?(?:more|full|original|whole)|original (?:article|story|post)|continue reading|source\s*:|quelle\s*:|"
    r"via\b|courtesy of)",
    re.I,
)
_LINK_GENERIC = re.compile(r"^(?:here|this|link|original|the original|read more|click here|more|source|article|story)\b", re.I)


def _line_credits(line: str, forms: list[tuple[tuple[re.Pattern[str], str], tuple[Clauses, ...] | None]]) -> Iterator[str]:
    if not line or len(line) > 2000:
        return
    for (pattern, how), literals in forms:
        if not may_match(literals, line):
            continue  # most lines hold none of a form's words ("courtesy", "posted by"): skip its regex
        for match in pattern.finditer(line):
            groups = match.groupdict()
            raw = next(groups[g] for g in ("p", "r") if groups.get(g) is not None)
            yield from _names(raw, how)


@lru_cache(maxsize=1)
def _form_literals() -> tuple[tuple[Clauses, ...] | None, ...]:
    """The words each form's matches must contain (None: a form with no such word, always tried)."""
    return tuple(required_literals([pattern]) for pattern, _ in _FORMS)


def _names(raw: str, how: str) -> Iterator[str]:
    raw = raw.strip()
    if how == "paren":
        name = re.split(r"\s*/\s*", raw)[0].strip(" .,")
        if _is_agency(name) or _OUTLET_WORDS.search(name) or (not _PAREN_NOT.match(name) and _looks_like_outlet(name)):
            yield name
    elif how == "bracket":
        if raw.strip().casefold() not in _NOT_NAMES and not re.match(r"^[\d\W]+$|^(?:updated|update|video|photos?|live|watch)\b", raw, re.I) and len(raw.split()) <= 6:
            yield raw.strip()
    elif how == "cjk":
        name = _DATE_TAIL.sub("", raw).strip()
        if name:
            yield name
    elif how == "parts":
        raw = _DATE_TAIL.sub("", raw)
        for part in re.split(r"\s*(?:/|,|;|\band\b|&|\|)\s*", raw):
            name = _lead_name(part, allow_token=True)
            if name:
                yield name
    elif how == "agency-parts":
        for part in re.split(r"\s*(?:/|,|;|\band\b|&)\s*", raw):
            name = _lead_name(part, allow_token=True)
            if name and (_is_agency(name) or _looks_like_outlet(name)):
                yield name
    elif how == "prep":
        name = _after_preposition(raw)
        if name:
            yield name
    elif how in ("name", "whole-name"):
        url = _URL.search(raw)
        name = _lead_name(raw, allow_token=True) if how == "name" else raw.strip().rstrip(".")
        if name:
            yield name
        elif url:
            yield _host(url.group(0))
    elif how == "whole":
        name = raw.strip().rstrip(".").strip()
        if name and name.casefold() not in _NOT_NAMES and len(name.split()) <= 8:
            yield name
    elif how == "token":
        yield raw.strip().rstrip(".")
    elif how == "readmore":
        yield from _read_more(raw)
    elif how == "byline":
        yield from _byline(raw)
    elif how == "copyright":
        name = _lead_name(re.sub(r"^(?:by|of)\s+", "", raw.strip(), flags=re.I), allow_token=True)
        name = re.split(r"\.\s+All\b|\s+All [Rr]ights", name or "")[0].rstrip(". ")
        if name and not name[0].isdigit() and name.casefold() not in ("all", "all rights reserved"):
            yield name
    elif how == "agency":
        name = raw.strip()
        if _is_agency(name):
            yield name
    elif how == "agency-tail":
        words = raw.split()
        for k in range(len(words)):
            tail = " ".join(words[k:])
            if _is_agency(tail) and (len(tail) > 3 or tail.isupper()):
                yield tail
                break


def _lead_name(text: str, *, allow_token: bool = False) -> str | None:
    """The outlet name a piece of text opens with."""
    text = text.strip().strip("\"'“”‘’ ")
    url = _URL.match(text)
    if url:
        return _host(url.group(0))
    match = re.match(_NAME, text)
    if match:
        name = _trim(match.group("c"))
        if name and name.casefold() not in _NOT_NAMES and not _MONTHS.match(name):
            return name
    if allow_token:
        token = re.match(_TOKEN + r"(?=$|[\s,.;:)])", text)
        if token and token.group("t").casefold() not in _NOT_NAMES and not token.group("t").isdigit():
            return token.group("t").rstrip(".")
    return None


def _trim(name: str) -> str:
    words = name.split()
    while words and (re.fullmatch(_CONNECT, words[-1]) or _MONTHS.match(words[-1]) or re.fullmatch(r"(?:19|20)\d\d\.?", words[-1])):
        words.pop()
    return " ".join(words).rstrip(".,;:")


def _after_preposition(rest: str) -> str | None:
    """The outlet named in "originally published [in German] in the print edition of Die Weltwoche"."""
    best: tuple[int, str] | None = None
    for match in re.finditer(r"\b(?P<prep>of|by|on|in|at|from)\s+(?:the\s+)?(?=\S)", rest):
        following = rest[match.end() :]
        url = _URL.match(following)
        name = _host(url.group(0)) if url else _lead_name(following)
        if name is None and match.group("prep") in ("on", "by", "at"):
            token = re.match(_TOKEN + r"(?=$|\s+(?:and|with|on|in)\b|[,.;:)])", following)
            name = token.group("t") if token and token.group("t").casefold() not in _NOT_NAMES else None
        if name is None or _MONTHS.match(name.split()[0]) or name.split()[0].isdigit():
            continue
        rank = 0 if match.group("prep") in ("of", "by", "from") else 1
        if best is None or rank < best[0]:
            best = (rank, name)
    return best[1] if best else None


def _read_more(rest: str) -> Iterator[str]:
    url = _URL.search(rest)
    text = _URL.sub("", rest).strip(" :-–—")
    parts = [p.strip() for p in re.split(r"\s*[,|]\s*", text) if p.strip()]
    if parts:
        name = _lead_name(parts[-1])
        if name and (not _PERSON.match(name) or _OUTLET_WORDS.search(name)) and len(name.split()) <= 5:
            yield name
            return
    if url:
        yield _host(url.group(0))


def _byline(rest: str) -> Iterator[str]:
    rest = re.sub(r"^(?:the\s+)", "", rest.strip(), flags=re.I)
    parts = re.split(r"\s*(?:,|\band\b|&|\|)\s*", rest)
    for part in parts:
        part = re.sub(r"^(?:author at|for|of|from)\s+", "", part.strip(), flags=re.I)
        part = re.sub(r"\s+(?:staff|staff writers?|wire services|reporters?|correspondents?)$", "", part, flags=re.I)
        if not part or _PERSON.match(part) and not _is_agency(part) and not _OUTLET_WORDS.search(part):
            continue
        name = _lead_name(part)
        if name is None or name != part.strip().rstrip("."):
            continue
        if _is_agency(name) or _OUTLET_WORDS.search(name) or (name.isupper() and 2 <= len(name) <= 6):
            yield name


def _is_agency(name: str) -> bool:
    return name.strip().casefold() in AGENCIES


def _looks_like_outlet(name: str) -> bool:
    """A name in a dateline's parentheses: an agency, an acronym, or a name with an outlet word."""
    return bool(_OUTLET_WORDS.search(name)) or (name.isupper() and 2 <= len(name) <= 8) or "." in name[1:-1]


def _host(url: str) -> str:
    return re.sub(r"^(?:https?://)?", "", url, flags=re.I).split("/")[0].rstrip(".,;:")
