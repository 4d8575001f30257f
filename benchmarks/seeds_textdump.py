"""Text-dump extraction on the real case: the five seed pages in ``shared/seeds``.

For each seed the true body was marked by hand (its first and last words),
with the title, byline, date and outlet a reader sees on the page. The script
extracts each seed, scores the body with the Zyte benchmark's shingle
measure, and lists everything it gets wrong: metadata that differs, and lines
of navigation, related lists, banners, footers, disclaimers or spam that
leaked into the body, or body lines that were lost.

Usage::

    python benchmarks/seeds_textdump.py [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction_zyte import aggregate, default_shared, harmonic, match  # noqa: E402


@dataclass(frozen=True, slots=True)
class Truth:
    prefix: str  # file name prefix
    title: str | None
    byline: str | None
    published: str | None
    site_name: str | None
    body_start: str  # first words of the body
    body_end: str  # last words of the body
    after: str = ""  # the body starts after this text (a teaser repeats the first paragraph)


TRUTHS = (
    Truth("000", "Xi calls Sino-Russian ties example for world", None, None, "Budapest Post",
          "The China-Russia relationship has achieved", "for a new era with joint efforts."),
    Truth("001", "China, Russia vow to further bolster ties", "Zhang Yunbi", "2024-10-03", "China Daily",
          "As Wednesday marked the 75th anniversary", "security and stability in Eurasia and in the world."),
    Truth("002", None, None, "2024-10-02", None,
          "Chinese President Xi Jinping on Wednesday said", "on the Eurasian continent and beyond."),
    Truth("003", "Xi eyes unwavering development of China-Russia partnership", "Xinhua", "2020-12-29", "Chinanews.com",
          "Chinese President Xi Jinping said Monday", "safeguard international fairness and justice, Xi said."),
    Truth("004", "China, Russia deepen comprehensive strategic partnership", "Xinhua", "2024-05-16", None,
          "Chinese President Xi Jinping held talks", "the Russian president emphasized.", after="16/05/2024 17:54"),
)


def true_body(text: str, truth: Truth) -> str:
    start = text.index(truth.body_start, text.index(truth.after) if truth.after else 0)
    end = text.index(truth.body_end, start) + len(truth.body_end)
    return text[start:end]


def _lines(text: str) -> set[str]:
    return {" ".join(line.split()) for line in text.splitlines() if line.strip()}


def evaluate(seeds: Path) -> dict[str, Any]:
    from provenance.article.extract import extract_article
    from provenance.ingest.readers import read_inputs
    from provenance.models import Document

    results: list[dict[str, Any]] = []
    counts = []
    for truth in TRUTHS:
        (path,) = sorted(seeds.glob(f"{truth.prefix}_*.txt"))
        (doc,) = list(read_inputs([str(path)]))
        assert isinstance(doc, Document), doc
        article = extract_article(doc)
        expected = true_body(doc.content, truth)
        count = match(expected, article.text)
        counts.append(count)
        wrong = [
            f"{field}: got {getattr(article, field)!r}, expected {getattr(truth, field)!r}"
            for field in ("title", "byline", "site_name")
            if getattr(article, field) != getattr(truth, field)
        ]
        if (article.published or None) != truth.published:
            wrong.append(f"published: got {article.published!r}, expected {truth.published!r}")
        got, want = _lines(article.text), _lines(expected)
        wrong += [f"leaked into the body: {line[:80]!r}" for line in sorted(got - want)]
        wrong += [f"lost from the body: {line[:80]!r}" for line in sorted(want - got)]
        kinds = sorted({z.kind for z in article.zones})
        results.append({"seed": path.name, "precision": _p(count), "recall": _r(count), "zones": kinds, "wrong": wrong})
    precision, recall, f1 = aggregate(counts)
    return {"precision": precision, "recall": recall, "f1": f1, "seeds": results}


def _p(count: Any) -> float:
    return float(count.tp / (count.tp + count.fp)) if count.tp + count.fp else 0.0


def _r(count: Any) -> float:
    return float(count.tp / (count.tp + count.fn)) if count.tp + count.fn else 0.0


def render(result: dict[str, Any]) -> str:
    out = [f"seeds: P {result['precision']:.4f}  R {result['recall']:.4f}  F1 {result['f1']:.4f}"]
    for seed in result["seeds"]:
        out.append(f"  {seed['seed']}: P {seed['precision']:.3f} R {seed['recall']:.3f} F1 "
                   f"{harmonic(seed['precision'], seed['recall']):.3f}  zones: {', '.join(seed['zones'])}")
        out += [f"    wrong: {w}" for w in seed["wrong"]] or ["    nothing wrong"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    seeds = args.shared / "seeds"
    if not seeds.is_dir():
        print(f"error: {seeds}: no seeds here; pass --shared PATH", file=sys.stderr)
        return 2
    result = evaluate(seeds)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
