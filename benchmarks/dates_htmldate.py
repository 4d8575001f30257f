"""Publication dates on the htmldate evaluation pages: provenance beside htmldate and trafilatura.

``shared/corpus/dates-htmldate`` holds 799 real pages (news, blogs, mostly
German) with hand-checked publication dates (``date`` null: the page has
none). Scored as htmldate's own comparison does: a page is right when the
predicted day (YYYY-MM-DD) is the true one, or when both say "no date";
accuracy is right pages / pages.

Three systems in one run, on the same pages with the same URL:

* ``provenance``: ``extract_article`` on the page as an HTML input with its URL
  (a page without an article body gets no date, as in an audit);
* ``htmldate``: ``htmldate.find_date(html, extensive_search=True, original_date=True)``, as
  htmldate's own evaluation runs it;
* ``trafilatura``: ``trafilatura.bare_extraction(..., with_metadata=True).date``.

A third of the pages (those whose file name's SHA-1 ends in a multiple of 3)
are a test set that was never looked at while tuning the date extractor; the
figures are printed for the train pages, the test pages and all pages.

Usage::

    python benchmarks/dates_htmldate.py [--shared PATH] [--only provenance] [--errors train] [--jobs 2] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

CORPUS = Path("corpus") / "dates-htmldate"
SYSTEMS = ("provenance", "htmldate", "trafilatura")
TARGET = 0.906  # htmldate 1.11's extensive search, measured on these pages


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


def split_of(name: str) -> str:
    """``test`` for a third of the pages, by a hash of the file name; ``train`` for the rest."""
    return "test" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 3 == 0 else "train"


def _html(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def _provenance(path: Path, url: str) -> str | None:
    from provenance.article.extract import extract_article
    from provenance.errors import ExtractError
    from provenance.ingest.readers import decode_bytes
    from provenance.models import Document, Metadata

    decoded = decode_bytes(_html(path), is_html=True)
    if isinstance(decoded, str):
        return None
    text, encoding, notes = decoded
    doc = Document(str(path), "html", text, hashlib.sha256(text.encode()).hexdigest(), Metadata(url=url), encoding, notes)
    try:
        article = extract_article(doc)
    except ExtractError:
        return None
    return article.published[:10] if article.published else None


def _htmldate(path: Path, url: str) -> str | None:
    from htmldate import find_date

    # As htmldate's own evaluation calls it (without the URL): 0.906 on these pages.
    return find_date(_html(path), extensive_search=True, original_date=True)


def _trafilatura(path: Path, url: str) -> str | None:
    import trafilatura

    result = trafilatura.bare_extraction(_html(path), url=url, with_metadata=True)
    date = getattr(result, "date", None)
    return date[:10] if isinstance(date, str) else None


_PREDICT: dict[str, Callable[[Path, str], str | None]] = {
    "provenance": _provenance, "htmldate": _htmldate, "trafilatura": _trafilatura,
}


def _predict(job: tuple[str, str, str]) -> str | None:
    system, path, url = job
    warnings.simplefilter("ignore")
    try:
        return _PREDICT[system](Path(path), url)
    except Exception as exc:  # a crash is a wrong answer, reported, never a stop
        print(f"warning: {system} on {Path(path).name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None


def evaluate(shared: Path, systems: tuple[str, ...], jobs: int) -> dict[str, Any]:
    root = shared / CORPUS
    truth = [json.loads(line) for line in (root / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    results: dict[str, Any] = {"pages": len(truth), "systems": {}}
    rows: dict[str, list[str | None]] = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for system in systems:
            work = [(system, str(root / "html" / t["file"]), t["url"]) for t in truth]
            rows[system] = list(pool.map(_predict, work, chunksize=8))
    for system in systems:
        scores: dict[str, list[int]] = {"train": [0, 0], "test": [0, 0], "all": [0, 0]}
        for t, predicted in zip(truth, rows[system], strict=True):
            right = int(predicted == t["date"])
            for key in (split_of(t["file"]), "all"):
                scores[key][0] += right
                scores[key][1] += 1
        results["systems"][system] = {k: round(r / max(1, n), 4) for k, (r, n) in scores.items()}
    results["errors"] = {
        system: [{"file": t["file"], "url": t["url"], "true": t["date"], "predicted": p, "split": split_of(t["file"])}
                 for t, p in zip(truth, rows[system], strict=True) if p != t["date"]]
        for system in systems
    }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Publication dates: provenance, htmldate and trafilatura.")
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--only", choices=SYSTEMS, action="append", help="run only these systems")
    parser.add_argument("--errors", choices=("train", "test", "all"), help="list the pages provenance gets wrong")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.shared / CORPUS / "truth.jsonl").is_file():
        print(f"error: {args.shared / CORPUS}: no dates corpus here; pass --shared PATH", file=sys.stderr)
        return 2
    systems = tuple(args.only or SYSTEMS)
    results = evaluate(args.shared, systems, args.jobs)
    if args.json:
        print(json.dumps(results if args.errors else {k: v for k, v in results.items() if k != "errors"}, indent=1))
        return 0
    print(f"{results['pages']} pages; accuracy = right day or rightly no date, per split")
    print(f"{'system':<14}{'train':>8}{'test':>8}{'all':>8}")
    for system, scores in results["systems"].items():
        print(f"{system:<14}{scores['train']:>8.3f}{scores['test']:>8.3f}{scores['all']:>8.3f}")
    if "provenance" in results["systems"]:
        mark = "ABOVE" if results["systems"]["provenance"]["all"] > TARGET else "NOT ABOVE"
        print(f"provenance {mark} htmldate's extensive search as measured before ({TARGET})")
    if args.errors and "provenance" in results["errors"]:
        for e in results["errors"]["provenance"]:
            if args.errors in ("all", e["split"]):
                print(f"  {e['file']}  true {e['true']}  got {e['predicted']}  {e['url']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
