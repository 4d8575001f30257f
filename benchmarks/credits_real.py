"""Credit lines from real outlets: recall and precision of ``provenance.article.credits.find_credits``.

``benchmarks/data/credits/`` holds real credit lines seen on public pages
(``credit_lines.jsonl``: the text, its form, the outlets it credits, checked by
hand, where it was seen, and a ``train``/``test`` split) and hard negatives
that look like credits but credit no outlet (``non_credits.jsonl``); see
``SOURCES.md`` there. They are kept apart from the rules' own examples. The
extractor's patterns were tuned on ``train`` only; ``test`` was not looked at.

A predicted name is right when it is one of the line's credited names, compared
case-folded, without "the", a URL's scheme and "www.", and punctuation.

* recall: credited names found / credited names, per split and per form;
* precision: right names / predicted names, over the credit lines and the
  negatives of the split;
* negatives: share of negative lines where nothing is predicted.

Usage::

    python benchmarks/credits_real.py [--split train|test|all] [--misses] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "credits"


def key(name: str) -> str:
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", name.strip().casefold())
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[\W_]+", "", text)


def load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(split: str) -> dict[str, Any]:
    from provenance.article.credits import find_credits

    lines = [r for r in load("credit_lines.jsonl") if split in ("all", r["split"])]
    negatives = [r for r in load("non_credits.jsonl") if split in ("all", r["split"])]
    found = wanted = right = predicted = 0
    by_form: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses, false = [], []
    for row in lines:
        got = find_credits(row["text"])
        truth = {key(n) for n in row["credited"]}
        keys = {key(n) for n in got}
        hit = len(truth & keys)
        found += hit
        wanted += len(truth)
        right += sum(1 for k in keys if k in truth)
        predicted += len(keys)
        by_form[row["form"]][0] += hit
        by_form[row["form"]][1] += len(truth)
        if hit < len(truth) or len(keys - truth):
            misses.append({"id": row["id"], "form": row["form"], "text": row["text"][:160], "credited": row["credited"],
                           "got": got})
    clean = 0
    for row in negatives:
        got = find_credits(row["text"])
        predicted += len({key(n) for n in got})
        clean += not got
        if got:
            false.append({"id": row["id"], "form": row["form"], "text": row["text"][:160], "got": got})
    return {
        "split": split, "credit_lines": len(lines), "negative_lines": len(negatives),
        "recall": round(found / max(1, wanted), 3), "precision": round(right / max(1, predicted), 3),
        "negatives_clean": round(clean / max(1, len(negatives)), 3),
        "recall_by_form": {f: f"{h}/{n}" for f, (h, n) in sorted(by_form.items())},
        "misses": misses, "false_on_negatives": false,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Credit extraction on real credit lines.")
    parser.add_argument("--split", choices=("train", "test", "all"), action="append")
    parser.add_argument("--misses", action="store_true", help="list wrong lines (train only while tuning)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (DATA / "credit_lines.jsonl").is_file():
        print(f"error: {DATA}: no credit lines here", file=sys.stderr)
        return 2
    results = [evaluate(s) for s in (args.split or ["train", "test"])]
    if args.json:
        print(json.dumps([{k: v for k, v in r.items() if args.misses or k not in ("misses", "false_on_negatives")}
                          for r in results], indent=1, ensure_ascii=False))
        return 0
    for r in results:
        print(f"{r['split']:>5}: {r['credit_lines']} credit lines, {r['negative_lines']} negatives: recall "
              f"{r['recall']:.3f}, precision {r['precision']:.3f}, negatives with no credit {r['negatives_clean']:.3f}")
        print("       recall by form: " + ", ".join(f"{f} {v}" for f, v in r["recall_by_form"].items()))
        if args.misses:
            for m in r["misses"]:
                print(f"  miss {m['form']}: {m['text']!r} want {m['credited']} got {m['got']}")
            for m in r["false_on_negatives"]:
                print(f"  false {m['form']}: {m['text']!r} got {m['got']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
