"""HTML audit throughput against a bare ``trafilatura.extract`` loop, side by side in one run.

On the 181 pages of ``shared/corpus/extraction-zyte/html`` it measures CPU time (``time.process_time``,
and ``getrusage`` of the child for the command line), so that other work on the machine does not
change the ratio:

* ``trafilatura``: ``trafilatura.extract(html, include_comments=False, with_metadata=True)`` on every
  page, the same options provenance extracts with;
* ``stages``: provenance's per-page stages in this process (extract, fingerprint, facts, rules), each
  timed, so that the share of each shows;
* ``cli``: ``provenance audit HTML_FOLDER --db FRESH --jobs 1 --quiet``, everything included
  (start-up, the database, copies, scores), in a child process.

Each figure is pages per CPU-second; the ratios to trafilatura are printed (target: the CLI at 0.8x or
better). ``--rounds`` repeats the in-process loops (the best round counts).

Usage::

    python benchmarks/html_vs_trafilatura.py [--rounds 2] [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ZYTE_HTML = Path("corpus") / "extraction-zyte" / "html"


def measure(folder: Path, rounds: int) -> dict[str, float]:
    import trafilatura

    from provenance.article.extract import extract_article
    from provenance.article.facts import extract_facts
    from provenance.article.fingerprint import fingerprint_article
    from provenance.ingest.readers import IngestOptions, read_inputs
    from provenance.models import Document
    from provenance.rules.engine import RuleContext, apply_rules, load_rules

    files = sorted(folder.glob("*.html.gz"))
    pages = [gzip.decompress(f.read_bytes()).decode("utf-8", "replace") for f in files]
    docs = [d for d in read_inputs([str(f) for f in files], IngestOptions()) if isinstance(d, Document)]
    rules = load_rules()
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    best: dict[str, float] = {}
    for _ in range(rounds):
        start = time.process_time()
        for html in pages:
            trafilatura.extract(html, include_comments=False, with_metadata=True)
        traf = time.process_time() - start
        spent = dict.fromkeys(("extract", "fingerprint", "facts", "rules"), 0.0)
        for doc in docs:
            t0 = time.process_time()
            article = extract_article(doc)
            t1 = time.process_time()
            fingerprint_article(article)
            t2 = time.process_time()
            facts = tuple(extract_facts(article))
            t3 = time.process_time()
            apply_rules(article, rules, RuleContext(now=now, facts=facts))
            t4 = time.process_time()
            for key, value in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                spent[key] += value
        stages = sum(spent.values())
        if not best or stages < best["stages_cpu_s"]:
            best = {"pages": len(pages), "trafilatura_cpu_s": traf, "stages_cpu_s": stages,
                    **{f"{k}_ms_per_page": 1000 * v / len(docs) for k, v in spent.items()}}
    return best


def cli_cpu(folder: Path) -> float:
    exe = Path(sys.executable).with_name("provenance")
    with tempfile.TemporaryDirectory() as tmp:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run([str(exe), "audit", str(folder), "--db", os.path.join(tmp, "audit.db"), "--jobs", "1",
                               "--quiet"], capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"provenance audit failed ({done.returncode}): {done.stderr[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--rounds", type=int, default=2, help="in-process rounds; the best counts (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    folder = args.shared / ZYTE_HTML
    if not folder.is_dir():
        print(f"error: corpus not found under {args.shared} (give --shared PATH)", file=sys.stderr)
        return 2
    figures = measure(folder, max(1, args.rounds))
    figures["cli_cpu_s"] = cli_cpu(folder)
    n = figures["pages"]
    rates = {name: n / figures[f"{name}_cpu_s"] for name in ("trafilatura", "stages", "cli")}
    figures.update({f"{name}_pages_per_cpu_s": rate for name, rate in rates.items()})
    figures["stages_vs_trafilatura"] = rates["stages"] / rates["trafilatura"]
    figures["cli_vs_trafilatura"] = rates["cli"] / rates["trafilatura"]
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"HTML, {n:.0f} Zyte pages, pages per CPU-second")
    print(f"  trafilatura.extract (comments off, metadata on) {rates['trafilatura']:7.1f}")
    print(f"  provenance stages in process                  {rates['stages']:7.1f}  ({figures['stages_vs_trafilatura']:.2f}x)"
          f"  extract {figures['extract_ms_per_page']:.1f}, fingerprint {figures['fingerprint_ms_per_page']:.1f},"
          f" facts {figures['facts_ms_per_page']:.1f}, rules {figures['rules_ms_per_page']:.1f} ms/page")
    print(f"  provenance audit (CLI, --jobs 1, everything)  {rates['cli']:7.1f}  ({figures['cli_vs_trafilatura']:.2f}x;"
          " target 0.8x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
