"""Every fact and every cross-check on the five seed pages.

Reads ``shared/seeds/*.txt`` with the real ingest and extract stages, then
prints, for each seed, its publication date and every fact ``extract_facts``
finds (kind, value, text, unit, qualifier, slot, resolved), and every result of
``check_article`` (the audit time is ``--now``, default the current time).
Last, it compares seeds 001 and 002 (the same event, 2024-10-02, written up
twice) with ``compare_copies`` over the sentences ``align_sentences`` pairs.

Usage::

    python benchmarks/facts_seeds.py [--shared PATH] [--now ISO] [--json]

Exit status 0, or 2 when the seeds are missing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance.corpus.crosscheck import check_article, compare_copies  # noqa: E402
from provenance.article.extract import extract_article  # noqa: E402
from provenance.article.facts import extract_facts  # noqa: E402
from provenance.ingest.readers import read_inputs  # noqa: E402
from provenance.models import AlignedPair, Article, Document  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--now", type=dt.datetime.fromisoformat, default=dt.datetime.now(dt.timezone.utc))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    seeds = sorted((args.shared / "seeds").glob("*.txt"))
    if not seeds:
        print(f"error: no seeds in {args.shared / 'seeds'}", file=sys.stderr)
        return 2
    articles = [extract_article(d) for d in read_inputs([str(p) for p in seeds]) if isinstance(d, Document)]
    report: dict[str, Any] = {"seeds": [], "compare": None}
    for article in articles:
        facts = extract_facts(article)
        checks = check_article(article, facts, args.now)
        report["seeds"].append(
            {"location": Path(article.location).name, "published": article.published,
             "facts": [_fact_row(asdict(f)) for f in facts], "checks": [asdict(c) for c in checks]}
        )  # fmt: skip
    pair = [a for a in articles if Path(a.location).name.startswith(("001_", "002_"))]
    if len(pair) == 2:
        first, second = pair
        rows = compare_copies(first, extract_facts(first), second, extract_facts(second), _align(first, second), is_update=False)
        report["compare"] = {
            "article": Path(first.location).name, "other": Path(second.location).name,
            "aligned_sentences": len(_align(first, second)), "rows": [asdict(r) for r in rows],
        }  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print(report)
    return 0


def _align(article: Article, other: Article) -> list[AlignedPair]:
    from provenance.corpus.copies import align_sentences

    return align_sentences(article.text, other.text)


def _fact_row(fact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fact.items() if k not in ("sentence", "sentence_start", "sentence_end")}


def _print(report: dict[str, Any]) -> None:
    for seed in report["seeds"]:
        print(f"== {seed['location']}  published {seed['published']}  ({len(seed['facts'])} facts)")
        for f in seed["facts"]:
            extras = " ".join(f"{k}={f[k]}" for k in ("unit", "qualifier", "slot", "resolved") if f[k])
            print(f"   {f['kind']:11} {f['value']:<16} {f['text']!r:42} {extras}")
        if not seed["checks"]:
            print("   checks: none")
        for c in seed["checks"]:
            print(f"   CHECK {c['status']}[{c['rule_id']}] confidence {c['confidence']}: {c['reason']}")
    compare = report["compare"]
    if compare:
        print(f"== compare_copies {compare['article']} / {compare['other']}: "
              f"{compare['aligned_sentences']} aligned sentence pairs, {len(compare['rows'])} rows")  # fmt: skip
        for r in compare["rows"]:
            print(f"   {r['status']}[{r['rule_id']}] {r['confidence']}: {r['reason']}")


if __name__ == "__main__":
    sys.exit(main())
