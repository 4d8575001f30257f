"""Stage: the checkable facts of an article body.

``extract_facts(article)`` splits the body into sentences and runs typed
extractors over each, most specific first; a span taken by one is not read
again by the next. Libraries are used only inside matched spans (number words,
absolute date shapes), never to find them, because general parsers misread
news text ("eighth" as 1/8, "on the 75th" as 1975, "Wednesday" as next week).

    kind         example                               value       unit / slot
    date         "Oct 1, 1949", "June 2023", "Jan. 18"  1949-10-01  day, month
    date         "in March last year"                   March last year (resolved 2023-03)
    money        "$240.1 billion"                       240.1e9     USD
    percent      "up 26.3 percent"                      26.3        percent / increase
    anniversary  "70th anniversary of ... ties"         70          years / what; resolved = base year + 70
    rank         "eighth-largest trading partner"       8           largest / trading partner
    duration     "for 14 consecutive years"             14          years
    duration     "three-quarters of a century ago"      75          years / ago; resolved = ref year - 75
    weekday      "on Wednesday"                         Wednesday   resolved to the date
    year         "last year", "since 2012"              last year, 2012
    ordinal      "fourth quarter"                       4           slot quarter
    count        "met more than 40 times"               40          times / meetings, qualifier "more than"

Offsets are into ``Article.text``; relative dates are resolved against
``Article.published`` (``resolved`` is ``None`` without it).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from ..models import Article, Fact
from .numbers import NUMBER, ORDINAL, SCALES, format_scaled, parse_number, parse_ordinal
from .sentences import split_sentences
from .temporal import Hit, find_calendar_dates, find_relative_dates, find_years, reference_date

__all__ = ["extract_facts"]

_QUAL = (
    r"(?P<q>more than|over|above|in excess of|upwards of|at least|at most|up to|nearly|almost|about|around|"
    r"approximately|roughly|some|close to|less than|fewer than|under|below|just over|just under|well over|"
    r"an estimated|exactly|only|another)"
)
_QUAL_BEFORE = re.compile(rf"\b(?i:{_QUAL})\s+$")
_SCALE_WORDS = r"trillion|billion|million|thousand|crore|lakh"
_CURRENCY_SYMBOLS = {
    "$": "USD", "us$": "USD", "usd": "USD", "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD",
    "cad": "CAD", "hk$": "HKD", "hkd": "HKD", "nt$": "TWD", "nz$": "NZD", "s$": "SGD", "r$": "BRL", "€": "EUR",
    "eur": "EUR", "£": "GBP", "gbp": "GBP", "¥": "JPY/CNY", "rmb": "CNY", "cny": "CNY", "jpy": "JPY", "₹": "INR",
    "inr": "INR", "rs": "INR", "rs.": "INR", "₩": "KRW", "₽": "RUB", "rub": "RUB", "chf": "CHF",
}  # fmt: skip
_CURRENCY_WORDS = {
    "dollars": "USD", "euro": "EUR", "euros": "EUR", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY",
    "pounds sterling": "GBP", "rubles": "RUB", "roubles": "RUB", "rupees": "INR", "won": "KRW",
    "francs": "CHF", "pesos": "MXN", "riyals": "SAR", "dirhams": "AED", "lira": "TRY", "baht": "THB",
}  # fmt: skip
_MONEY_PREFIX = re.compile(
    r"(?<![\w$])(?P<cur>US\$|AU?\$|CA?\$|HK\$|NT\$|NZ\$|S\$|R\$|\$|€|£|¥|₹|₩|₽|(?:USD|EUR|GBP|CNY|RMB|JPY|INR|RUB|CHF|HKD|AUD|CAD|Rs\.?)\s?)"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?P<scale>{_SCALE_WORDS}|bn|mn|mln|tn)\b|(?P<short>[mbkMBK])\b)?"
)
_MONEY_SUFFIX = re.compile(
    rf"(?P<num>{NUMBER})(?:\s+(?P<scale>{_SCALE_WORDS}))?\s+(?:(?:US|U\.S\.)\s+)?"
    r"(?P<cur>dollars|euros?|yuan|renminbi|yen|pounds sterling|rubles|roubles|rupees|won|francs|pesos|riyals|dirhams|lira|baht)\b"
)
_PERCENT = re.compile(rf"(?P<num>{NUMBER})\s?(?P<unit>%|percentage points?\b|per ?cent\b|pct\b)")
_ANNIVERSARY = re.compile(
    rf"\b(?:(?P<ord>{ORDINAL})\s+|(?P<num>{NUMBER})[-\s](?P<unit>year|month)[-\s])(?:anniversary|Anniversary)\b"
    rf"|\b(?P<num2>{NUMBER})-year\s+mark\b"
)
_RANK = re.compile(
    rf"\b(?P<ord>{ORDINAL})[-\s](?P<sup>largest|biggest|greatest|highest|lowest|smallest|richest|busiest|top|most\s+\w+|least\s+\w+)\b"
    r"|(?:'s|\bthe|\bits|\btheir|\bhis|\bher|\bour)\s+(?P<top>largest|biggest|top)\b"
)
_DURATION_UNITS = r"years?|months?|weeks?|days?|hours?|minutes?|decades?|centur(?:y|ies)|nights?"
_DURATION = re.compile(
    rf"(?P<num>{NUMBER})(?:\s+(?:consecutive|straight|successive|full|more|long|whole))?\s+(?P<unit>{_DURATION_UNITS})\b"
    rf"|(?i:(?P<frac>three[-\s]quarters|a\s+quarter|one[-\s]third|two[-\s]thirds|half)\s+(?:of\s+)?a\s+(?P<funit>century|decade))\b"
    rf"|\b(?P<a>[Aa])\s+(?P<aunit>decade|century)\b"
    rf"|(?P<hnum>{NUMBER})-(?P<hunit>year|month|week|day|hour|decade|century)(?P<old>-old)?\b(?!-)"
)
_ORDINAL = re.compile(rf"\b(?P<ord>{ORDINAL})\b")
_COUNT = re.compile(rf"(?<![\w$€£¥.,/#-])(?P<num>{NUMBER})(?:\s+(?P<scale>{_SCALE_WORDS}|hundred))?(?![\w%:/]|[.,-]\d|-[A-Za-z])")
#: Bounded spaces: it is tried after every count, and an unbounded \s* would scan a long run of spaces each time.
_RANGE_TAIL = re.compile(rf"\s{{0,8}}(?:to|and|or|-|–)\s{{0,8}}{NUMBER}(?:\s{{1,8}}(?:{_SCALE_WORDS}))?")
_FRACTIONS = {"three quarters": Decimal("0.75"), "a quarter": Decimal("0.25"), "one third": Decimal(1) / 3,
              "two thirds": Decimal(2) / 3, "half": Decimal("0.5")}  # fmt: skip
_UNIT_YEARS = {"decade": 10, "century": 100, "centurie": 100}

_STOP_AFTER = frozenset(
    """of to in on at for and or but than per from with by as that which who whom whose the a an this these those
    its their his her our is are was were be been being has have had will would could should may might can said says
    more less another percent pct p.m a.m am pm times-of it he she they we you i not no so if when while since ago
    earlier later before after over under about around each every all both some any""".split()
)
_STOP_BEFORE = frozenset(
    """the a an of to in on at for and or but than from with by as that which who its their his her our is are was
    were be been being has have had will would reached reach reaches hit hits totaled totalled total totals stood stands
    rose grew fell worth valued amounted amounting came comes exceeded topped surpassed cost costs raised said says
    about nearly around some over more up down this last next another than only just almost roughly approximately
    estimated least most new record he she it they we i you""".split()
)
_INCREASE = re.compile(r"\b(?:up|rose|rise|rising|grew|grow|growth|increase[ds]?|increasing|gain(?:ed|s)?|jump(?:ed|s)?|climb(?:ed|s)?|higher|surged?)\b", re.I)
_DECREASE = re.compile(r"\b(?:down|fell|fall(?:ing|s)?|drop(?:ped|s)?|decline[ds]?|decreased?|lower|slump(?:ed)?|shrank|contract(?:ed|ion))\b", re.I)
_TIMES_VERBS = {"met": "meetings", "meet": "meetings", "visited": "visits", "visit": "visits", "called": "calls",
                "spoke": "talks", "spoken": "talks", "talked": "talks"}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_DETERMINERS = frozenset("the these those both all its their his her our your my each every".split())
_ADJECTIVES = frozenset(
    """straight consecutive successive other more new major big small large leading key main full whole additional
    further extra annual local foreign national international regional total separate different similar such
    straight-year""".split()
)

_Finder = Callable[[str, dt.date | None], Iterator[Hit]]
_DIGIT = re.compile(r"\d")
_MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Words one of which a sentence must hold (lower-cased) for a finder to be worth running.
_KEYWORDS = {
    "money": ("$", "€", "£", "¥", "₹", "₩", "₽", "usd", "eur", "gbp", "cny", "rmb", "jpy", "inr", "rub", "chf", "hkd", "aud",
              "cad", "rs", "dollar", "euro", "yuan", "renminbi", "yen", "pounds", "rubles", "roubles", "rupees", "won",
              "francs", "pesos", "riyals", "dirhams", "lira", "baht"),
    "percent": ("%", "per cent", "percent", "pct", "percentage"),
    "anniversary": ("anniversary", "-year mark"),
    "rank": ("largest", "biggest", "greatest", "highest", "lowest", "smallest", "richest", "busiest", "top", "most", "least"),
    "duration": ("year", "month", "week", "day", "hour", "minute", "decade", "centur", "night"),
    "relative": ("day", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "year", "month", "yesterday", "tomorrow"),
    "ordinal": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
                "twelfth", "teenth", "ieth", "hundredth", "thousandth"),
    "count": ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "teen",
              "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"),
}  # fmt: skip


def extract_facts(article: Article) -> list[Fact]:
    """Every checkable fact of ``article.text``, in order of position."""
    text = article.text
    ref = reference_date(article.published)
    facts: list[Fact] = []
    for start, end in split_sentences(text):
        sentence = text[start:end]
        for hit in _sentence_hits(sentence, ref):
            facts.append(_fact(hit, text, sentence, start, end))
    return _resolve_anniversaries(facts, ref)


@lru_cache(maxsize=1)
def _keyword_set() -> tuple[Any, tuple[str, ...]]:
    """One RE2 set of every kind's words (and the month abbreviations): one pass over a sentence tells
    which kinds it may hold, where testing each word with ``in`` took 2 to 3 times as long."""
    import re2

    kinds = (*_KEYWORDS, "month")
    words = re2.Set.SearchSet()
    for kind in _KEYWORDS:
        words.Add("(?i:" + "|".join(re2.escape(word) for word in _KEYWORDS[kind]) + ")")
    words.Add("|".join(_MONTH_ABBREVIATIONS))
    words.Compile()
    return words, kinds


def _sentence_hits(sentence: str, ref: dt.date | None) -> list[Hit]:
    digit = _DIGIT.search(sentence) is not None
    words, kinds = _keyword_set()
    found = {kinds[i] for i in words.Match(sentence) or ()}
    finders: Sequence[tuple[bool, _Finder]] = (
        (digit or "month" in found, find_calendar_dates),
        ("money" in found, _money), ("percent" in found, _percents), ("anniversary" in found, _anniversaries),
        ("rank" in found, _ranks), ("duration" in found, _durations), ("relative" in found, find_relative_dates),
        (digit or "ordinal" in found, _ordinals), (digit, lambda s, _r: find_years(s)), (digit or "count" in found, _counts),
    )  # fmt: skip
    # Spans taken so far, sorted and never overlapping (so their ends are sorted too): one bisect
    # per hit tells whether it overlaps one; a scan of them all was quadratic in a long sentence.
    starts: list[int] = []
    ends: list[int] = []
    hits: list[Hit] = []
    for worth_running, finder in finders:
        if not worth_running:
            continue  # a cheap test first: most sentences hold no figure of most kinds
        for hit in finder(sentence, ref):
            at = bisect.bisect_left(starts, hit.end)
            if at > 0 and ends[at - 1] > hit.start:
                continue
            starts.insert(at, hit.start)
            ends.insert(at, hit.end)
            hits.append(hit)
    return sorted(hits, key=lambda h: h.start)


def _fact(hit: Hit, text: str, sentence: str, start: int, end: int) -> Fact:
    return Fact(
        kind=hit.kind, value=hit.value, text=sentence[hit.start : hit.end], sentence=sentence,
        start=start + hit.start, end=start + hit.end, sentence_start=start, sentence_end=end,
        unit=hit.unit, qualifier=hit.qualifier, slot=hit.slot, resolved=hit.resolved,
    )  # fmt: skip


# numbers ----------------------------------------------------------------------


def _qualified(sentence: str, start: int) -> tuple[int, str | None]:
    """Where a figure starts once its qualifier is included, and the qualifier: "more than 40"."""
    m = _QUAL_BEFORE.search(sentence, max(0, start - 24), start)
    return (m.start(), m["q"].lower()) if m else (start, None)


def _scaled(num: str, scale: str | None) -> str | None:
    exponent = SCALES.get((scale or "").lower(), 0)
    if num[:1].isdigit():
        return format_scaled(num, exponent)
    value = parse_number(num)
    return None if value is None else format_scaled(str(value), exponent)


def _money(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _MONEY_PREFIX.finditer(sentence):
        value = _scaled(m["num"], m["scale"] or m["short"])
        currency = _CURRENCY_SYMBOLS[m["cur"].strip().lower()]
        if value is not None:
            start, qualifier = _qualified(sentence, m.start())
            yield Hit("money", value, start, m.end(), currency, qualifier, _slot_before(sentence, start))
    for m in _MONEY_SUFFIX.finditer(sentence):
        value = _scaled(m["num"], m["scale"])
        if value is not None:
            start, qualifier = _qualified(sentence, m.start())
            currency = _CURRENCY_WORDS[m["cur"].lower()]
            yield Hit("money", value, start, m.end(), currency, qualifier, _slot_before(sentence, start))


def _percents(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _PERCENT.finditer(sentence):
        value = parse_number(m["num"])
        if value is None:
            continue
        unit = "percentage points" if m["unit"].startswith("percentage") else "percent"
        start, qualifier = _qualified(sentence, m.start())
        clause = re.split(r"[,;:(]", sentence[:start])[-1]
        window = " ".join(clause.split()[-4:])
        slot = "increase" if _INCREASE.search(window) else "decrease" if _DECREASE.search(window) else None
        slot = slot or _slot_before(sentence, start)
        yield Hit("percent", _plain(m["num"], value), start, m.end(), unit, qualifier, slot)


def _anniversaries(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _ANNIVERSARY.finditer(sentence):
        if m["ord"]:
            number: Decimal | int | None = parse_ordinal(m["ord"])
        else:
            number = parse_number(m["num"] or m["num2"])
        if number is None or number <= 0:
            continue
        unit = "months" if m["unit"] == "month" else "years"
        yield Hit("anniversary", str(int(number)), m.start(), m.end(), unit, slot=_anniversary_slot(sentence, m.end()))


def _anniversary_slot(sentence: str, end: int) -> str | None:
    m = re.match(r"\s+of\s+(?:the\s+)?([^,.;:()\"“”]{3,160})", sentence[end:])
    if not m:
        return None
    phrase = re.split(r"\s+(?:with|as|on|when|which|that|who|by|to|and\s+(?:the\s+)?(?:two|both)|in\s+\d{4})\b", m.group(1))[0]
    words = phrase.lower().split()[:10]
    while words and words[-1] in _GENERIC | {"of", "and", "the", "for", "from"}:
        words.pop()
    return " ".join(words) or None


def _ranks(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _RANK.finditer(sentence):
        phrase = _noun_phrase_after(sentence, m.end())
        if phrase is None:
            continue
        if m["top"]:
            value: int | None = 1
            superlative = m["top"].lower()
            start = m.start("top")
        else:
            value, superlative, start = parse_ordinal(m["ord"]), m["sup"].lower(), m.start()
        if value is None:
            continue
        direction = "smallest" if superlative.split()[0] in ("lowest", "smallest", "least", "poorest") else "largest"
        yield Hit("rank", str(value), start, m.end() + len(phrase[0]), direction, slot=phrase[1])


def _durations(sentence: str, ref: dt.date | None) -> Iterator[Hit]:
    for m in _DURATION.finditer(sentence):
        years_unit, number, end = _duration_value(m)
        if number is None or number <= 0:
            continue
        slot: str | None = None
        if m["a"] and not (
            re.match(r"\s+(?:ago|earlier|later)\b", sentence[end:])
            or re.search(r"\b(?:for|over|past|last|nearly|almost|than|about|within)\s+$", sentence[max(0, m.start() - 12) : m.start()])
        ):
            continue  # "changes unseen in a century" is a figure of speech
        if m["hnum"]:
            phrase = _noun_phrase_after(sentence, m.end())
            slot = "age" if m["old"] else (phrase[1] if phrase else None)
            if phrase and phrase[1] in ("anniversary", "mark"):
                continue
        ago = re.match(r"\s+(ago|earlier|later)\b", sentence[end:])
        resolved = None
        if ago:
            end += ago.end()
            slot = ago.group(1)
            if ago.group(1) == "ago" and ref is not None and years_unit == "years" and number == int(number):
                resolved = str(ref.year - int(number))
        elif re.search(r"\b(?:past|last|recent)\s+$", sentence[max(0, m.start() - 12) : m.start()]):
            slot = "past"
        start, qualifier = _qualified(sentence, m.start()) if m["num"] else (m.start(), None)
        slot = slot or _slot_before(sentence, start)
        yield Hit("duration", _plain(None, number), start, end, years_unit, qualifier, slot, resolved)


def _duration_value(m: re.Match[str]) -> tuple[str, Decimal | None, int]:
    if m["frac"]:
        fraction = _FRACTIONS[re.sub(r"[-\s]+", " ", m["frac"].lower())]
        return "years", (fraction * _UNIT_YEARS[m["funit"]]).quantize(Decimal(1)), m.end()
    if m["a"]:
        return "years", Decimal(_UNIT_YEARS[m["aunit"].lower()]), m.end()
    raw_unit = (m["unit"] or m["hunit"]).lower()
    number = parse_number(m["num"] or m["hnum"])
    unit = raw_unit.rstrip("s")
    unit = "century" if unit.startswith("centur") else unit
    if number is not None and unit in _UNIT_YEARS:
        return "years", number * _UNIT_YEARS[unit], m.end()
    return unit + "s", number, m.end()


def _ordinals(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _ORDINAL.finditer(sentence):
        value = parse_ordinal(m["ord"])
        phrase = _noun_phrase_after(sentence, m.end())
        if value is not None and phrase is None and _PLACED.search(sentence, 0, m.start()):
            yield Hit("ordinal", str(value), m.start(), m.end(), slot="place")  # "finished second"
            continue
        if value is None or phrase is None:
            continue
        yield Hit("ordinal", str(value), m.start(), m.end(), slot=phrase[1])


#: A place in a ranking written as a bare ordinal: "finished second", "came in third", "ranked fifth".
_PLACED = re.compile(r"\b(?:finish(?:ed|es)?|plac(?:ed|es)|came(?: in)?|comes(?: in)?|rank(?:ed|s)|end(?:ed|s) up|was voted)\s+$", re.I)


def _counts(sentence: str, _ref: dt.date | None) -> Iterator[Hit]:
    for m in _COUNT.finditer(sentence):
        number = parse_number(m["num"])
        if number is None or (m["num"].lower() == "one" and not m["scale"]):
            continue
        after = m.end()
        tail = _RANGE_TAIL.match(sentence, after)
        phrase = _noun_phrase_after(sentence, tail.end() if tail else after)
        start, qualifier = _qualified(sentence, m.start())
        before = _word_before(sentence, start)
        if phrase is None:
            if not m["num"][0].isalpha() or not before or before in _STOP_BEFORE or not before.islower():
                continue  # a bare number is a count only after a verb: "executed seven"
            unit: str | None = None
            slot: str | None = before
        else:
            unit, slot = _count_noun(phrase[0])
            if unit == "times":
                slot = _TIMES_VERBS.get(before or "", before) if before and before not in _STOP_BEFORE else None
        if m["num"][0].isdigit() and "," not in m["num"] and _capitalised_before(sentence, start):
            continue  # "Line 4", "Boeing 737": a name, not a count
        if not qualifier and number == 2 and before in _DETERMINERS:
            continue  # "the two countries", "both sides": a known pair, not a figure
        value = _scaled(m["num"], m["scale"]) if m["scale"] != "hundred" else _plain(None, number * 100)
        if value is not None:
            yield Hit("count", value, start, m.end(), unit, qualifier, slot)


# context ----------------------------------------------------------------------


def _plain(written: str | None, value: Decimal) -> str:
    if written and written[:1].isdigit():
        return written.replace(",", "")
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _noun_phrase_after(sentence: str, end: int) -> tuple[str, str] | None:
    """``(text as written, lower-case phrase)`` of up to three words after ``end``, ending in a noun."""
    m = re.match(r"[ \t]+((?:[A-Za-z][\w'’-]*[ \t]+){0,2}[A-Za-z][\w'’-]*)", sentence[end:])
    if not m:
        return None
    words: list[re.Match[str]] = []
    for word in re.finditer(r"\S+", m.group(1)):
        lower = word.group().lower()
        if lower in _STOP_AFTER or lower.endswith(("'s", "’s")):
            break
        words.append(word)
    while words and not (words[-1].group().islower() or (words[-1].group().isupper() and len(words[-1].group()) <= 4)):
        words.pop()
    if not words:
        return None
    stop = m.start(1) + words[-1].end()
    return sentence[end : end + stop], " ".join(w.group() for w in words).lower()


def _word_before(sentence: str, start: int) -> str | None:
    m = re.search(r"([A-Za-z][\w'’-]*)\W{0,2}$", sentence[max(0, start - 30) : start])
    return m.group(1).lower() if m and m.group(1).islower() else (m.group(1).lower() if m and start > 0 else None)


def _capitalised_before(sentence: str, start: int) -> bool:
    # The word before the spaces before ``start``, found by walking back: a regex over
    # ``sentence[:start]`` for every number made long sentences of numbers quadratic.
    end = start
    while end > 0 and sentence[end - 1].isspace():
        end -= 1
    begin = end
    while begin > 0 and not sentence[begin - 1].isspace():
        begin -= 1
    word = sentence[begin:end]
    if end == start or not (word[:1].isupper() and word.isalpha()):
        return False
    return begin > 0 or (word.lower() not in _STOP_BEFORE and word.lower() not in _DETERMINERS)  # "The 180 pages" is a count


def _slot_before(sentence: str, start: int) -> str | None:
    """The nearest content words before ``start`` in the same clause: "bilateral trade" for "$240.1 billion"."""
    clause = re.split(r"[,;:(]", sentence[max(0, start - 80) : start])[-1]
    words = [w.lower().strip(".'’") for w in _WORD.findall(clause)]
    picked: list[str] = []
    for word in reversed(words):
        if word in _STOP_BEFORE or word.endswith(("'s", "’s")):
            if picked:
                break
            continue
        picked.insert(0, word)
        if len(picked) == 2:
            break
    return " ".join(picked) or None


def _count_noun(written: str) -> tuple[str, str]:
    """``(unit, slot)`` of what is counted: "lives" in "2,300 lives lost", "berths" in "four new container berths"."""
    words = written.split()
    lower = [w.lower() for w in words]
    for i, word in enumerate(words):
        if word.islower() and lower[i] not in _ADJECTIVES and word.isalpha():
            end = i + 1
            if end < len(words) and words[end].islower() and lower[end].endswith("s") and not lower[i].endswith("s"):
                end += 1  # a noun before a plural noun: "container berths", "bus routes"
            return lower[end - 1], " ".join(lower[:end])
    return lower[-1], " ".join(lower)


# anniversaries ----------------------------------------------------------------

_FOUNDING = re.compile(
    r"\b(?:establish\w*|found\w*|co-found\w*|set up|sign\w*|began|begun|launch\w*|creat\w*|form(?:ed|ation)|independen\w*|"
    r"born|open(?:ed|ing)|inaugurat\w*|recogni[sz]\w*|built|start\w*|victory|liberat\w*|end(?:ed)?|normali[sz]\w*)\b",
    re.I,
)
_GENERIC = frozenset(
    "the of a an and between two both countries country nations nation sides side their its our in on with".split()
)
_SYNONYMS = {"ties": "relation", "tie": "relation", "relations": "relation", "relationship": "relation"}


def _stems(text: str) -> set[str]:
    words = (w.lower() for w in re.findall(r"[A-Za-z]+", text))
    return {_SYNONYMS.get(w, w[:6]) for w in words if w not in _GENERIC and len(w) > 2}


def _resolve_anniversaries(facts: list[Fact], ref: dt.date | None) -> list[Fact]:
    years = [(f, _year_of(f)) for f in facts if f.kind in ("year", "date")]
    anchors = [(f, y) for f, y in years if y is not None]
    out = []
    for fact in facts:
        if fact.kind == "anniversary" and fact.unit == "years":
            base = _base_year(fact, anchors, ref)
            if base is not None:
                fact = replace(fact, resolved=str(base + int(fact.value)))
        out.append(fact)
    by_number: dict[str, set[str]] = {}
    for fact in out:
        if fact.kind == "anniversary" and fact.resolved:
            by_number.setdefault(fact.value, set()).add(fact.resolved)
    for i, fact in enumerate(out):
        known = by_number.get(fact.value, set())
        if fact.kind == "anniversary" and fact.resolved is None and fact.unit == "years" and len(known) == 1:
            out[i] = replace(fact, resolved=next(iter(known)))  # the same anniversary, named again
    return out


def _year_of(fact: Fact) -> int | None:
    m = re.fullmatch(r"(\d{4})(?:-\d\d(?:-\d\d)?)?", fact.value)
    return int(m.group(1)) if m else None


def _base_year(anniversary: Fact, anchors: list[tuple[Fact, int]], ref: dt.date | None) -> int | None:
    """The year the anniversary counts from, when the article states it."""
    plausible = [(f, y) for f, y in anchors if y + int(anniversary.value) <= 2100 and (ref is None or abs(y - ref.year) > 1)]
    same = [(f, y) for f, y in plausible if f.sentence_start == anniversary.sentence_start]
    after = [y for f, y in same if f.start > anniversary.end]
    founded_before = [y for f, y in same if f.start < anniversary.start and _FOUNDING.search(f.sentence[: f.start - f.sentence_start])]
    if after or founded_before:
        return (after or founded_before)[0]
    slot = _stems(anniversary.slot or "")
    scored: dict[int, tuple[int, int]] = {}
    for f, y in plausible:
        if f.sentence_start == anniversary.sentence_start or not _FOUNDING.search(f.sentence):
            continue
        distance = abs(f.sentence_start - anniversary.sentence_start)
        overlap = len(slot & _stems(f.sentence)) if slot else 0
        if (slot and overlap == 0) or (not slot and distance > 600):
            continue
        best = scored.get(y)
        score = (overlap, -distance)
        scored[y] = max(best, score) if best else score
    if not scored:
        return None
    ranked = sorted(scored.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1][0] == ranked[1][1][0] and slot:
        return None  # two founding years fit as well: do not guess
    return ranked[0][0]
