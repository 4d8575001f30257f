"""Injected spam: a block of commercial spam terms, links or keywords on a page (see ``spam_block``)."""

from __future__ import annotations

import re

from ..models import Article, Zone
from .checks import CheckCall, Hit, check, select_zones
from .lexicons import Lexicon, lexicon, list_params, quoted, sentences, word_count

__all__ = ["spam_block"]

_LINE_SPLIT = re.compile(r"\n|\s[|｜•·]\s|\u00a0{2,}")
_SPAM_PARAMS: dict[str, object] = {
    "strong": (),
    "terms": (),
    "line-terms": (),
    "cues": (),
    "min-terms": 3,
    "max-line-words": 3,
    "min-prose-words": 12,
    "determiners": (),
    "headline-prefixes": (),
}


@check("spam-block", _SPAM_PARAMS, ("terms", "count"), patterns=list_params(_SPAM_PARAMS))
def spam_block(call: CheckCall) -> list[Hit]:
    """Injected spam: a commercial spam phrase, a link line, or a list of spam terms.

    - a ``strong`` phrase ("slot gacor", "buy cialis", "replica watches",
      "澳门威尼斯人") fires alone, in a list or inserted in a sentence, unless
      its sentence is prose (``min-prose-words`` words or more, or a headline
      after one of the ``headline-prefixes``: "Read also:") that carries a
      reporting ``cue`` (police, a hack, a warning, a price: news about spam),
      and in prose a phrase after one of the ``determiners`` ("another fake
      Rolex") names a thing rather than stands as link text;
    - a ``line-terms`` phrase fires when it makes a line on its own (a link:
      "wordpress themes", "casino online"), with at most ``max-line-words``
      other words;
    - ``terms`` fire together: ``min-terms`` distinct ones, or two lines or
      more of a list of short lines most of which hold one, in a block with
      no cue.

    A page whose only spam is one ``line-terms`` phrase, written as a menu item
    ("Sports Betting", "Online casinos") in its menus, links or footer,
    names a section of the site: news sites have betting sections. Injected
    links come several at a time, or as bare keywords ("casino online").

    A block whose terms are half or more in the article's body is on topic
    (the tags of a story about casinos) and does not fire.
    """
    strong, weak = lexicon(call.texts("strong")), lexicon(call.texts("terms"))
    lines_lex, cues = lexicon(call.texts("line-terms")), lexicon(call.texts("cues"))
    article = call.article
    zones = select_zones(article, call.zones)
    # the zones a term of any list may be in, screened in one pass over the page: most pages have none
    candidates = {id(z) for lex in (strong, weak, lines_lex) for z in lex.regions(article.page_text, zones)}
    spam: list[tuple[Zone, list[tuple[int, int]]]] = []
    lines_only = True
    for zone in (z for z in zones if id(z) in candidates):
        found, by_lines = _spam_in(article.zone_text(zone), strong, weak, lines_lex, cues, call)
        if found:
            spam.append((zone, found))
            lines_only = lines_only and by_lines
    if spam and lines_only and _one_section_name(article, spam):
        return []
    hits: list[Hit] = []
    for zone, found in spam:
        text = article.zone_text(zone)
        terms = list(dict.fromkeys(_phrase(text[s:e]) for s, e in found))
        if _on_topic(article, [z for z, _ in spam], terms):
            continue
        start, end = found[0][0], max(e for _, e in found)
        shown = ", ".join(terms[:3])
        hits.append(Hit(text[start:end], zone.start + start, zone.start + end, {"terms": shown, "count": str(len(terms))}))
    return hits


def _spam_in(
    text: str, strong: Lexicon, weak: Lexicon, lines_lex: Lexicon, cues: Lexicon, call: CheckCall
) -> tuple[list[tuple[int, int]], bool]:
    """The spam spans of one zone, and whether they are all ``line-terms`` lines."""
    found: list[tuple[int, int]] = []
    prose_words = call.number("min-prose-words")
    determiners = lexicon(call.texts("determiners"))
    headlines = lexicon(call.texts("headline-prefixes"))
    for start, end in sentences(text):
        spans = [(s, e) for s, e in strong.find(text, start, end) if not quoted(text[start:s])]
        # a headline after "Read also:" links to the site's own story: it reads as prose, whatever its length
        headline = any(not text[start:s].strip() for s, _ in headlines.find(text, start, min(end, start + 40)))
        if headline or word_count(text[start:end]) >= prose_words:
            # a cue inside a spam phrase ("Google" in "embed google maps generator") reports nothing
            if any(not any(s <= c < e for s, e in spans) for c, _ in cues.find(text, start, end)):
                continue
            # in prose, "another fake Rolex" names a thing; injected link text stands bare
            spans = [(s, e) for s, e in spans if not _follows(text, start, s, determiners)]
        found += spans
    by_lines = not found
    lines = _lines(text)
    for start, end in lines:
        for s, e in lines_lex.find(text, start, end):
            other = word_count(text[start:s]) + word_count(text[e:end])
            if other <= call.number("max-line-words"):
                found.append((s, e))
    if found:
        return sorted(found), by_lines
    spans = weak.find(text)
    if not spans or cues.search(text):
        return [], False
    distinct = {_phrase(text[s:e]) for s, e in spans}
    with_terms = [line for line in lines if weak.find(text, *line)]
    is_list = len(with_terms) >= 2 and len(with_terms) >= 0.6 * len(lines) and all(
        word_count(text[s:e]) <= 8 for s, e in lines
    )
    if len(distinct) >= call.number("min-terms") or is_list:
        return spans, False
    return [], False


#: Zones of the site's own furniture, where a section of the site is named.
_FURNITURE = frozenset({"navigation", "related", "footer", "boilerplate", "banner", "masthead"})


def _one_section_name(article: Article, spam: list[tuple[Zone, list[tuple[int, int]]]]) -> bool:
    """Whether the spam lines of a page are one phrase, always in the site's furniture and written as a
    menu item ("Sports Betting", "Sports betting"), as the site's own menus name its sections."""
    phrases = set()
    for zone, found in spam:
        text = article.zone_text(zone)
        for s, e in found:
            shown = text[s:e].lstrip()
            if zone.kind not in _FURNITURE or not shown or not shown[0].isupper():
                return False
            phrases.add(_phrase(shown))
    return len(phrases) == 1


def _phrase(text: str) -> str:
    """A spam phrase as compared and shown: case-folded, single-spaced."""
    return " ".join(text.casefold().split())


def _follows(text: str, start: int, at: int, words: Lexicon) -> bool:
    """Whether the word just before ``at`` (in the sentence from ``start``) is one of ``words``."""
    end = at
    while end > start and text[end - 1].isspace():
        end -= 1
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    if end == at or begin == end:  # no space before ``at``, or no word before the space
        return False
    word = text[begin:end]
    return any(s == 0 and e == len(word) for s, e in words.find(word))


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _LINE_SPLIT.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def _on_topic(article: Article, spam: list[Zone], terms: list[str]) -> bool:
    """Whether half the terms or more are also in the article's body outside the spam blocks."""
    body = " ".join(article.zone_text(z) for z in article.zones if z.kind == "body" and z not in spam).casefold()
    return sum(1 for term in terms if term in body) * 2 >= len(terms)
