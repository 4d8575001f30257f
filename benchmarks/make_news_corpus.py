"""Write a deterministic JSON Lines corpus that looks like a real news stream, up to millions of records.

Unlike ``make_jsonl_corpus.py`` (181 recycled bodies: every story grows like N/181), every original
here is new text and copies come in families of realistic sizes:

* **Text**: the ~3,900 distinct English sentences of the 181 true bodies of
  ``shared/corpus/extraction-zyte`` are the pool. Each use of a sentence is mutated for its article:
  proper nouns map to the article's own cast of invented names (a few popular ones recur), numbers,
  years, months and weekdays are redrawn, 60% of content words are swapped for a word of the same
  ending seen between the same neighbours, 40% of function words within their group (in/at/on...).
  It keeps the grammar and look of news prose (datelines, quotes, attributions, figures), not its
  sense, and two originals share almost no 5-word shingle (3,000 originals: median best Jaccard
  with any other 0.009, p99 0.02).
* **Stories**: ~75% of records have no copy; family sizes follow P(size) ~ size^-2.5 (2..150). A
  copy appears hours to days after its origin (log-normal, median 6 h) on another outlet, with its
  boilerplate: ``reprint`` (whole body, maybe a credit line), ``excerpt`` (a run or an ordered subset
  of paragraphs), ``rewrite`` (sentences reordered, dropped, reworded; names and numbers kept) or
  ``figure`` (a reprint with one number changed).
* **Outlets**: 3,000 invented domains with a Zipf share of articles (12 wire agencies originate a
  quarter of the copied stories), some with page boilerplate or datelines, most with bylines. Dates
  span six months from 2024-01-01, in file order.

``<out>.truth.jsonl`` has one line per family member (records without copies are not listed):
``{"line", "url", "family", "role": origin|copy, "kind", "origin_line", "origin_url",
"changed_figure": {"from", "to", "paragraph", "context"} | null, "published"}``. Memory stays flat:
texts are regenerated from per-article seeds; only the copies still to come wait in a heap.

Usage: ``python benchmarks/make_news_corpus.py --n 10000 --out /tmp/news.jsonl [--seed 1] [--shared PATH]
[--json]``. Standard library only; the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import math
import random
import re
import sys
from bisect import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any

GROUND_TRUTH = Path("corpus") / "extraction-zyte" / "ground_truth.jsonl"
EPOCH, SPAN_SECONDS = datetime(2024, 1, 1, tzinfo=UTC), 182 * 86400
DOMAIN_COUNT, AGENCIES = 3000, 12
SINGLE_SHARE, FAMILY_EXPONENT, MAX_FAMILY = 0.75, 2.5, 150
KINDS = (("reprint", 0.40), ("excerpt", 0.20), ("rewrite", 0.25), ("figure", 0.15))
SWAP_RATE, FUNCTION_SWAP_RATE = 0.6, 0.4  # content words; function words within their group
BUCKETS = ((2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 50), (51, 10**9))

# fmt: off
FIRST_NAMES = tuple("""Aaron Adam Alan Alex Alice Amanda Amy Andrew Anna Anne Ben Brian Carlos Caroline Chris Claire
Daniel David Diana Elena Emily Emma Eric Fatima Frank Grace Hannah Helen Ian Isabel James Jane Jason Jennifer John
Jose Julia Karen Kate Kevin Laura Lisa Maria Mark Matt Michael Mohammed Nadia Nina Oliver Omar Paul Peter Priya
Rachel Ravi Robert Sam Sara Sarah Simon Sofia Steve Susan Thomas Tom Victor Wei William Yuki Zara""".split())
SYLLABLES = tuple("ba bel bor ca cor da del dor fa fen gal gor ha hal ka kel kor la lan lor ma mar mel na nor pa pel "
                  "ra ren ros sa sel sor ta tal tor va vel vor wen za zel".split())
SUFFIXES = ("", "", "", "a", "o", "son", "ton", "ville", "berg", "ford", "ham", "ley", "ova", "ez", "wick", "field")
KEEP = frozenset("I Mr Mrs Ms Dr St CEO CFO TV GDP AI AM PM OK DNA IPO EV FBI US UK EU UN NATO God Internet English "
                 "Christmas Easter".split())
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
STOPWORDS = frozenset("the of and to a in that is for it was on with as he she they said at by be this have".split())
FUNCTION_GROUPS = tuple(frozenset(g.split()) for g in """the this that its their his her our these those
|a one another each every|in at on for with from during across near within under over after before into through
|and or but|will would could can may might should must|is was|are were|has had|have had|he she it|they we
|some many several few most all both|also still even already|very more most too""".replace("\n", " ").split("|"))
_GROUP_OF = {w: i for i, g in enumerate(FUNCTION_GROUPS) for w in sorted(g)}
FUNCTION_WORDS = frozenset(_GROUP_OF) | frozenset("""about above again against also am an any as be because been being
below between by did do does doing down either else ever further having her here hers him how however i if is it itself
just least less me much my neither never no nor not now of off once only other out own per perhaps same since so such
than them then there though thus to until up upon us what when where whether which while who whom whose why without
yet you your said says say""".split())
SYNONYMS = {k: tuple(v.split(",")) for k, v in (x.split(":") for x in """said:added,stated,noted|says:adds,notes,states
|government:administration|officials:authorities|company:firm,business|companies:firms,businesses|big:large,major
|large:big,sizeable|important:significant,key|recently:lately|country:nation|countries:nations|city:town
|quickly:rapidly,swiftly|children:kids|cars:vehicles|car:vehicle|buy:purchase|bought:purchased|showed:indicated
|announced:disclosed,revealed|problem:difficulty|problems:difficulties|tried:attempted|often:frequently
|almost:nearly|built:constructed|difficult:hard,tough|main:chief,principal|biggest:largest|huge:enormous,vast
|whole:entire|think:believe|thinks:believes|workers:employees,staff|money:funds,cash|allowed:permitted
|although:though|residents:locals|areas:regions|several:a number of|received:got|wanted:sought|data:figures
|began:started|started:began|help:support|people:individuals|percent:per cent|team:group|also:additionally
|but:yet|major:big|new:fresh|increase:rise|decision:ruling|law:legislation|spokesman:spokesperson
|meeting:session|suggested:indicated|possible:feasible|research:study|told:informed|plan:proposal
""".replace("\n", "").strip("|").split("|"))}
_ENDINGS = ("ly", "ing", "ed", "tion", "sion", "ment", "ness", "ity", "ers", "er", "est", "al", "ive", "ous", "ful",
            "able", "ics", "ies", "ss", "s")
# fmt: on

_PIECE = re.compile(r"([A-Za-z]+(?:['’][A-Za-z]+)*|\d(?:[\d,.]*\d)?(?:st|nd|rd|th)?)")
_SENTENCE = re.compile(r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)(?<!\b[A-Z]\.)"
                       r"(?:(?<=[.!?])|(?<=[.!?][”\"’)]))\s+(?=[A-Z“\"(])")
_NUMBER = re.compile(r"(?<![\w.,])\d(?:[\d,]*\d)?(?![\w,]*\d)(?![A-Za-z])")
_DATE_BEFORE = re.compile(f"(?:{'|'.join(MONTHS)}) $")
_BAD = re.compile(r"https?:|www\.|@|#|\bclick\b|\bsubscribe\b|\bphoto\b|\bimage\b|getty|\bcaption\b|\|", re.IGNORECASE)
_ARTICLE = re.compile(r"\b([Aa])n? ([A-Za-z])(?=[a-z])")
Slot = str | tuple[str, str, tuple[str, ...]]


# --- the sentence pool: each word a slot, with the words that may replace it -------------------


def load_pool(shared: Path) -> list[tuple[Slot, ...]]:
    sentences: list[str] = []
    with (shared / GROUND_TRUTH).open(encoding="utf-8") as handle:
        for line in handle:
            for para in (json.loads(line).get("body") or "").splitlines():
                sentences += [s.strip() for s in _SENTENCE.split(para.strip()) if s.strip()]
    english, seen = [], set()  # pages quote a sentence twice: keep one (same first 8 words)
    for s in filter(_is_news_sentence, sentences):
        if (key := " ".join(re.findall("[a-z]+", s.lower())[:8])) not in seen:
            english.append(s)
            seen.add(key)
    counts = Counter(w for s in english for w in _PIECE.findall(s) if w.islower())
    lower, common = set(counts), defaultdict(set)  # swap candidates: content words seen twice, by ending
    for w, c in counts.items():
        if c >= 2 and w not in FUNCTION_WORDS:
            common[_shape(w)].add(w)
    pieces = [_PIECE.split(s) for s in english]
    succ: dict[str, set[str]] = defaultdict(set)
    pred: dict[str, set[str]] = defaultdict(set)
    for parts in pieces:
        seq = _classes(parts, lower)
        for a, b in pairwise(seq):
            succ[a].add(b)
            pred[b].add(a)
    cache: dict[tuple[str, str, str], tuple[str, ...]] = {}
    pool = []
    for parts in pieces:
        seq, slots, k = _classes(parts, lower), [], 0
        for i, part in enumerate(parts):
            if i % 2 == 0:
                slots.append(part)
                continue
            k += 1 + bool(parts[i - 1].strip())  # this word's index in seq, where punctuation is a token
            slots.append(_slot(part, lower, common, seq[k - 1], seq[k + 1], succ, pred, cache))
        pool.append(tuple(_merge_runs(slots)))
    return pool


def _is_news_sentence(s: str) -> bool:
    words = s.split()
    if not 6 <= len(words) <= 45 or s[-1] not in ".!?”\"" or _BAD.search(s) or re.search("[A-Z]{5}", s):
        return False
    if s.count("“") != s.count("”") or s.count('"') % 2 or s.count("(") != s.count(")"):
        return False
    english = sum(w.lower() in STOPWORDS for w in words) >= 0.15 * len(words)
    return english and sum(c.isascii() for c in s) / len(s) > 0.97


def _classes(parts: list[str], lower: set[str]) -> list[str]:
    """The sentence as tokens for the neighbour tables: words, punctuation, <num> and <name>."""
    seq = ["<s>"]
    for i, part in enumerate(parts):
        if i % 2 == 0:
            seq += [part.strip()] if part.strip() else []
        else:
            seq.append("<num>" if part[0].isdigit() else part.lower() if part.lower() in lower else "<name>")
    return [*seq, "</s>"]


def _slot(word: str, lower: set[str], common: dict[str, set[str]], before: str, after: str, succ: dict[str, set[str]],
          pred: dict[str, set[str]], cache: dict[tuple[str, str, str], tuple[str, ...]]) -> Slot:
    if word[0].isdigit():
        return ("num", word, ())
    if word in MONTHS or word in WEEKDAYS:
        return ("month" if word in MONTHS else "day", word, ())
    if len(word) == 1 and word.isupper():
        return ("keep", word, ())
    if not (word in KEEP or (word.lower() in lower and not word.isupper())):
        return ("acro" if word.isupper() else "name", word, ())
    low = word.lower()
    if low in _GROUP_OF and word not in KEEP:
        return ("fword", word, tuple(sorted(succ[before] & pred[after] & FUNCTION_GROUPS[_GROUP_OF[low]] - {low})))
    if low in FUNCTION_WORDS or word in KEEP:
        return ("keep", word, ())
    key = (before, after, _shape(low))
    if key not in cache:  # seen between both neighbours, else after the one before, else before the next
        fit = [c & common[key[2]] for c in (succ[before] & pred[after], succ[before], pred[after])]
        cache[key] = tuple(sorted(next((c for c in fit if len(c) > 2), fit[-1])))
    return ("word", word, tuple(w for w in cache[key] if w != low))


def _shape(word: str) -> str:
    """A crude part of speech from the ending, so that a swapped word keeps its inflection."""
    return next((end for end in _ENDINGS if word.endswith(end)), "")


def _merge_runs(slots: list[Slot]) -> list[Slot]:
    """Names separated by one space are one entity: 'Matt Bevin'."""
    out: list[Slot] = []
    for slot in slots:
        prev = out[-2] if len(out) >= 2 and out[-1] == " " else None
        if isinstance(slot, tuple) and slot[0] == "name" and isinstance(prev, tuple) and prev[0] == "name":
            out[-2:] = [("name", f"{prev[1]} {slot[1]}", ())]
        else:
            out.append(slot)
    return out


# --- one article: its cast, its sentences -------------------------------------------------------


def invent_name(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2)))).capitalize() + rng.choice(SUFFIXES)


POPULAR = tuple(invent_name(random.Random(f"popular/{i}")) for i in range(400))
_POPULAR_WEIGHTS = tuple(1 / (i + 1) for i in range(400))


class Cast:
    """An article's people, places and organisations; each source name maps to one of them."""

    def __init__(self, rng: random.Random, when: datetime) -> None:
        self.rng, self.when = rng, when
        self.people = [(rng.choice(FIRST_NAMES), self.entity()) for _ in range(rng.randint(2, 4))]
        self.singles = [self.entity() for _ in range(rng.randint(3, 6))]
        self.unused = self.singles + [p[1] for p in self.people]
        self.map: dict[str, str] = {}
        self.place = self.singles[0]

    def entity(self) -> str:
        popular = self.rng.random() < 0.2
        return self.rng.choices(POPULAR, _POPULAR_WEIGHTS)[0] if popular else invent_name(self.rng)

    def name(self, run: str) -> str:
        if run not in self.map:
            words = run.split()
            if len(words) >= 2 and words[0] in FIRST_NAMES:
                first, last = self.rng.choice(self.people)
                self.map.setdefault(words[-1], last)
                self.map[run] = f"{first} {last}"
            else:
                self.map[run] = " ".join([self.map.get(w) or self._fresh() for w in words[:2]])
        return self.map[run]

    def _fresh(self) -> str:
        """An unused cast member while they last, sometimes one already used or a newcomer."""
        if not self.unused or self.rng.random() < 0.25:
            return self.rng.choice(self.singles) if self.rng.random() < 0.5 else self.entity()
        return self.unused.pop(self.rng.randrange(len(self.unused)))


def realize(slots: tuple[Slot, ...], cast: Cast, rng: random.Random) -> str:
    out = []
    for slot in slots:
        if isinstance(slot, str):
            out.append(slot)
            continue
        kind, word, alts = slot
        if kind == "word" or kind == "fword":
            if alts and rng.random() < (SWAP_RATE if kind == "word" else FUNCTION_SWAP_RATE):
                new = rng.choice(alts)
                word = new.capitalize() if word[0].isupper() else new
        elif kind == "name":
            word = cast.name(word)
        elif kind == "acro":
            word = cast.map.setdefault(word, "".join(rng.choice("ABCDEFGHKLMNPRSTV") for _ in word[:4]))
        elif kind == "num":
            word = redraw_number(word, rng, cast.when.year, word[-1].isalpha() or (len(out) > 1 and out[-2] in MONTHS))
        elif kind == "month":
            word = MONTHS[(cast.when.month - 1 - rng.choice((0, 0, 1))) % 12]
        elif kind == "day":
            word = rng.choice(WEEKDAYS)
        out.append(word)
    return _ARTICLE.sub(_article, "".join(out))


def _article(m: re.Match[str]) -> str:  # 'a' or 'an' to fit a swapped word (not before h and u)
    return m[0] if m[2] in "hHuU" else m[1] + ("n " if m[2] in "aeioAEIO" else " ") + m[2]


def redraw_number(text: str, rng: random.Random, year: int, is_day: bool = False) -> str:
    if is_day:
        day = rng.randint(1, 28)
        end = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        return f"{day}{end}" if text[-1].isalpha() else str(day)
    if re.fullmatch(r"(19|20)\d\d", text):
        return str(year - min(30, int(rng.expovariate(0.35))))
    out, first = [], True
    for ch in text:
        out.append(str(rng.randint(1 if first else 0, 9)) if ch.isdigit() else ch)
        first = first and not ch.isdigit()
    return "".join(out)


# --- outlets, originals and copies ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outlet:
    domain: str
    site: str
    boilerplate: tuple[tuple[str, ...], tuple[str, ...]]  # lines before and after the body
    dateline: bool
    byline_rate: float
    title_case: bool
    url_style: int


def invent_outlets(seed: int) -> list[Outlet]:
    rng = random.Random(f"{seed}/outlets")
    nouns = ("Courier Ledger Dispatch Gazette Observer Sentinel Herald Tribune Bulletin Chronicle Monitor Post Times "
             "Journal Record Express Star Daily Review Today Insider Report").split()
    tlds = ("com", "com", "com", "net", "org", "news", "co.uk", "com.au", "info", "press", "ie", "ca")
    outlets: list[Outlet] = []
    seen: set[str] = set()
    while len(outlets) < DOMAIN_COUNT:
        agency = len(outlets) < AGENCIES
        site = f"{invent_name(rng)} {rng.choice(('Press', 'Wire', 'News Agency') if agency else nouns)}"
        domain = f"{re.sub('[^a-z]', '', site.lower())}.{rng.choice(tlds)}"
        if domain in seen:
            continue
        seen.add(domain)
        year = rng.choice((2023, 2024))
        head = rng.choice(((), (f"{site} | News",), (f"{site}", "Menu  Home  World  Business  Sport")))
        tail = rng.choice(((), (f"© {year} {site}. All rights reserved.",), ("Share this article",
                           "Sign up for our daily newsletter", f"© {site}"), ("Advertisement", f"More from {site}")))
        page = (head, tail) if rng.random() < 0.3 else ((), ())
        outlets.append(Outlet(domain, site, page, agency or rng.random() < 0.25,
                              rng.choice((0.95, 0.95, 0.95, 0.6, 0.0)), rng.random() < 0.3, rng.randrange(3)))
    return outlets


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    paragraphs: tuple[str, ...]
    byline: str | None


class Writer:
    """Originals from the pool (a pure function of the seed and their index), copies from originals."""

    def __init__(self, pool: list[tuple[Slot, ...]], outlets: list[Outlet], seed: int) -> None:
        self.pool, self.outlets, self.seed = pool, outlets, seed
        self.short = [i for i, s in enumerate(pool) if len(s) <= 30]
        self.original = lru_cache(maxsize=512)(self._original)

    def _original(self, index: int, outlet_i: int, when: datetime) -> Story:
        rng, outlet = random.Random(f"{self.seed}/o/{index}"), self.outlets[outlet_i]
        cast = Cast(rng, when)
        count = max(4, min(60, int(rng.lognormvariate(2.8, 0.45))))
        sentences = [realize(self.pool[rng.randrange(len(self.pool))], cast, rng) for _ in range(count)]
        paragraphs, i = [], 0
        while i < len(sentences):
            take = rng.choice((1, 1, 2, 2, 2, 3))
            paragraphs.append(" ".join(sentences[i : i + take]))
            i += take
        title = realize(self.pool[rng.choice(self.short)], cast, rng).rstrip(".!?”\"").lstrip("“\"")
        if outlet.title_case:
            title = " ".join(w if w[:1].isupper() or len(w) < 4 else w.capitalize() for w in title.split())
        if outlet.dateline:
            paragraphs[0] = f"{cast.place.upper()}, {when:%B} {when.day} ({outlet.site}) — {paragraphs[0]}"
        return Story(title, tuple(paragraphs), byline(rng, outlet))

    def copy(self, story: Story, kind: str, rng: random.Random, origin: Outlet, outlet: Outlet) -> tuple[Story, Any]:
        paras, title, figure = list(story.paragraphs), story.title, None
        if kind in ("reprint", "figure") and rng.random() < 0.5:
            paras.append(rng.choice((f"This article was first published by {origin.site}.",
                                     f"Originally published by {origin.site}. Republished with permission.",
                                     f"({origin.site})")))
        if kind == "figure":
            figure = change_figure(rng, paras)
        elif kind == "excerpt" and len(paras) > 1:
            keep = max(1, round(len(paras) * rng.uniform(0.25, 0.7)))
            start = 0 if rng.random() < 0.6 else rng.randrange(len(paras) - keep + 1)
            run = rng.random() < 0.85
            whole, paras = paras, paras[start : start + keep] if run else [p for p in paras if rng.random() < 0.6]
            while sum(len(p.split()) for p in paras) < 60 and len(paras) < len(whole):  # too short: the lead
                paras = whole[: len(paras) + 1]
            paras += [f"Read the full story at {origin.site}."] if rng.random() < 0.4 else []
        elif kind == "rewrite":
            paras, title = rewrite(rng, paras), reword(rng, title, 0.7)
        return Story(title, tuple(paras), story.byline if rng.random() < 0.5 else byline(rng, outlet)), figure


def byline(rng: random.Random, outlet: Outlet) -> str | None:
    if rng.random() >= outlet.byline_rate:
        return None
    if rng.random() < 0.08:
        return rng.choice(("Staff reporter", f"{outlet.site} staff", "Agencies"))
    people = [f"{rng.choice(FIRST_NAMES)} {invent_name(rng)}" for _ in range(1 + (rng.random() < 0.15))]
    return ("By " if rng.random() < 0.3 else "") + " and ".join(people)


def change_figure(rng: random.Random, paras: list[str]) -> dict[str, Any] | None:
    """Change one number (not a year, not a day of the month) by 10-50%."""
    spots = [(i, m) for i, p in enumerate(paras) for m in _NUMBER.finditer(p)
             if not re.fullmatch(r"(19|20)\d\d", m[0]) and not _DATE_BEFORE.search(p, 0, m.start())]
    if not spots:
        return None
    i, m = rng.choice(spots)
    value = int(m[0].replace(",", ""))
    new = max(0, round(value * (1 + rng.choice((-1, 1)) * rng.uniform(0.1, 0.5))))
    text = f"{new if new != value else value + 1:,}" if "," in m[0] else str(new if new != value else value + 1)
    paras[i] = paras[i][: m.start()] + text + paras[i][m.end() :]
    return {"from": m[0], "to": text, "paragraph": i, "context": paras[i][max(0, m.start() - 60) : m.start() + 60]}


def reword(rng: random.Random, text: str, rate: float) -> str:
    def swap(m: re.Match[str]) -> str:
        choices = SYNONYMS.get(m[0].lower())
        if not choices or rng.random() >= rate:
            return m[0]
        new = rng.choice(choices)
        return new.capitalize() if m[0][0].isupper() else new

    return re.sub(r"[A-Za-z]+", swap, text)


def rewrite(rng: random.Random, paras: list[str]) -> list[str]:
    """Drop a fifth of the sentences, swap neighbours, maybe lead with a later one, reword, regroup."""
    sentences = [s for p in paras for s in _SENTENCE.split(p)]
    lead, rest = sentences[:1], [s for s in sentences[1:] if rng.random() > 0.2] or sentences[1:]
    for i in range(len(rest) - 1):
        if rng.random() < 0.3:
            rest[i], rest[i + 1] = rest[i + 1], rest[i]
    if rest and rng.random() < 0.3:
        lead.insert(0, rest.pop(rng.randrange(len(rest))))
    out, sentences = [], [reword(rng, s, 0.6) for s in lead + rest]
    while sentences:
        take = rng.choice((1, 2, 2, 3))
        out.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    return out


# --- the stream ------------------------------------------------------------------------------------


def zipf_table(n: int, exponent: float, start: int = 1) -> list[float]:
    """Cumulative weights k^-exponent for k = start .. start+n-1, for ``draw``."""
    return list(accumulate(k**-exponent for k in range(start, start + n)))


def draw(rng: random.Random, table: list[float]) -> int:
    return bisect(table, rng.random() * table[-1])


def generate(shared: Path, n: int, seed: int, out: Path) -> dict[str, Any]:
    """Write ``n`` records to ``out`` and the truth beside it; return the summary."""
    pool, outlets = load_pool(shared), invent_outlets(seed)
    writer, rng = Writer(pool, outlets, seed), random.Random(seed)
    outlet_table, kind_table = zipf_table(len(outlets), 0.9), [sum(w for _, w in KINDS[: i + 1]) for i in range(4)]
    max_family = max(2, min(MAX_FAMILY, n // 20))
    sizes = zipf_table(max_family - 1, FAMILY_EXPONENT, start=2)
    mean = sum(k * (sizes[k - 2] - (sizes[k - 3] if k > 2 else 0)) for k in range(2, max_family + 1)) / sizes[-1]
    originals_share = SINGLE_SHARE + (1 - SINGLE_SHARE) / mean  # originals per record
    family_rate, gap = (1 - SINGLE_SHARE) / mean / originals_share, SPAN_SECONDS / (n * originals_share)
    stats: Counter[str] = Counter()
    family_size: Counter[int] = Counter()
    family_texts: dict[int, set[bytes]] = {}  # only while copies of the family are still to come
    family_left: dict[int, int] = {}
    used_domains: set[int] = set()
    heap: list[tuple[float, int, tuple[Any, ...]]] = []
    when, emitted, index, families = 0.0, 0, 0, 0
    truth_path = out.with_name(out.name + ".truth.jsonl")
    with out.open("w", encoding="utf-8", newline="\n") as data, \
            truth_path.open("w", encoding="utf-8", newline="\n") as truth:

        def emit(story: Story, outlet_i: int, at: float, family: int | None, info: dict[str, Any]) -> None:
            nonlocal emitted
            emitted += 1
            outlet, stamp = outlets[outlet_i], EPOCH + timedelta(seconds=at)
            text = "\n\n".join((*outlet.boilerplate[0], *story.paragraphs, *outlet.boilerplate[1]))
            slug = "-".join(re.findall(r"[a-z0-9]+", story.title.lower())[:8]) or "story"
            path = (f"{stamp:%Y/%m/%d}/{slug}-{emitted}", f"news/{slug}-{emitted}", f"article/{emitted:08d}/{slug}")
            info["url"] = f"https://www.{outlet.domain}/{path[outlet.url_style]}"
            record = {"url": info["url"], "title": story.title, "byline": story.byline,
                      "published": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), "site_name": outlet.site, "text": text}
            line = json.dumps(record, ensure_ascii=False) + "\n"
            data.write(line)
            stats.update(bytes=len(line.encode("utf-8")), with_byline=story.byline is not None,
                         with_boilerplate=any(outlet.boilerplate))
            used_domains.add(outlet_i)
            digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
            stats["distinct_texts"] += family is None or digest not in family_texts.get(family, ())
            if family is not None:
                family_texts.setdefault(family, set()).add(digest)
                truth.write(json.dumps({"line": emitted, "url": info["url"], "family": family, **info,
                                        "published": record["published"]}, ensure_ascii=False) + "\n")

        def emit_copy() -> None:
            at, _, (family, o_index, o_outlet, o_at, o_line, o_url, kind, left) = heapq.heappop(heap)
            crng, outlet_i = random.Random(f"{seed}/c/{family}/{left}"), o_outlet
            while outlet_i == o_outlet:
                outlet_i = draw(crng, outlet_table)
            story = writer.original(o_index, o_outlet, EPOCH + timedelta(seconds=o_at))
            copy, figure = writer.copy(story, kind, crng, outlets[o_outlet], outlets[outlet_i])
            kind = "reprint" if kind == "figure" and figure is None else kind
            stats[f"copy:{kind}"] += 1
            emit(copy, outlet_i, at, family, {"role": "copy", "kind": kind, "origin_line": o_line,
                                              "origin_url": o_url, "changed_figure": figure})
            family_left[family] -= 1
            if not family_left[family]:
                del family_texts[family], family_left[family]

        while emitted < n:
            if emitted + len(heap) >= n:  # the copies already planned fill the rest
                emit_copy()
                continue
            when += rng.expovariate(1 / gap)
            while heap and heap[0][0] <= when:
                emit_copy()
            size = min(1 if rng.random() >= family_rate else 2 + draw(rng, sizes), n - emitted - len(heap))
            outlet_i = rng.randrange(AGENCIES) if size > 1 and rng.random() < 0.25 else draw(rng, outlet_table)
            index += 1
            story = writer.original(index, outlet_i, EPOCH + timedelta(seconds=when))
            family = None
            info: dict[str, Any] = {"role": "origin", "kind": "origin", "origin_line": None, "origin_url": None,
                                    "changed_figure": None}
            if size > 1:
                families += 1
                family, family_size[size], family_left[families] = families, family_size[size] + 1, size - 1
            emit(story, outlet_i, when, family, info)
            stats["singles" if family is None else "origins"] += 1
            for left in range(size - 1, 0, -1):
                kind = KINDS[draw(rng, kind_table)][0]
                delay = min(21 * 86400, max(900.0, rng.lognormvariate(math.log(6 * 3600), 1.3)))
                job = (family, index, outlet_i, when, emitted, info["url"], kind, left)
                heapq.heappush(heap, (when + delay, emitted * 1000 + left, job))
    buckets = {f"{lo}" if lo == hi else (f"{lo}+" if hi > 10**6 else f"{lo}-{hi}"):
               sum(c for s, c in family_size.items() if lo <= s <= hi) for lo, hi in BUCKETS}
    return {"out": str(out), "truth": str(truth_path), "seed": seed, "records": n,
            "originals": stats["singles"] + stats["origins"], "singles": stats["singles"],
            "single_share": round(stats["singles"] / n, 3), "families": families, "families_by_size": buckets,
            "largest_family": max(family_size, default=0), "copies_by_kind": {k: stats[f"copy:{k}"] for k, _ in KINDS},
            "distinct_texts": stats["distinct_texts"], "domains": len(used_domains), "sentence_pool": len(pool),
            **{k: stats[k] for k in ("with_byline", "with_boilerplate", "bytes")}}


def render(s: dict[str, Any]) -> str:
    sizes, kinds = ("  ".join(f"{k}: {v:,}" for k, v in s[key].items()) for key in ("families_by_size",
                                                                                     "copies_by_kind"))
    return (f"wrote {s['records']:,} records to {s['out']} ({s['bytes'] / 1e6:.1f} MB, seed {s['seed']}); "
            f"truth in {s['truth']}\n"
            f"  originals {s['originals']:,} (without copies {s['singles']:,} = {s['single_share']:.1%} of records)"
            f"   sentence pool {s['sentence_pool']:,}\n"
            f"  families {s['families']:,} by size: {sizes}   (largest {s['largest_family']})\n"
            f"  copies by kind: {kinds}\n"
            f"  distinct texts {s['distinct_texts']:,}   domains {s['domains']:,}   with byline {s['with_byline']:,}"
            f"   with boilerplate {s['with_boilerplate']:,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic JSON Lines news corpus with copy families.")
    parser.add_argument("--n", type=int, default=10_000, help="number of records (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("news.jsonl"), help="output file (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared",
                        help="shared folder (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    if not (args.shared / GROUND_TRUTH).is_file():
        print(f"error: ground truth not found: {args.shared / GROUND_TRUTH} (give --shared PATH)", file=sys.stderr)
        return 2
    if args.n < 1:
        print(f"error: --n must be at least 1, got {args.n}", file=sys.stderr)
        return 2
    summary = generate(args.shared, args.n, args.seed, args.out)
    print(json.dumps(summary, indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
