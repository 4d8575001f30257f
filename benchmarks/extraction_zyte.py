"""Extraction quality on the Zyte article-extraction benchmark.

Scores the article body that a system extracts from each of the 181 pages in
``shared/corpus/extraction-zyte`` against the true body, as defined in
``shared/README.md`` (the benchmark's own ``evaluate.py``):

* tokens are ``\\w+`` (Python ``re``, Unicode);
* each text is cut into 4-token shingles, counted as a multiset; a text of
  fewer than 4 tokens is one shingle (its whole token tuple), and an empty
  text has none;
* per document tp = |pred & truth|, fp = |pred| - tp, fn = |truth| - tp, then
  normalised so that tp + fp + fn = 1 (long pages do not weigh more);
* precision is averaged over documents with non-empty output, recall over all
  documents (with a non-empty truth); F1 is the harmonic mean of the averages.

Usage::

    python benchmarks/extraction_zyte.py [--system provenance|trafilatura] [--shared PATH] [--json]

Exit status: 0 when F1 reaches the floor, 1 below it, 2 when the corpus or
the system cannot be loaded.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import mean

FLOOR = 0.955
SHINGLE_SIZE = 4
CORPUS = Path("corpus") / "extraction-zyte"
SUFFIX = ".html.gz"
_TOKEN = re.compile(r"\w+")

Shingles = Counter[tuple[str, ...]]
Predictor = Callable[[Path], "Predictions"]


@dataclass(frozen=True, slots=True)
class Counts:
    """Normalised shingle counts of one document (tp + fp + fn = 1, or all 0)."""

    tp: float
    fp: float
    fn: float


@dataclass(frozen=True, slots=True)
class DocScore:
    id: str
    precision: float
    recall: float
    f1: float
    is_empty: bool


@dataclass(frozen=True, slots=True)
class Predictions:
    """Extracted bodies by document id, and the ids that failed, with why."""

    texts: dict[str, str]
    failures: dict[str, str]


@dataclass(frozen=True, slots=True)
class Result:
    system: str
    precision: float
    recall: float
    f1: float
    docs: int
    empty: int
    failures: dict[str, str]
    worst: list[DocScore]
    floor: float
    is_floor_ok: bool
    seconds: float


# --- scoring ---------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(text: str, size: int = SHINGLE_SIZE) -> Shingles:
    """Multiset of ``size``-token shingles; a short text is one shingle."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    if len(tokens) < size:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def match(truth: str, predicted: str) -> Counts:
    true_sh, pred_sh = shingles(truth), shingles(predicted)
    tp = sum((true_sh & pred_sh).values())
    fp = sum(pred_sh.values()) - tp
    fn = sum(true_sh.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return Counts(0.0, 0.0, 0.0)
    return Counts(tp / total, fp / total, fn / total)


def precision_of(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fp) if c.tp + c.fp > 0 else 0.0


def recall_of(c: Counts) -> float:
    if c.fp == c.fn == 0:
        return 1.0
    return c.tp / (c.tp + c.fn) if c.tp + c.fn > 0 else 0.0


def harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score_document(doc_id: str, truth: str, predicted: str) -> tuple[Counts, DocScore]:
    counts = match(truth, predicted)
    p, r = precision_of(counts), recall_of(counts)
    is_empty = counts.tp + counts.fp == 0
    return counts, DocScore(doc_id, p, r, harmonic(p, r), is_empty)


def aggregate(counts: Iterable[Counts]) -> tuple[float, float, float]:
    """Mean precision (non-empty outputs), mean recall (non-empty truths), F1."""
    items = list(counts)
    precisions = [precision_of(c) for c in items if c.tp + c.fp > 0]
    recalls = [recall_of(c) for c in items if c.tp + c.fn > 0]
    p = mean(precisions) if precisions else 0.0
    r = mean(recalls) if recalls else 0.0
    return p, r, harmonic(p, r)


# --- corpus and systems ----------------------------------------------------


def load_truth(corpus: Path) -> dict[str, str]:
    truth: dict[str, str] = {}
    with (corpus / "ground_truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                truth[record["id"]] = record["body"] or ""
    return truth


def doc_id(location: str) -> str:
    return Path(location).name.removesuffix(SUFFIX)


def predict_trafilatura(html_dir: Path) -> Predictions:
    import trafilatura

    texts: dict[str, str] = {}
    for path in sorted(html_dir.glob("*" + SUFFIX)):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            html = handle.read()
        texts[doc_id(str(path))] = trafilatura.extract(html, include_comments=False) or ""
    return Predictions(texts, {})


def predict_provenance(html_dir: Path) -> Predictions:
    checkout = str(Path(__file__).resolve().parents[1])
    if checkout not in sys.path:
        sys.path.append(checkout)  # an installed provenance wins; the checkout is the fallback
    from provenance.errors import ExtractError
    from provenance.article.extract import extract_article
    from provenance.ingest.readers import read_inputs
    from provenance.models import InputProblem

    texts: dict[str, str] = {}
    failures: dict[str, str] = {}
    for item in read_inputs([str(html_dir)]):
        key = doc_id(item.location)
        if isinstance(item, InputProblem):
            failures[key] = f"input problem: {item.problem}"
            continue
        try:
            texts[key] = extract_article(item).text or ""
        except ExtractError as exc:
            failures[key] = f"ExtractError: {exc.message}"
        except Exception as exc:  # noqa: BLE001 - a crash is a bug to report, not a reason to stop scoring
            failures[key] = f"crash: {type(exc).__name__}: {exc}"
    return Predictions(texts, failures)


def predict_textdump(html_dir: Path) -> Predictions:
    """provenance's plain-text zoner on each page rendered to text, as a browser copy would give it."""
    checkout = str(Path(__file__).resolve().parents[1])
    if checkout not in sys.path:
        sys.path.append(checkout)
    import dataclasses

    import trafilatura

    from provenance.errors import ExtractError
    from provenance.article.extract import extract_article, render_html_text
    from provenance.ingest.readers import read_inputs
    from provenance.models import InputProblem

    texts: dict[str, str] = {}
    failures: dict[str, str] = {}
    for item in read_inputs([str(html_dir)]):
        key = doc_id(item.location)
        if isinstance(item, InputProblem):
            failures[key] = f"input problem: {item.problem}"
            continue
        dump = render_html_text(trafilatura.load_html(item.content))
        try:
            texts[key] = extract_article(dataclasses.replace(item, kind="text", content=dump)).text
        except ExtractError as exc:
            failures[key] = f"ExtractError: {exc.message}"
    return Predictions(texts, failures)


SYSTEMS: dict[str, Predictor] = {
    "provenance": predict_provenance,
    "provenance-textdump": predict_textdump,
    "trafilatura": predict_trafilatura,
}


def evaluate(system: str, corpus: Path, worst: int) -> Result:
    truth = load_truth(corpus)
    started = time.perf_counter()
    predictions = SYSTEMS[system](corpus / "html")
    seconds = time.perf_counter() - started
    scored = [score_document(key, body, predictions.texts.get(key, "")) for key, body in truth.items()]
    p, r, f1 = aggregate(counts for counts, _ in scored)
    docs = sorted((doc for _, doc in scored), key=lambda d: (d.f1, d.id))
    failures = {k: v for k, v in predictions.failures.items() if k in truth}
    return Result(
        system=system,
        precision=p,
        recall=r,
        f1=f1,
        docs=len(truth),
        empty=sum(doc.is_empty for doc in docs),
        failures=failures,
        worst=docs[:worst],
        floor=FLOOR,
        is_floor_ok=f1 >= FLOOR,
        seconds=seconds,
    )


# --- output ----------------------------------------------------------------


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


def render(result: Result) -> str:
    lines = [
        f"extraction-zyte: {result.system}",
        f"  precision {result.precision:.4f}   recall {result.recall:.4f}   F1 {result.f1:.4f}",
        (
            f"  docs {result.docs}   empty outputs {result.empty}   failures {len(result.failures)}"
            f"   time {result.seconds:.1f}s"
        ),
        f"  worst {len(result.worst)} by F1:",
    ]
    lines += [f"    {d.f1:.3f}  P {d.precision:.3f}  R {d.recall:.3f}  {d.id}" for d in result.worst]
    if result.failures:
        lines.append("  failures:")
        lines += [f"    {key}: {why}" for key, why in sorted(result.failures.items())[:20]]
    verdict = "FLOOR OK" if result.is_floor_ok else "BELOW FLOOR"
    lines.append(f"{verdict} (F1 {result.f1:.4f} vs floor {result.floor:.3f})")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Score article-body extraction on the Zyte benchmark.")
    parser.add_argument("--shared", type=Path, default=default_shared(), help="shared folder (default: %(default)s)")
    parser.add_argument("--system", choices=sorted(SYSTEMS), default="provenance")
    parser.add_argument("--worst", type=int, default=10, help="how many of the worst documents to list")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = args.shared / CORPUS
    if not (corpus / "ground_truth.jsonl").is_file() or not (corpus / "html").is_dir():
        print(f"error: extraction corpus not found: {corpus} (give --shared PATH)", file=sys.stderr)
        return 2
    try:
        result = evaluate(args.system, corpus, args.worst)
    except ImportError as exc:
        print(f"error: cannot load system {args.system!r}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(asdict(result), indent=2) if args.json else render(result))
    return 0 if result.is_floor_ok else 1


if __name__ == "__main__":
    sys.exit(main())
