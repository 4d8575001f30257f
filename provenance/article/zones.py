"""Split a page's text into zones: masthead, navigation, title, byline, body, footer...

This is the text-dump half of the extract stage. A page dump is the text a
browser shows, top to bottom, with no markup. The zoner works on lines:

1. each line gets features (words, sentence end, script) and, where a
   boilerplate lexicon recognises it, a kind (banner, footer, share...);
2. bylines and datelines are read in their many shapes, including a dateline
   glued to the first paragraph (`` date 2024-10-02 Chinese President...``);
3. the body is the densest run of prose lines, found as the maximum-sum
   segment of per-line scores (prose counts for, boilerplate against), or,
   when an HTML extractor already found the body, the lines of that body;
4. the title is the repeated headline, or the headline line closest above the
   byline; headline repeats, captions and teasers inside the body's head are
   cut back out of it;
5. every other line gets a zone of its own kind, so nothing is thrown away.

Offsets are character offsets into the page text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .dates import FoundDate, find_dates
from ..models import Metadata, Zone

__all__ = ["Layout", "zone_page", "normalise_space", "whole_text_layout", "word_count"]

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+(?:[.,]\d+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"""[.!?。！？…]["'”’)\]»]*$""")


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


# Lexicon of boilerplate lines: (kind, pattern, longest line in words it may match,
# words one of which must be in the line before the pattern is tried). Earlier
# entries win.
_LEXICON: tuple[tuple[str, re.Pattern[str], int, tuple[str, ...]], ...] = (
    ("disclaimer", _rx(r"^\W*(?:ai\s+)?disclaimer\b|^\W*(?:this|the)\s+(?:article|story|content|page)\s+(?:was|is|has been)\s+(?:generated|written|produced|created)\s+(?:\w+\s+){0,3}(?:by|with|using)\s+(?:an?\s+)?(?:ai|artificial intelligence)\b"), 400, ("disclaimer", "generated", "written", "produced", "created")),
    ("banner", _rx(r"\b(?:we|this (?:web)?site) uses? cookies\b|\bcookies? (?:policy|settings|preferences|consent)\b|\baccept (?:all )?cookies\b|\bconsent to (?:their|the) use\b|\bcookies\b.{0,80}\b(?:website|browser|browsing experience|opt[- ]out|necessary|consent)\b"), 80, ("cookie", "consent")),
    ("comments", _rx(r"^(?:\d+\s+)?(?:comments?|responses?|replies)(?:\s+\(\d+\))?\W*$|^(?:\d+\s+)?(?:comments?|responses?|thoughts) (?:on|to)\b|^leave a (?:reply|comment)\b|^join the (?:conversation|discussion)\b|^(?:show|view|load) (?:\d+ )?(?:more )?comments\b"), 12, ()),
    ("banner", _rx(r"\b(?:sign up|subscribe)\b.{0,40}\bnewsletters?\b|\bnewsletters?\b.{0,30}\b(?:sign[- ]?up|subscribe|inbox)\b|\bin your inbox\b|\balready a subscriber\b|^subscribe(?: now| today)?\W*$|^newsletters?\W*$|^information and settings$"), 40, ("newsletter", "subscri", "inbox", "information and settings")),
    ("footer", _rx(r"\bcopyright\b|©|\(c\)\s*(?:19|20)\d{2}|\ball rights reserved\b|\breproduction in whole or in part\b|\bwithout (?:prior )?(?:written )?(?:permission|authori[sz]ation)\b"), 120, ("copyright", "©", "(c)", "rights reserved", "reproduction", "without")),
    ("footer", _rx(r"\bprivacy (?:policy|notice)\b|\bterms (?:of|and) (?:use|service|conditions)\b|\bregistration number\b|\blicen[cs]e for publishing\b|\bcontact us\b|\babout us\b|\bbrowsers? with .* resolution\b"), 25, ("privacy", "terms", "registration", "licen", "contact us", "about us", "resolution")),
    ("related", _rx(r"^(?:related(?: articles| stories| news| content| coverage| posts)?|read (?:more|also|next)|see also|more (?:from|on|stories|news|top news|photos?|videos?)|more\s?(?:photo|video|top news)s?|most (?:popular|read|viewed|shared)(?: in 24h)?|top (?:news|stories)|you (?:may|might) (?:also )?like|recommended(?: for you)?|trending(?: now)?|latest (?:news|stories)|editor'?s picks)\b\W*$"), 6, ()),
    ("share", _rx(r"^(?:share(?: this(?: article| story)?| on| via| - \w+)?|tweet|e-?mail|print|facebook|twitter|x|whatsapp|wechat|weibo|linkedin|telegram|reddit|copy link|text\s*:\s*a+\s*print|font size|a\+?\s*a-?)\W*$"), 5, ()),
    ("navigation", _rx(r"^(?:home|menu|search|log ?in|sign ?in|register|top|back to (?:the )?top|skip to (?:main )?content|global edition\w*|edition|app download|download (?:the |our )?app|follow us|english|français|español|more|close|open|next|previous|(?:previous|next|older|newer) (?:post|article|story|entry)|\d+(?::\d+)*)\W*$|^[\W\d]*$"), 6, ()),
    ("navigation", _rx(r"^[^.!?]{0,80}(?:\s[/>»|›]\s)[^.!?]{0,80}$|\bapp download\b|\bglobal edition"), 14, (" / ", " > ", " » ", " | ", " › ", "app download", "global edition")),
    ("caption", _rx(r"^(?:photo|image|picture|file photo|video|graphic|credit)s?\s*(?:[:/(]|by\b)|^\(?photo[:/]|\((?:photo|image)[^)]*\)$|^photo$"), 18, ("photo", "image", "picture", "video", "graphic", "credit")),
)

_SPAM_TERMS = _rx(
    r"蜘蛛池|无码|av|视频|中文字幕|彩票|娱乐城|博彩|赌场|casino|viagra|cialis|porn|xxx|escort|payday loans?|betting|slot(?:s| machine)|replica watches|poker|bitcoin doubler"
)
_BYLINE_AUTHOR = re.compile(
    r"\b(?:By|BY|Written by|Author:|Reporter:|Reporting by)\s+(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|van|von|bin|al|da|del|la|le)){0,6})"
)
_EDITOR = re.compile(r"\b(?:Editor|Edited by)\s*:?\s*(?P<name>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})")
_DATE_LABEL = re.compile(r"^\W*(?:date|dated|published(?: on)?|posted(?: on)?|updated(?: on)?|last updated|first published|release date|time)\s*[:\-]?\s*", re.I)
# Credits in the body, each tried only when its trigger word is in the line.
_WIRE_CREDITS = (
    ("(", re.compile(r"\((?P<c>[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+){0,3})\)\s*(?:--|—|–|-)")),
    (" report", re.compile(r"(?:,|^)[^\S\n]*(?P<c>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2}) reports?[^\S\n]*[.!]?[^\S\n]*$", re.M)),
    ("by", re.compile(r"\b(?:reported by|first published by|originally published by)\s+(?:the\s+)?(?P<c>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})(?=\W)")),
    ("according to", re.compile(r"\baccording to\s+(?:the\s+)?(?P<c>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})(?=\W)")),
    ("via ", re.compile(r"\bvia\s+(?:the\s+)?(?P<c>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})(?=\W)")),
    (":", re.compile(r"\b(?:Source|Credit)\s*:\s*(?P<c>[A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+){0,2})")),
)
_NOT_CREDITS = {"The", "This", "He", "She", "It", "They", "Officials", "Analysts", "Sources", "Updated", "Editor", "Share"}
_URL_LINE = re.compile(r"^\W*(?:url|source url|link)\s*:\s*(?P<url>https?://\S+)\s*$", re.I)


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    words: int
    cjk: int
    is_prose: bool
    is_headline: bool
    lexicon: str | None
    kind: str | None = None  # final zone kind


@dataclass(frozen=True, slots=True)
class Layout:
    """What the zoner found on a page."""

    zones: tuple[Zone, ...]
    title: str | None = None
    byline: str | None = None
    published: FoundDate | None = None
    site_name: str | None = None
    url: str | None = None
    credits: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def zone_page(text: str, hints: Metadata | None = None, known_body: str | None = None) -> Layout:
    """Zone a page's text. ``known_body`` is the body found by an HTML extractor, if any."""
    hints = hints or Metadata()
    lines = _split_lines(text)
    if not lines:
        return Layout(zones=())
    cjk_page = sum(line.cjk for line in lines) > 0.5 * max(1, sum(len(line.text) for line in lines))
    for line in lines:
        line.lexicon = _lexicon_kind(line, cjk_page)
    notes: list[str] = []
    if known_body is not None:
        body = _known_body_lines(lines, known_body)
    else:
        body = _densest_region(lines)
    if not body:
        notes.append("no prose found: the page has no article body")
    first = min(body) if body else len(lines)
    bylines = _byline_lines(lines, first)
    title_idx = _title_lines(lines, first, bylines, hints.title)
    if known_body is None and body:
        body = _trim_head(lines, body, set(title_idx) | set(bylines))
    _assign_kinds(lines, body, set(title_idx), bylines)
    layout_zones = tuple(Zone(line.kind or "boilerplate", line.start, line.end) for line in lines)
    title = hints.title or (lines[title_idx[0]].text if title_idx else None)
    byline, published, credits = _read_bylines(lines, bylines)
    credits = _dedupe(credits + _wire_credits(lines, body))
    site = hints.site_name or _masthead_name(lines) or _outlet_from_bylines(lines, bylines) or _copyright_name(lines)
    return Layout(
        zones=layout_zones,
        title=title,
        byline=hints.byline or byline,
        published=published,
        site_name=site,
        url=hints.url or _url_in_page(lines),
        credits=credits,
        notes=tuple(notes),
    )


def whole_text_layout(text: str, found: Layout) -> Layout:
    """The layout of a text that is all body, keeping the metadata already found."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    zones = (Zone("body", start, end),) if end > start else ()
    notes = (*found.notes, "no prose found; the whole text is taken as the body")
    return Layout(zones, found.title, found.byline, found.published, found.site_name, found.url, found.credits, notes)


# 1. lines and their features ------------------------------------------------


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            lines.extend(_split_dateline_prefix(offset + len(raw) - len(raw.lstrip()), stripped))
        offset += len(raw)
    return lines


def _split_dateline_prefix(start: int, text: str) -> list[_Line]:
    """Cut a dateline glued to the first paragraph into a line of its own."""
    label = _DATE_LABEL.match(text)
    skip = label.end() if label else 0
    dates = find_dates(text[skip : skip + 40]) if skip or text[:1].isdigit() else []
    if dates and dates[0].start <= 2:
        cut = skip + dates[0].end
        rest = text[cut:]
        if word_count(rest) >= 8 and _SENTENCE_END.search(rest.strip()):
            lead = len(rest) - len(rest.lstrip())
            return [_make_line(start, text[:cut]), _make_line(start + cut + lead, rest.strip())]
    return [_make_line(start, text)]


def word_count(text: str) -> int:
    """Words of a text; two CJK characters count as one word."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // 2


def _make_line(start: int, text: str) -> _Line:
    cjk = len(_CJK.findall(text)) if _CJK.search(text) else 0
    words = word_count(text) if cjk else len(text.split())
    ends = bool(_SENTENCE_END.search(text))
    is_prose = (words >= 8 and ends) or words >= 25
    first = text[:1]
    is_headline = 2 <= words <= 25 and not ends and (first.isupper() or first.isdigit() or first in "\"'“‘") or (
        words >= 2 and text.endswith("?") and words <= 20
    )
    return _Line(start, start + len(text), text, words, cjk, is_prose, is_headline, None)


def _lexicon_kind(line: _Line, cjk_page: bool) -> str | None:
    text = line.text if line.text.isascii() else unicodedata.normalize("NFKC", line.text)
    if _is_spam(line, text, cjk_page):
        return "spam"
    lowered = text.lower()
    for kind, pattern, max_words, triggers in _LEXICON_TRIGGERED:
        if line.words > max_words or (triggers is not None and not triggers.search(lowered)):
            continue
        if pattern.search(text):
            return kind
    return None


_LEXICON_TRIGGERED = tuple(
    (kind, pattern, max_words, re.compile("|".join(map(re.escape, words))) if words else None)
    for kind, pattern, max_words, words in _LEXICON
)


def _is_spam(line: _Line, text: str, cjk_page: bool) -> bool:
    if "蜘蛛池" in text:
        return True
    if not line.cjk and "|" not in text and "｜" not in text:
        return False
    segments = [s for s in re.split(r"[|｜]", text) if s.strip()]
    if not cjk_page and line.cjk >= 20 and line.cjk > 0.4 * len(text) and (len(segments) >= 3 or line.cjk >= 60):
        return True
    if len(segments) >= 4 and line.words <= 8 * len(segments):
        hits = sum(1 for s in segments if _SPAM_TERMS.search(s))
        return hits >= max(2, len(segments) // 3)
    return False


# 2. the body -----------------------------------------------------------------


def _line_score(line: _Line) -> float:
    if line.lexicon is not None:
        return -(15.0 + line.words)
    if line.is_prose:
        return float(line.words)
    if line.is_headline:
        return -4.0
    return -(2.0 + 0.5 * line.words)


def _densest_region(lines: list[_Line]) -> list[int]:
    """Indices of body lines: the maximum-sum run of line scores, less its boilerplate."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for index, line in enumerate(lines):
        if total <= 0:
            total, start = 0.0, index
        total += _line_score(line)
        if total > best:
            best, best_span = total, (start, index)
    lo, hi = best_span
    body = [i for i in range(lo, hi + 1) if lines[i].lexicon is None]
    # Readers' comments follow the article: the body ends at their heading.
    weight = sum(lines[i].words for i in body if lines[i].is_prose)
    seen = 0
    for i in range(lo, hi + 1):
        if lines[i].lexicon == "comments" and seen >= 0.3 * weight:
            return [j for j in body if j < i]
        if lines[i].lexicon is None and lines[i].is_prose:
            seen += lines[i].words
    return body


def _known_body_lines(lines: list[_Line], body: str) -> list[int]:
    flat = normalise_space(body)
    hits = [i for i, line in enumerate(lines) if line.words >= 3 and normalise_space(line.text) in flat]
    if not hits:
        return []
    lo, hi = hits[0], hits[-1]
    return [i for i in range(lo, hi + 1) if normalise_space(lines[i].text) in flat and lines[i].lexicon != "spam"]


def _trim_head(lines: list[_Line], body: list[int], headers: set[int]) -> list[int]:
    """Drop title repeats, bylines, captions and teasers from the head of the body."""
    weight = sum(lines[i].words for i in body if lines[i].is_prose) or 1
    cut = None
    seen = 0
    for i in body:
        line = lines[i]
        if i in headers or line.lexicon in ("caption", "share"):
            if seen < 0.4 * weight:
                cut = i
        elif line.is_prose:
            seen += line.words
    if cut is None:
        return body
    return [i for i in body if i > cut]


# 3. title and byline ---------------------------------------------------------


def _byline_lines(lines: list[_Line], first_body: int) -> list[int]:
    """Lines before (or just inside the start of) the body that carry a byline or dateline."""
    found = []
    for i, line in enumerate(lines[: first_body + 2]):
        if line.is_prose or line.lexicon in ("footer", "banner", "spam"):
            continue
        if _BYLINE_AUTHOR.search(line.text) or _EDITOR.search(line.text) or _is_dateline(line.text):
            found.append(i)
    return found


def _is_dateline(text: str) -> bool:
    dates = find_dates(text)
    if not dates:
        return False
    rest = text[: dates[0].start] + text[dates[0].end :]
    return word_count(rest) <= 12


def _title_lines(lines: list[_Line], first_body: int, bylines: list[int], hinted: str | None) -> list[int]:
    if hinted:
        wanted = normalise_space(hinted).casefold()
        exact = [i for i, line in enumerate(lines) if normalise_space(line.text).casefold() == wanted]
        if exact:
            return exact
        # "Headline | Site" in <title> against "Headline" on the page, and the reverse.
        return [
            i
            for i, line in enumerate(lines[: first_body + 3])
            if line.is_headline and line.words >= 3 and _contains_either(normalise_space(line.text).casefold(), wanted)
        ][:1]
    head = [i for i in range(min(first_body + 3, len(lines))) if lines[i].lexicon is None and i not in bylines]
    counts: dict[str, list[int]] = {}
    for i in head:
        if lines[i].is_headline and lines[i].words >= 3:
            counts.setdefault(normalise_space(lines[i].text).casefold(), []).append(i)
    repeated = [group for group in counts.values() if len(group) > 1]
    if repeated:
        return min(repeated, key=lambda group: group[0])
    anchor = bylines[0] if bylines and bylines[0] < first_body else first_body
    run: list[int] = []
    for i in range(anchor - 1, -1, -1):
        line = lines[i]
        if line.lexicon in ("caption", "share", "navigation") and not run:
            continue
        if line.is_headline and line.lexicon is None and line.words >= 3:
            run.insert(0, i)
        elif run:
            break
        elif line.is_prose:
            break
    return run[:1]


def _contains_either(a: str, b: str) -> bool:
    return a in b or b in a


def _read_bylines(lines: list[_Line], bylines: list[int]) -> tuple[str | None, FoundDate | None, tuple[str, ...]]:
    author: str | None = None
    published: FoundDate | None = None
    credits: list[str] = []
    for i in bylines:
        text = lines[i].text
        match = _BYLINE_AUTHOR.search(text)
        if match and author is None:
            author = match.group("name").strip()
        dates = find_dates(text)
        if dates and published is None:
            published = dates[0]
        credits.extend(_credits_in_byline(text, dates, match))
    if author is None and credits:
        author = credits[0]
    return author, published, tuple(credits)


def _credits_in_byline(text: str, dates: list[FoundDate], author: re.Match[str] | None) -> list[str]:
    for date in reversed(dates):
        text = text[: date.start] + " | " + text[date.end :]
    if author:
        text = text.replace(author.group(0), " | ")
    text = _EDITOR.sub(" | ", text)
    text = _DATE_LABEL.sub("", text)
    found = []
    # "Eurasia/Xinhua": a section, then the credit; keep the part after the last slash.
    text = re.sub(r"\b[A-Z][\w-]*/(?=[A-Z])", "", text)
    for segment in re.split(r"[|/·•]", text):
        segment = re.sub(r"^\W*(?:updated|published|source)\s*:?", "", segment.strip(), flags=re.I).strip(" :-,")
        words = segment.split()
        if 1 <= len(words) <= 3 and all(w[:1].isupper() for w in words) and segment not in _NOT_CREDITS:
            if not _LEXICON_NAV.search(segment):
                found.append(segment)
    return found


_LEXICON_NAV = _rx(r"\bapp\b|\bdownload\b|\bphoto\b|\bshare\b")


def _wire_credits(lines: list[_Line], body: list[int]) -> tuple[str, ...]:
    found: list[str] = []
    for i in body[:3] + body[-2:]:
        text = lines[i].text
        for trigger, pattern in _WIRE_CREDITS:
            if trigger not in text:
                continue
            for match in pattern.finditer(text):
                credit = match.group("c")
                if credit not in _NOT_CREDITS and not credit.isdigit():
                    found.append(credit)
    return tuple(found)


# 4. kinds of the remaining lines ----------------------------------------------


def _assign_kinds(lines: list[_Line], body: list[int], titles: set[int], bylines: list[int]) -> None:
    body_set = set(body)
    first = min(body) if body else len(lines)
    last = max(body) if body else len(lines)
    title_text = {normalise_space(lines[i].text).casefold() for i in titles}
    first_title = min(titles) if titles else None
    last_title = max((i for i in titles if i < first), default=-1)
    in_related = in_comments = False
    for i, line in enumerate(lines):
        if i in body_set:
            line.kind = "body"
        elif i in titles or (i < last and line.is_headline and normalise_space(line.text).casefold() in title_text):
            line.kind = "title"
        elif i in bylines:
            line.kind = "byline"
        elif line.lexicon is not None:
            line.kind = line.lexicon
        elif i < first:
            if first_title is not None and i < first_title:
                line.kind = "masthead" if _is_masthead(lines, i) else "navigation"
            elif first_title is not None and i - last_title <= 3 and (line.is_prose or line.is_headline):
                line.kind = "standfirst"
            elif first_title is None and line.is_prose and i >= first - 2:
                line.kind = "standfirst"
            else:
                line.kind = "navigation"
        elif i > last and in_comments:
            line.kind = "comments"
        elif i > last and (in_related or (line.is_headline and _headline_run(lines, i) >= 3)):
            line.kind = "related"
        else:
            line.kind = "body" if first < i < last and line.is_headline else "boilerplate"
        if line.lexicon == "comments" and i > last:
            in_comments = True
        elif line.lexicon in ("footer", "banner", "spam"):
            in_comments = False
        if line.kind == "related" or (line.lexicon == "related" and i > last):
            in_related = line.kind == "related"
        elif line.kind not in ("related",) and not line.is_headline:
            in_related = False


def _headline_run(lines: list[_Line], i: int) -> int:
    run = 0
    for line in lines[i:]:
        if line.is_headline and line.lexicon is None:
            run += 1
        else:
            break
    return run


def _is_masthead(lines: list[_Line], i: int) -> bool:
    """The outlet's name on the first line, and the tagline lines right under it."""
    first = lines[0]
    if first.lexicon is not None or not 2 <= first.words <= 6 or first.is_prose:
        return False
    return all(line.lexicon is None and line.words <= 8 and not line.is_prose for line in lines[: i + 1]) and i <= 2


def _masthead_name(lines: list[_Line]) -> str | None:
    first = lines[0]
    if first.kind == "masthead" and 2 <= first.words <= 5 and all(w[:1].isupper() for w in first.text.split()):
        return first.text
    return None


def _outlet_from_bylines(lines: list[_Line], bylines: list[int]) -> str | None:
    for i in bylines:
        text = lines[i].text
        if _BYLINE_AUTHOR.search(text) and "|" in text:
            segments = [s.strip() for s in text.split("|")]
            for segment in segments[1:]:
                if segment and not find_dates(segment) and not _DATE_LABEL.match(segment) and segment[:1].isupper():
                    return segment
    return None


def _copyright_name(lines: list[_Line]) -> str | None:
    for line in reversed(lines):
        if line.kind == "footer":
            match = _COPYRIGHT_NAME.search(line.text)
            if match and match.group("name").lower() not in ("all", "the"):
                return match.group("name")
    return None


_NAME_WORD = r"(?!All\b)[A-Z0-9][\w&'’-]*(?:\.[A-Za-z]{2,6})*"
_COPYRIGHT_NAME = re.compile(
    r"(?:copyright|©)\s*(?:©\s*)?(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?(?P<name>" + _NAME_WORD + r"(?: " + _NAME_WORD + r"){0,4})"
)


def _url_in_page(lines: list[_Line]) -> str | None:
    for line in lines[:5]:
        match = _URL_LINE.match(line.text)
        if match:
            return match.group("url")
    return None


def _dedupe(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
