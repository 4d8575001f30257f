"""Do the fact extractors see the one number that differs between two texts?

``shared/corpus/facts-summedits/summedits_news_numeric_edits.json`` holds 75
pairs of news summaries (SummEdits, Apache-2.0): an original and an edited
copy, with the list of edits (``changes``: ``[old, new]``). Pairs where an edit
replaces a figure by another (a number, amount, percentage, year, ordinal,
weekday, or "billion" by "million") are scored two ways:

* **extracted**: a fact of the original overlaps the old text, a fact of the
  copy overlaps the new text, and their values (or units) differ;
* **flagged**: ``compare_copies`` on the two texts (sentences aligned by
  ``provenance.corpus.copies.align_sentences``, or the whole texts as one pair when
  that finds none) gives a disagreement whose values hold the old and the new
  text.

Edits that only delete or insert a figure ("35 years ago" -> "", "his
brother" -> "three Romanian men"), rename an identifier ("SARS-CoV-2" ->
"SARS-CoV-4") or reword around the same figure ("1997," -> "a 1997") have
nothing to compare and are counted apart.

Usage::

    python benchmarks/facts_summedits.py [--shared PATH] [--json] [--show N]

Exit status 0, or 2 when the corpus is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance.corpus.crosscheck import compare_copies  # noqa: E402
from provenance.article.facts import extract_facts  # noqa: E402
from provenance.models import AlignedPair, Article, Fact  # noqa: E402

CORPUS = Path("corpus") / "facts-summedits" / "summedits_news_numeric_edits.json"
_IDENTIFIER = re.compile(r"[A-Za-z]+-[A-Za-z]*-?\d|[A-Za-z]\d")
_FIGURE = re.compile(
    r"\d+(?:[.,]\d+)*(?:\s?(?:bn|mn|billion|million|trillion)\b)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|hundred|thousand|"
    r"million|billion|trillion|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mn|bn)\b",
    re.I,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=10, help="misses to print")
    args = parser.parse_args(argv)
    path = args.shared / CORPUS
    if not path.exists():
        print(f"error: corpus not found: {path}", file=sys.stderr)
        return 2
    records = json.loads(path.read_text(encoding="utf-8"))
    results = [score(r) for r in records]
    scored = [r for r in results if r["figure_edits"]]
    left_out: dict[str, int] = {}
    for r in results:
        if not r["figure_edits"]:
            for kind in r["other_edits"] or ["no figure edited"]:
                left_out[kind] = left_out.get(kind, 0) + 1
    figures: dict[str, Any] = {
        "pairs": len(records),
        "pairs_with_a_changed_figure": len(scored),
        "pairs_left_out_by_edit": left_out,
        "extracted": sum(r["extracted"] for r in scored),
        "flagged": sum(r["flagged"] for r in scored),
        "flags_on_pairs_without_a_changed_figure": sum(r["rows"] for r in results if not r["figure_edits"]),
    }
    n = len(scored) or 1
    figures["extracted_rate"] = round(figures["extracted"] / n, 4)
    figures["flagged_rate"] = round(figures["flagged"] / n, 4)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['pairs']} pairs; {figures['pairs_with_a_changed_figure']} replace a figure by another; "
          f"left out (edit kinds): {left_out}")  # fmt: skip
    print(f"differing figure extracted as differing facts: {figures['extracted']}/{len(scored)} = {figures['extracted_rate']:.4f}")
    print(f"differing figure flagged by compare_copies:    {figures['flagged']}/{len(scored)} = {figures['flagged_rate']:.4f}")
    print(f"disagreements on pairs without a changed figure: {figures['flags_on_pairs_without_a_changed_figure']}")
    for r in [r for r in scored if not r["flagged"]][: args.show]:
        print(f"  not flagged: {r['figure_edits']} in {r['summary']!r}")
    return 0


def score(record: dict[str, Any]) -> dict[str, Any]:
    """One pair: its figure edits, and whether the extractors and the cross-check saw them."""
    original, edited = record["original_summary"], record["summary"]
    edits = [(old, new) for old, new in record["changes"] if _kind_of_edit(old, new) == "figure"]
    others = {_kind_of_edit(old, new) for old, new in record["changes"]} - {"figure", "none"}
    a, b = _article("original", original), _article("edited", edited)
    facts_a, facts_b = extract_facts(a), extract_facts(b)
    extracted = any(_extracted(original, facts_a, old, edited, facts_b, new) for old, new in edits)
    rows = compare_copies(a, facts_a, b, facts_b, _align(original, edited), is_update=False)
    flagged = any(_words(old) & _words(r.value or "") and _words(new) & _words(r.other_value or "") for r in rows for old, new in edits)
    return {"summary": edited, "figure_edits": edits, "other_edits": sorted(others), "extracted": extracted, "flagged": flagged, "rows": len(rows)}


def _kind_of_edit(old: str, new: str) -> str:
    """figure (one figure replaced by another), deleted, inserted, identifier, same-figure, or none."""
    if _IDENTIFIER.search(old) or _IDENTIFIER.search(new):
        return "identifier"  # "SARS-CoV-2" -> "SARS-CoV-4" renames a virus, it states no figure
    figures_old, figures_new = _figure_tokens(old), _figure_tokens(new)
    if not figures_old and not figures_new:
        return "none"
    if not figures_new:
        return "deleted"
    if not figures_old:
        return "inserted"
    return "same-figure" if figures_old == figures_new else "figure"


def _figure_tokens(text: str) -> set[str]:
    """Figures with a time unit glued on: "one-year" and "one-month" are different figures."""
    return {m.group().lower() + _unit_after(text, m.end()) for m in _FIGURE.finditer(text)}


def _unit_after(text: str, end: int) -> str:
    unit = re.match(r"-(year|month|week|day)s?\b", text[end:])
    return unit.group() if unit else ""


def _extracted(original: str, facts_a: list[Fact], old: str, edited: str, facts_b: list[Fact], new: str) -> bool:
    before = _covering(facts_a, original.find(old), len(old))
    after = _covering(facts_b, edited.find(new), len(new))
    return any((x.value, x.unit) != (y.value, y.unit) for x in before for y in after)


def _covering(facts: list[Fact], start: int, length: int) -> list[Fact]:
    if start < 0:
        return []
    return [f for f in facts if f.start < start + length and start < f.end]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[\w.$%]+", text.lower().strip(".")) if _FIGURE.search(w) or "$" in w}


def _align(original: str, edited: str) -> list[AlignedPair]:
    try:
        from provenance.corpus.copies import align_sentences

        pairs = align_sentences(original, edited)
    except ImportError:
        pairs = []
    return pairs or [AlignedPair(original, edited, 100.0, 0, len(original), 0, len(edited))]


def _article(location: str, text: str) -> Article:
    return Article(location, "text", "0" * 64, text, text, ())


if __name__ == "__main__":
    sys.exit(main())
