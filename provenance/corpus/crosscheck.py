"""Stage: cross-checks of facts, within one article and between copies.

``check_article`` looks for an article contradicting itself or its date
(status ``inconsistency``):

    anniversary-arithmetic  "70th anniversary of ties established in 1949" means 2019,
                            on a page dated 2024
    weekday-mismatch        "on Thursday, Oct. 2, 2024": Oct. 2, 2024 was a Wednesday
    future-date             a publication date after the time of the audit
    implied-date            no date on the page, but its content fixes one
                            (shown with the years of the page around it)

``compare_copies`` compares the facts of two copies sentence by sentence
(the sentence pairs come from the copies stage): facts of the same kind and
unit, about the same thing, whose values differ beyond rounding and
paraphrase ("$240 billion" for "$240.1 billion", "over 40" for "more than
40"), give a ``disagreement``, or an ``update`` when the other copy is a
later version of the same URL. False alarms cost a fact-checker more than a
missed nit: when two facts cannot be paired with confidence, nothing is said.

Every row names the rule that fired, the values compared, and a confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation

from ..article.temporal import WEEKDAYS, reference_date
from ..models import AlignedPair, Article, Copy, Disagreement, Fact
from .copies import aligned_pairs

__all__ = ["check_article", "check_copy", "compare_copies", "is_cross_checked"]

#: Sentences whose words (figures masked) are less alike than this are not compared.
MIN_CONTEXT_SIMILARITY = 0.35
_BASE_CONFIDENCE = {
    "money": 0.95, "percent": 0.95, "count": 0.9, "year": 0.9, "date": 0.9, "anniversary": 0.9,
    "weekday": 0.85, "duration": 0.85, "rank": 0.85, "ordinal": 0.75,
}  # fmt: skip
_EXACT_KINDS = frozenset({"anniversary", "rank", "ordinal"})
_DAYS = {"years": Decimal(365), "months": Decimal(30), "weeks": Decimal(7), "days": Decimal(1), "nights": Decimal(1),
         "hours": Decimal(1) / 24, "minutes": Decimal(1) / 1440}  # fmt: skip
_QUALIFIER_CLASS = {
    "more than": "gt", "over": "gt", "above": "gt", "in excess of": "gt", "upwards of": "gt", "just over": "gt",
    "well over": "gt", "at least": "ge", "less than": "lt", "fewer than": "lt", "under": "lt", "below": "lt",
    "just under": "lt", "at most": "le", "up to": "le", "nearly": "approx", "almost": "approx", "about": "approx",
    "around": "approx", "approximately": "approx", "roughly": "approx", "some": "approx", "close to": "approx",
    "an estimated": "approx",
}  # fmt: skip
_FUTURE = re.compile(r"\b(?:will|shall|next|upcoming|coming|ahead|plan\w*|prepar\w*|due|expected|would)\b", re.I)
_PAST = re.compile(r"\b(?:ago|previous|earlier|former|once|last|was|were|had)\b", re.I)
_PAGE_ZONES = frozenset({"related", "footer", "navigation", "banner", "boilerplate", "masthead", "comments"})


# within one article -------------------------------------------------------------


def check_article(article: Article, facts: Sequence[Fact], now: dt.datetime) -> list[Disagreement]:
    """Inconsistencies of one article with itself or with its own date."""
    ref = reference_date(article.published)
    rows = list(_future_date(article, now))
    if ref is not None:
        rows.extend(_anniversary_arithmetic(facts, ref, article.published or ""))
    else:
        rows.extend(_implied_date(article, facts))
    rows.extend(_weekday_mismatch(facts))
    return rows


def _future_date(article: Article, now: dt.datetime) -> Iterator[Disagreement]:
    published = article.published
    ref = reference_date(published)
    if published is None or ref is None:
        return
    moment = now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)
    try:
        stamp = dt.datetime.fromisoformat(published)
    except ValueError:
        stamp = dt.datetime(ref.year, ref.month, ref.day)
    if stamp.tzinfo is None or len(published) <= 10:
        late = ref > (moment + dt.timedelta(hours=14)).date()  # a date alone may be in any time zone
    else:
        late = stamp > moment + dt.timedelta(minutes=10)
    if late:
        yield Disagreement(
            "date", "future-date",
            f"publication date {published} is after the time of the audit ({moment.isoformat(timespec='seconds')})",
            0.95, "inconsistency", published, moment.isoformat(timespec="seconds"),
        )  # fmt: skip


def _anniversary_arithmetic(facts: Sequence[Fact], ref: dt.date, published: str) -> Iterator[Disagreement]:
    for fact in facts:
        if fact.kind != "anniversary" or not fact.resolved or fact.unit != "years":
            continue
        implied = int(fact.resolved)
        expected, why = _expected_year(fact, facts, ref)
        if expected is None or implied == expected:
            continue
        if (implied == expected - 1 and ref.month == 1) or (implied == expected + 1 and ref.month == 12):
            continue  # reported just after, or previewed just before, the turn of the year
        tense = fact.sentence[: fact.start - fact.sentence_start]
        if (implied > expected and _FUTURE.search(fact.sentence)) or (implied < expected and _PAST.search(tense)):
            continue  # "will mark the 80th anniversary", "had marked the 70th anniversary"
        base = implied - int(fact.value)
        source = _base_fact(facts, base)
        same = source is not None and source.sentence_start == fact.sentence_start
        where = f"'{source.text}'" + ("" if same else f" ({_quote(source.sentence)})") if source else str(base)
        yield Disagreement(
            "anniversary", "anniversary-arithmetic",
            f"'{fact.text}'{_of(fact.slot)} counted from {where} falls in {implied}, "
            f"but {why} ({published}): {abs(implied - expected)} year(s) apart",
            0.9 if same else 0.8, "inconsistency", str(implied), str(expected), fact.sentence,
            None if same or source is None else source.sentence,
        )  # fmt: skip


def _expected_year(fact: Fact, facts: Sequence[Fact], ref: dt.date) -> tuple[int | None, str]:
    """The year the article places the anniversary in, and why."""
    for other in facts:
        if other.sentence_start != fact.sentence_start or other.kind != "year" or other is fact:
            continue
        if other.resolved:  # "next year marks the 20th anniversary"
            return int(other.resolved), f"the article says '{other.text}', i.e. {other.resolved}, and is dated"
        if other.value.isdigit() and int(other.value) == int(fact.resolved or 0):
            return None, ""  # "in 2019 the two countries marked the 70th anniversary"
    return ref.year, "the article is dated"


def _base_fact(facts: Sequence[Fact], year: int) -> Fact | None:
    for fact in facts:
        if fact.kind in ("year", "date") and fact.value[:4] == str(year):
            return fact
    return None


def _implied_date(article: Article, facts: Sequence[Fact]) -> Iterator[Disagreement]:
    implied: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.kind == "anniversary" and fact.resolved and fact.unit == "years" and not _FUTURE.search(fact.sentence):
            source = _base_fact(facts, int(fact.resolved) - int(fact.value))
            month = source.value[5:7] if source and re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", source.value) else ""
            implied.setdefault(fact.resolved + (f"-{month}" if month else ""), []).append(fact)
    if not implied:
        return
    when, evidence = max(implied.items(), key=lambda item: len(item[1]))
    first = evidence[0]
    base = int(first.resolved or 0) - int(first.value)
    page_years = _page_years(article)
    later = [y for y in page_years if y > int(when[:4]) + 1]
    reason = (
        f"the page carries no publication date, but '{first.text}'{_of(first.slot)} counted from {base} "
        f"dates its content to {when}"
    )
    confidence = 0.6
    if later:
        reason += f"; the page around it is from {max(later)} (years on the page outside the article: {_years(later)})"
        confidence = 0.85
    if len(implied) > 1:
        reason += f"; other anniversaries point to {', '.join(k for k in implied if k != when)}"
        confidence -= 0.2
    yield Disagreement(
        "date", "implied-date", reason, round(confidence, 2), "inconsistency", when,
        str(max(later)) if later else None, first.sentence,
    )  # fmt: skip


def _page_years(article: Article) -> list[int]:
    """Years named on the page outside the article: copyright lines, related headlines, menus."""
    years: set[int] = set()
    for zone in article.zones:
        if zone.kind not in _PAGE_ZONES:
            continue
        text = article.zone_text(zone)
        for m in re.finditer(r"(?<![\w$.,/-])((?:19|20)\d\d)(?!\d|%|,\d)", text):
            before = text[max(0, m.start() - 12) : m.start()].lower()
            if re.search(r"\b(?:by|until|till|before|through|to|from|since|after|in the)\s*$", before):
                continue  # "a plan to phase out coal by 2035" is not the date of the page
            if re.search(r"(?:©|copyright)[\s\d-]*$", before) and re.match(r"\s*[-–]\s*\d", text[m.end() :]):
                continue  # the first year of "Copyright 1999-2024"
            years.add(int(m.group(1)))
    return sorted(years)


def _weekday_mismatch(facts: Sequence[Fact]) -> Iterator[Disagreement]:
    for day in facts:
        if day.kind != "weekday":
            continue
        for date in facts:
            if date.kind != "date" or date.sentence_start != day.sentence_start or not _adjacent(day, date):
                continue
            iso, inferred = _day_of(date)
            if iso is None:
                continue
            actual = WEEKDAYS[iso.weekday()]
            if actual != day.value:
                note = " (year taken from the publication date)" if inferred else ""
                yield Disagreement(
                    "weekday", "weekday-mismatch",
                    f"'{day.text}' is given for '{date.text}', but {iso.isoformat()}{note} was a {actual}",
                    0.7 if inferred else 0.9, "inconsistency", day.value, f"{iso.isoformat()} ({actual})", day.sentence,
                )  # fmt: skip


def _adjacent(day: Fact, date: Fact) -> bool:
    if 0 <= date.start - day.end <= 4:
        gap = day.sentence[day.end - day.sentence_start : date.start - day.sentence_start]
    elif 0 <= day.start - date.end <= 3:
        gap = day.sentence[date.end - day.sentence_start : day.start - day.sentence_start]
    else:
        return False
    return re.fullmatch(r"[\s,(]*", gap) is not None


def _day_of(date: Fact) -> tuple[dt.date | None, bool]:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", date.value):
        return dt.date.fromisoformat(date.value), False
    if date.value.startswith("--") and date.resolved and len(date.resolved) == 10:
        return dt.date.fromisoformat(date.resolved), True
    return None, False


# between copies --------------------------------------------------------------------


def compare_copies(
    article: Article,
    facts: Sequence[Fact],
    other: Article,
    other_facts: Sequence[Fact],
    pairs: Sequence[AlignedPair],
    *,
    is_update: bool,
) -> list[Disagreement]:
    """Facts that differ between two copies of a story, within their aligned sentences."""
    rows: list[Disagreement] = []
    for pair in pairs:
        mine = [f for f in facts if pair.start <= f.start and f.end <= pair.end]
        theirs = [f for f in other_facts if pair.other_start <= f.start and f.end <= pair.other_end]
        if not mine or not theirs:
            continue
        similarity = _context_similarity(article.text, pair.start, pair.end, mine, other.text, pair.other_start, pair.other_end, theirs)
        if similarity < MIN_CONTEXT_SIMILARITY:
            continue
        for a, b, why in _mismatches(mine, theirs):
            rows.append(_copy_row(a, b, why, similarity, pair, is_update))
    return rows


def _copy_row(a: Fact, b: Fact, why: str, similarity: float, pair: AlignedPair, is_update: bool) -> Disagreement:
    confidence = _BASE_CONFIDENCE.get(a.kind, 0.8) * (0.6 + 0.4 * similarity)
    if _qualifier_class(a) or _qualifier_class(b):
        confidence *= 0.85
    what = f"'{a.text}' ({_describe(a)}) against '{b.text}' ({_describe(b)})"
    if is_update:
        reason = f"a later version of the same URL changed the {a.kind}: {what}; {why}"
    else:
        reason = f"{a.kind} differs between copies in aligned sentences: {what}; {why}"
    return Disagreement(
        a.kind, f"copy-{a.kind}-differs", reason, round(confidence, 2), "update" if is_update else "disagreement",
        a.text, b.text, pair.sentence, pair.other_sentence,
    )  # fmt: skip


def _mismatches(mine: list[Fact], theirs: list[Fact]) -> Iterator[tuple[Fact, Fact, str]]:
    groups: dict[tuple[str, str], tuple[list[Fact], list[Fact]]] = {}
    for fact in mine:
        groups.setdefault(_group(fact), ([], []))[0].append(fact)
    for fact in theirs:
        groups.setdefault(_group(fact), ([], []))[1].append(fact)
    for left, right in groups.values():
        if not left or not right:
            continue
        left_over = list(left)
        right_over = list(right)
        for agrees in (_identical, _agree):  # exact matches first, so rounding cannot steal a partner
            for a in list(left_over):
                match = next((b for b in right_over if _same_slot(a, b) and agrees(a, b)), None)
                if match is not None:
                    left_over.remove(a)
                    right_over.remove(match)
        yield from _pair_leftovers(left_over, right_over)


def _identical(a: Fact, b: Fact) -> bool:
    if a.kind in ("year", "date", "weekday"):
        return a.value == b.value
    va, vb = _decimal(a.value), _decimal(b.value)
    return va is not None and va == vb and a.unit == b.unit and _qualifier_class(a) == _qualifier_class(b)


def _pair_leftovers(left: list[Fact], right: list[Fact]) -> Iterator[tuple[Fact, Fact, str]]:
    if not left or not right:
        return
    if len(left) == len(right):
        candidates = list(zip(left, right))
        if len(left) > 1 and any(len(_context(a) & _context(b)) == 0 for a, b in candidates):
            return  # several figures moved around: no safe pairing
    else:
        scored = sorted(((len(_context(a) & _context(b)), i, j) for i, a in enumerate(left) for j, b in enumerate(right)), reverse=True)
        used_a: set[int] = set()
        used_b: set[int] = set()
        candidates = []
        for overlap, i, j in scored:
            if overlap >= 2 and i not in used_a and j not in used_b:
                used_a.add(i)
                used_b.add(j)
                candidates.append((left[i], right[j]))
    for a, b in candidates:
        if not _same_slot(a, b) or not _comparable(a, b):
            continue
        yield a, b, _why(a, b)


def _group(fact: Fact) -> tuple[str, str]:
    unit = (fact.unit or "").lower()
    if fact.kind in ("duration", "anniversary"):
        return fact.kind, ""  # "one-year" against "one-month anniversary", "two weeks" against "14 days"
    if fact.kind == "count":
        unit = unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit
    return fact.kind, unit


def _same_slot(a: Fact, b: Fact) -> bool:
    if a.kind not in ("ordinal", "rank"):
        return True
    words_a, words_b = set((a.slot or "").split()), set((b.slot or "").split())
    return bool(words_a & words_b)


def _comparable(a: Fact, b: Fact) -> bool:
    """Both values are known: a relative date without a publication date cannot be compared."""
    if a.kind in ("year", "date"):
        return _when(a) is not None and _when(b) is not None
    return True


# agreement -----------------------------------------------------------------------------


def _agree(a: Fact, b: Fact) -> bool:
    if a.value == b.value and (a.unit == b.unit or a.kind not in ("duration", "anniversary")):
        return True
    if a.kind in ("year", "date"):
        when_a, when_b = _when(a), _when(b)
        if when_a is None or when_b is None:
            return True  # unknown: never a disagreement
        return when_a.startswith(when_b) or when_b.startswith(when_a) or _same_month_day(when_a, when_b)
    if a.kind == "weekday":
        return False
    va, vb = _decimal(a.value), _decimal(b.value)
    if va is None or vb is None:
        return True
    if a.unit != b.unit and a.kind in ("duration", "anniversary"):
        return a.kind == "duration" and _same_length(va, a.unit, vb, b.unit)
    return _numbers_agree(a, va, b, vb)


def _same_length(va: Decimal, unit_a: str | None, vb: Decimal, unit_b: str | None) -> bool:
    """Two durations in different units: "two weeks" and "14 days", "18 months" and "1.5 years"."""
    days_a, days_b = va * _DAYS.get(unit_a or "", 0), vb * _DAYS.get(unit_b or "", 0)
    if not days_a or not days_b:
        return True  # a unit we cannot convert: no claim
    return abs(days_a - days_b) <= Decimal("0.05") * max(days_a, days_b)


def _numbers_agree(a: Fact, va: Decimal, b: Fact, vb: Decimal) -> bool:
    if va == vb:
        return True
    if a.kind in _EXACT_KINDS:
        return False
    qa, qb = _qualifier_class(a), _qualifier_class(b)
    if (qa == "approx") != (qb == "approx") and abs(va - vb) <= Decimal("0.1") * max(abs(va), abs(vb)):
        return True  # "about 40" against "42"; two approximations of different figures are not excused
    if qa and qb and qa != "approx" and qb != "approx":
        return False  # "more than 30" against "more than 40": both bounds, different figures
    if qa in ("gt", "ge", "lt", "le") and not qb:
        return _within_bound(qa, va, vb)
    if qb in ("gt", "ge", "lt", "le") and not qa:
        return _within_bound(qb, vb, va)
    coarse = max(_written_precision(a), _written_precision(b))
    return abs(va - vb) <= coarse / 2  # "$240 billion" for "$240.1 billion", "$10 billion" for "$9.5 billion"


def _within_bound(kind: str, bound: Decimal, value: Decimal) -> bool:
    return value >= bound if kind in ("gt", "ge") else value <= bound


def _written_precision(fact: Fact) -> Decimal:
    """The unit of the last digit as written on the page: "32,000" is written to the unit, "$240
    billion" to the billion, "$240.1 billion" to the hundred million, "3.5%" to the tenth.

    A figure spelled out to the unit is taken at its word; only a scale word or decimals
    make it coarser. Numbers in words fall back on their trailing zeros."""
    written = _WRITTEN_NUMBER.search(fact.text)
    value = _decimal(fact.value)
    if written is None or value is None:
        return _precision(fact.value)
    digits = written.group(0).replace(",", "")
    number = _decimal(digits)
    if number is None or number == 0:
        return _precision(fact.value)
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    scale = abs(value / number)
    if scale < 1 or scale != scale.to_integral_value():
        return _precision(fact.value)  # a value converted from what is written ("1.5 years" as months)
    return scale * Decimal(10) ** -decimals


_WRITTEN_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _precision(value: str) -> Decimal:
    """The unit of the last written digit: 1e8 for "240.1e9", 1e9 for "240e9", 1000 for "32000"."""
    mantissa, _, exponent = value.partition("e")
    scale = int(exponent or 0)
    if "." in mantissa:
        return Decimal(10) ** (scale - len(mantissa.split(".")[1]))
    zeros = len(mantissa) - len(mantissa.rstrip("0"))
    if int(mantissa or 0) >= 1000 and zeros >= 2:
        return Decimal(10) ** (scale + zeros)
    return Decimal(10) ** scale


def _qualifier_class(fact: Fact) -> str | None:
    return _QUALIFIER_CLASS.get(fact.qualifier or "")


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except InvalidOperation:
        return None


def _when(fact: Fact) -> str | None:
    """An ISO year, month or day for a year or date fact (relative ones through ``resolved``)."""
    if re.fullmatch(r"\d{4}(?:-\d\d(?:-\d\d)?)?|\d{4}s|--\d\d(?:-\d\d)?", fact.value):
        return fact.value
    return fact.resolved


def _same_month_day(x: str, y: str) -> bool:
    """A date without its year ("--01-18") against one with it."""
    if not (x.startswith("--") or y.startswith("--")):
        return False
    mx, my = (v[2:] if v.startswith("--") else v[5:] for v in (x, y))
    return mx.startswith(my) or my.startswith(mx)


# context and wording ---------------------------------------------------------------------


def _context_similarity(
    text: str, start: int, end: int, mine: list[Fact], other: str, other_start: int, other_end: int, theirs: list[Fact]
) -> float:
    from difflib import SequenceMatcher

    left = _masked_words(text, start, end, mine)
    right = _masked_words(other, other_start, other_end, theirs)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def _masked_words(text: str, start: int, end: int, facts: list[Fact]) -> list[str]:
    chars = list(text[start:end])
    for fact in facts:
        for i in range(fact.start - start, fact.end - start):
            chars[i] = " "
    return re.findall(r"[a-z]+", "".join(chars).lower())


def _context(fact: Fact) -> set[str]:
    """Words within three of a fact, on either side, in its sentence."""
    before = fact.sentence[: fact.start - fact.sentence_start]
    after = fact.sentence[fact.end - fact.sentence_start :]
    words = re.findall(r"[a-z]+", before.lower())[-3:] + re.findall(r"[a-z]+", after.lower())[:3]
    return set(words)


def _why(a: Fact, b: Fact) -> str:
    if a.kind in ("year", "date", "weekday"):
        return f"compared {_when(a) or a.value} with {_when(b) or b.value}"
    qa, qb = _qualifier_class(a), _qualifier_class(b)
    if qa and qb:
        return f"both are bounds ({a.qualifier} / {b.qualifier}) on different figures"
    if qa or qb:
        return "the exact figure is outside the other's bound"
    if a.unit != b.unit and a.kind in ("duration", "anniversary"):
        return f"compared {a.value} {a.unit} with {b.value} {b.unit}"
    if a.kind in _EXACT_KINDS:
        return f"compared {a.value} with {b.value}"
    coarse = max(_written_precision(a), _written_precision(b))
    return f"compared {a.value} with {b.value}: they differ by more than rounding to {coarse.normalize():f}"


def _describe(fact: Fact) -> str:
    parts = [fact.value]
    if fact.unit and fact.kind not in ("year", "date", "weekday"):
        parts.append(fact.unit)
    if fact.slot:
        parts.append(f"slot {fact.slot}")
    if fact.resolved:
        parts.append(f"resolved {fact.resolved}")
    return ", ".join(parts)


def _of(slot: str | None) -> str:
    return f" (of {slot})" if slot else ""


def _quote(sentence: str, limit: int = 90) -> str:
    return f"'{sentence[:limit]}...'" if len(sentence) > limit else f"'{sentence}'"


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def is_cross_checked(copy: Copy) -> bool:
    """Duplicates hold the same text and related articles are not copies: neither is cross-checked."""
    return copy.relation not in ("duplicate", "related")


def check_copy(
    article_id: int, article: Article, facts: Sequence[Fact], copy: Copy, other: Article, other_facts: Sequence[Fact]
) -> list[Disagreement]:
    """Cross-check a new article against one copy link, from the side of ``article_id``.

    Two versions of one URL (the same url or canonical url) are an update, not a disagreement.
    """
    is_update = bool({article.url, article.canonical_url} & {other.url, other.canonical_url} - {None})
    return compare_copies(article, facts, other, other_facts, aligned_pairs(copy, article_id, article.text, other.text), is_update=is_update)
