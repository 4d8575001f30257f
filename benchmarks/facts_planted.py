"""Cross-copy disagreements on planted changes in copy families of real news bodies.

From every true body of ``shared/corpus/extraction-zyte/ground_truth.jsonl``
this builds a family of copies, deterministically (``random.Random(seed)`` per
body):

* **planted** copies, each with exactly one changed fact: a number before a
  noun, an amount of money, a percentage, a year, a weekday or an ordinal (up
  to two per kind and body; the second is also lightly rewritten, as below).
  The places to change are found by simple patterns of this script, not by
  the extractor under test; figures inside dates ("Oct. 27") and holiday names
  ("Black Friday") are left alone;
* **clean** copies that must give no disagreement at all: the body unaltered,
  an excerpt (its first paragraphs) and a light rewrite (figures rewritten
  without changing them: "percent" for "%", "over" for "more than", number
  words for digits, "$240 billion" for "$240.1 billion", month names
  abbreviated, two paragraphs swapped, some verbs replaced).

Each copy is compared with its origin: ``extract_facts`` on both,
``align_sentences`` from the copies stage (or a small aligner of this script
if that is missing), then ``compare_copies``. A planted change is found when a
disagreement has the old figure in ``value`` and the new one in
``other_value``; every other disagreement is a false alarm.

Usage::

    python benchmarks/facts_planted.py [--shared PATH] [--seed N] [--json] [--show N]

Prints precision and recall over the planted changes (by kind), the false
alarms on unaltered, excerpt and rewritten copies, and ``TARGET OK`` when
precision >= 0.95, recall >= 0.90 and no clean copy has a disagreement.
Exit status 0 on target, 1 below it, 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance.corpus.crosscheck import compare_copies  # noqa: E402
from provenance.article.facts import extract_facts  # noqa: E402
from provenance.models import AlignedPair, Article, Disagreement  # noqa: E402

CORPUS = Path("corpus") / "extraction-zyte" / "ground_truth.jsonl"
TARGET_PRECISION, TARGET_RECALL = 0.95, 0.90
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine")
_FUNCTION = r"(?!(?:of|to|and|or|in|on|at|a|an|the|for|from|by|with|as|is|was|p|a\.m|p\.m|percent|per)\b)"

#: Where a fact of each kind can be changed: (kind, pattern, group holding the figure).
SITES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("money", re.compile(r"[$€£]\s?(?P<x>\d{1,3}(?:,\d{3})*(?:\.\d+)?)(?:\s?(?:billion|million|trillion|bn|m)\b)?")),
    ("percent", re.compile(r"(?<![\w.,])(?P<x>\d+(?:\.\d+)?)\s?(?:%|percent\b|per cent\b)")),
    ("year", re.compile(r"(?<![\w$.,/-])(?P<x>19[5-9]\d|20[0-2]\d)(?![\w%/-]|[.,]\d)")),
    ("weekday", re.compile(r"\b(?P<x>" + "|".join(WEEKDAYS) + r")\b")),
    ("ordinal", re.compile(r"\b(?P<x>" + "|".join(ORDINALS) + r"|\d{1,3}(?:st|nd|rd|th))\s+[a-z]{3,}")),
    ("number", re.compile(r"(?<![\w$€£.,/:#-])(?P<x>\d{1,3}(?:,\d{3})*)(?![\w.,%:/-])\s+" + _FUNCTION + r"[a-z]{3,}")),
    ("number", re.compile(r"\b(?P<x>" + "|".join(WORDS) + r")\s+" + _FUNCTION + r"[a-z]{3,}s\b")),
)


@dataclass(frozen=True, slots=True)
class Copy:
    kind: str  # planted kind, or unaltered | excerpt | rewrite
    text: str
    old: str = ""
    new: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    copy: Copy
    rows: list[Disagreement]
    found: bool


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=5, help="false alarms and misses to print")
    args = parser.parse_args(argv)
    path = args.shared / CORPUS
    if not path.exists():
        print(f"error: corpus not found: {path}", file=sys.stderr)
        return 2
    align, aligner = _aligner()
    bodies = [json.loads(line)["body"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    for index, body in enumerate(bodies):
        if len(body) < 400:
            continue
        rng = random.Random(args.seed * 100_003 + index)
        origin = _article(f"origin-{index}", body)
        facts = extract_facts(origin)
        for copy in family(body, rng):
            other = _article(f"copy-{index}", copy.text)
            rows = compare_copies(origin, facts, other, extract_facts(other), align(body, copy.text), is_update=False)
            found = any(copy.old in (r.value or "") and copy.new in (r.other_value or "") for r in rows) if copy.old else False
            outcomes.append(Outcome(copy, rows, found))
    figures = _figures(outcomes, aligner, time.perf_counter() - started, _update_check(align))
    _report(figures, outcomes, args.json, args.show)
    return 0 if _on_target(figures) else 1


def _on_target(figures: dict[str, object]) -> bool:
    precision, recall = figures["precision"], figures["recall"]
    assert isinstance(precision, float) and isinstance(recall, float)
    return precision >= TARGET_PRECISION and recall >= TARGET_RECALL and figures["clean_false_alarms"] == 0


# the family -----------------------------------------------------------------------


def family(body: str, rng: random.Random) -> list[Copy]:
    """Planted copies (one change each, at most two per kind) and three clean copies of ``body``."""
    copies: list[Copy] = []
    for kind in ("money", "percent", "year", "weekday", "ordinal", "number"):
        sites = [(m, k) for k, pattern in SITES if k == kind for m in pattern.finditer(body) if _in_long_sentence(body, m.start())]
        rng.shuffle(sites)
        used: set[str] = set()
        for match, _ in sites:
            if len([c for c in copies if c.kind == kind]) >= 2:
                break
            old = match.group("x")
            if _is_name(body, match.start("x"), match.end("x")):
                continue
            new = _change(kind, old, rng)
            if new is None or old in used or body.count(old) > 1 and kind != "weekday":
                continue
            used.add(old)
            start, end = match.span("x")
            changed = body[:start] + new + body[end:]
            if len([c for c in copies if c.kind == kind]) == 1:
                changed = rewrite(changed, rng)  # the second change of a kind hides in a rewritten copy
            copies.append(Copy(kind, changed, old, new))
    paragraphs = body.split("\n\n")
    copies.append(Copy("unaltered", body))
    copies.append(Copy("excerpt", "\n\n".join(paragraphs[: max(1, len(paragraphs) * 2 // 5)])))
    copies.append(Copy("rewrite", rewrite(body, rng)))
    return copies


_MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+$")
_HOLIDAY_BEFORE = re.compile(r"\b(?:Black|Cyber|Good|Super|Ash|Holy|Easter)\s+$")


def _is_name(text: str, start: int, end: int) -> bool:
    """Figures that are part of a date or a name, where a change is not a change of figure."""
    before = text[max(0, start - 12) : start]
    return bool(_MONTH_BEFORE.search(before) or _HOLIDAY_BEFORE.search(before) or before.endswith("per "))


def _in_long_sentence(text: str, position: int) -> bool:
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position))
    end = min(x for x in (text.find(". ", position), text.find("\n", position), len(text)) if x >= 0)
    return len(text[start + 1 : end].split()) >= 8


def _change(kind: str, old: str, rng: random.Random) -> str | None:
    if kind == "weekday":
        return rng.choice([d for d in WEEKDAYS if d != old])
    if kind == "ordinal":
        if old in ORDINALS:
            return rng.choice([o for o in ORDINALS[:6] if o != old])
        number = int(re.sub(r"\D", "", old)) + rng.choice((1, 2, 3))
        return f"{number}{'th' if 10 <= number % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"
    if kind == "number" and old in WORDS:
        return rng.choice([w for w in WORDS if w != old])
    if kind == "year":
        return str(int(old) + rng.choice((-3, -2, -1, 1, 2, 3)))
    digits = [i for i, c in enumerate(old) if c.isdigit() and c != "0"]
    if not digits:
        return None
    position = digits[-1] if rng.random() < 0.5 else digits[0]
    choices = [d for d in "123456789" if d != old[position]]
    return old[:position] + rng.choice(choices) + old[position + 1 :]


_REWRITES: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    (r"(\d)%", lambda m: f"{m.group(1)} percent"),
    (r"\bmore than (\d)", lambda m: f"over {m.group(1)}"),
    (r"(?<![\d.,])([2-9])\s(people|times|years|days)\b", lambda m: f"{WORDS[int(m.group(1)) - 2]} {m.group(2)}"),
    (r"([$€£])(\d+\.\d)( ?(?:billion|million|trillion))", lambda m: f"{m.group(1)}{int(float(m.group(2)) + 0.5):d}{m.group(3)}"),
    (r"\b(January|February|August|September|October|November|December) (\d)", lambda m: f"{m.group(1)[:3]}. {m.group(2)}"),
    (r"\bsaid\b", lambda m: "stated"),
    (r"\bhowever\b", lambda m: "though"),
    (r"\bbecause\b", lambda m: "since"),
)


def rewrite(body: str, rng: random.Random) -> str:
    """The body with figures reworded but unchanged, a few words swapped and two paragraphs reordered."""
    text = body
    for pattern, replace in _REWRITES:
        text = re.sub(pattern, _sometimes(replace, rng), text)
    paragraphs = text.split("\n\n")
    if len(paragraphs) > 3:
        i = rng.randrange(1, len(paragraphs) - 1)
        paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
    return "\n\n".join(paragraphs)


def _sometimes(replace: Callable[[re.Match[str]], str], rng: random.Random) -> Callable[[re.Match[str]], str]:
    def apply(m: re.Match[str]) -> str:
        return replace(m) if rng.random() < 0.7 else m.group(0)

    return apply


# running ----------------------------------------------------------------------------

Aligner = Callable[[str, str], list[AlignedPair]]


def _aligner() -> tuple[Aligner, str]:
    try:
        from provenance.corpus.copies import align_sentences
    except ImportError:
        return _simple_align, "benchmark's own (difflib)"
    return align_sentences, "provenance.corpus.copies.align_sentences"


def _simple_align(text: str, other: str) -> list[AlignedPair]:
    from difflib import SequenceMatcher

    from provenance.article.sentences import split_sentences

    mine, theirs = split_sentences(text), split_sentences(other)
    pairs: list[AlignedPair] = []
    used: set[int] = set()
    for a, b in mine:
        best, score = -1, 0.0
        for j, (c, d) in enumerate(theirs):
            if j not in used:
                ratio = SequenceMatcher(None, text[a:b].split(), other[c:d].split()).ratio()
                best, score = (j, ratio) if ratio > score else (best, score)
        if best >= 0 and score >= 0.6:
            used.add(best)
            c, d = theirs[best]
            pairs.append(AlignedPair(text[a:b], other[c:d], score * 100, a, b, c, d))
    return pairs


def _article(location: str, text: str, published: str = "2020-06-17") -> Article:
    return Article(location, "text", "0" * 64, text, text, (), published=published)


def _update_check(align: Aligner) -> dict[str, int]:
    """A later version of the same URL that changes a figure gives an update, not a disagreement."""
    before = "Bilateral trade reached $84.2 billion last year, up 12.7 percent year-on-year, the ministry said."
    after = before.replace("$84.2", "$48.2")
    a, b = _article("v1", before), _article("v2", after, "2020-06-18")
    rows = compare_copies(a, extract_facts(a), b, extract_facts(b), align(before, after), is_update=True)
    return Counter(r.status for r in rows)


# figures -----------------------------------------------------------------------------


def _figures(outcomes: list[Outcome], aligner: str, seconds: float, updates: dict[str, int]) -> dict[str, object]:
    planted = [o for o in outcomes if o.copy.old]
    clean = [o for o in outcomes if not o.copy.old]
    tp = sum(o.found for o in planted)
    false_alarms = sum(len(o.rows) - (1 if o.found else 0) for o in planted) + sum(len(o.rows) for o in clean)
    by_kind: dict[str, dict[str, int]] = {}
    for o in planted:
        entry = by_kind.setdefault(o.copy.kind, {"planted": 0, "found": 0})
        entry["planted"] += 1
        entry["found"] += o.found
    clean_by_kind = {k: {"copies": 0, "false_alarms": 0} for k in ("unaltered", "excerpt", "rewrite")}
    for o in clean:
        clean_by_kind[o.copy.kind]["copies"] += 1
        clean_by_kind[o.copy.kind]["false_alarms"] += len(o.rows)
    return {
        "planted": len(planted),
        "found": tp,
        "false_alarms": false_alarms,
        "precision": round(tp / (tp + false_alarms), 4) if tp + false_alarms else 1.0,  # always a float
        "recall": round(tp / len(planted), 4) if planted else 0.0,
        "by_kind": by_kind,
        "clean": clean_by_kind,
        "clean_false_alarms": sum(len(o.rows) for o in clean),
        "updates": dict(updates),
        "aligner": aligner,
        "seconds": round(seconds, 1),
    }


def _report(figures: dict[str, object], outcomes: list[Outcome], as_json: bool, show: int) -> None:
    if as_json:
        print(json.dumps(figures, indent=2))
        return
    print(f"aligner: {figures['aligner']}; {len(outcomes)} copies compared in {figures['seconds']} s")
    print(f"planted changes: {figures['planted']}, found {figures['found']}, other disagreements {figures['false_alarms']}")
    print(f"precision {figures['precision']:.4f}  recall {figures['recall']:.4f}")
    for kind, entry in sorted(figures["by_kind"].items()):  # type: ignore[attr-defined]
        print(f"  {kind:8} {entry['found']:4}/{entry['planted']:<4} found")
    for kind, entry in figures["clean"].items():  # type: ignore[attr-defined]
        print(f"  {kind:9} copies {entry['copies']:4}, disagreements {entry['false_alarms']}")
    print(f"later version with a changed figure: statuses {figures['updates']}")
    alarms = [(o, r) for o in outcomes for r in o.rows if not (o.copy.old and o.copy.old in (r.value or "") and o.copy.new in (r.other_value or ""))]
    for o, r in alarms[:show]:
        print(f"  false alarm ({o.copy.kind}): {r.value!r} -> {r.other_value!r} [{r.rule_id}] in {r.sentence!r}")
    misses = [o for o in outcomes if o.copy.old and not o.found]
    for o in misses[:show]:
        where = o.copy.text.find(o.copy.new)
        print(f"  missed {o.copy.kind}: {o.copy.old!r} -> {o.copy.new!r} in ...{o.copy.text[max(0, where - 70) : where + 50]!r}...")
    print("TARGET OK" if _on_target(figures) else "BELOW TARGET")


if __name__ == "__main__":
    sys.exit(main())
