"""The Spark engine against the local engine on one generated news corpus, and what it says about scale.

A corpus of ``--n`` records from ``make_news_corpus.py`` is cut into ``--shards`` files of consecutive
lines (``000.jsonl``, ``001.jsonl``, ...) in one folder, because the Spark engine makes one task per
input file. The folder is then audited into a fresh SQLite database, with the same fixed clock, by
the local engine (``audit``, one job) and by ``audit_spark`` once per ``--masters`` entry (by default
``local[1]`` and ``local[2]``). Every run is a child process of this script (``--worker``) with its
own Spark session, so that each run really uses its master and the JVM is stopped and reaped at its
end: its CPU and peak memory then show in that child's ``RUSAGE_CHILDREN`` and nowhere else.

Per run it prints the articles stored, wall seconds of the audit (the Spark session's start-up is
printed apart), articles per wall-second, CPU seconds and peak resident memory of the driver (the
child's ``RUSAGE_SELF``; CPU counted over the audit alone) and of its children (the JVM and the
Python workers, over their whole life), database bytes per article, and the seconds until the
first event: for Spark that is reading, stages 3 to 6, numbering and matching in tasks, plus the
first batch stored; the rest is the store step, run on the driver one article at a time. Then the
speed-ups of the second master over the first and of the last master over the local engine, the
Parquet bytes per article (when ``provenance.store.parquet`` has ``export_parquet``), a projection
to 100M articles on 100 cores, and the number of differences between the local database and each
Spark one (``tests/snapshot.py``; expected 0).

Usage::

    python benchmarks/spark_scale.py --n 5000 [--shards 8] [--masters local[1],local[2]] [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = Path("corpus") / "extraction-zyte" / "ground_truth.jsonl"
CLOCK = dt.datetime(2024, 7, 1, 12, 0, tzinfo=dt.UTC)
TARGET_ARTICLES, TARGET_CORES = 100_000_000, 100


# --- one run, in its own process ----------------------------------------------------------------


def worker(engine: str, folder: str, db: str) -> dict[str, Any]:
    """Audit ``folder`` into ``db`` with ``engine`` ("local" or a Spark master) and measure it."""
    from provenance.engines.local import ArticleResult, AuditOptions, ProblemResult, audit
    from provenance.store.sqlite import AuditStore

    store, session, gateway, started = AuditStore.open(db), None, None, time.perf_counter()
    if engine == "local":
        events = audit([folder], store, options=AuditOptions(jobs=1), now=lambda: CLOCK)
    else:
        from pyspark import SparkContext

        from provenance.engines.spark import SparkOptions, audit_spark, spark_session

        session = spark_session(engine)
        session.sparkContext.setLogLevel("ERROR")
        gateway = SparkContext._gateway
        events = audit_spark([folder], store, spark_options=SparkOptions(engine), spark=session, now=lambda: CLOCK)
    info = {"master": session.sparkContext.master if session else "-",
            "parallelism": session.sparkContext.defaultParallelism if session else 1}
    session_s, before = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF)
    started, first, articles, problems = time.perf_counter(), None, 0, 0
    for event in events:
        if first is None and isinstance(event, ArticleResult | ProblemResult):
            first = time.perf_counter() - started
        articles += isinstance(event, ArticleResult) and event.status == "new"
        problems += isinstance(event, ProblemResult)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    store.close()
    if session is not None:
        session.stop()
        if gateway is not None and getattr(gateway, "proc", None) is not None:
            gateway.shutdown()
            gateway.proc.stdin.close()  # the JVM ends when its stdin closes; wait for it
            gateway.proc.wait(timeout=120)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"engine": engine, **info, "articles": articles, "problems": problems, "session_s": session_s,
            "wall_s": wall, "first_event_s": first or wall,
            "driver_cpu_s": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
            "driver_peak_mb": after.ru_maxrss / 1024, "children_cpu_s": children.ru_utime + children.ru_stime,
            "children_peak_mb": children.ru_maxrss / 1024}


def run(engine: str, folder: Path, db: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", engine, str(folder), str(db)],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{engine} run failed ({done.returncode}): {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    size = sum(f.stat().st_size for f in (db, Path(f"{db}-wal")) if f.exists())
    result["db_bytes_per_article"] = round(size / max(1, result["articles"]))
    result["articles_per_s"] = result["articles"] / result["wall_s"]
    return result


# --- corpus, Parquet, equality --------------------------------------------------------------------


def make_shards(n: int, shards: int, shared: Path, work: Path) -> Path:
    corpus, folder = work / "news.jsonl", work / "shards"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_news_corpus.py"), "--n", str(n),
                    "--out", str(corpus), "--shared", str(shared)], check=True, stdout=subprocess.DEVNULL)
    lines = corpus.read_text(encoding="utf-8").splitlines(keepends=True)
    folder.mkdir()
    size = -(-len(lines) // shards)
    for i in range(shards):
        (folder / f"{i:03d}.jsonl").write_text("".join(lines[i * size : (i + 1) * size]), encoding="utf-8")
    return folder


def parquet_bytes(db: Path, out: Path) -> int | None:
    """Bytes of the Parquet export of ``db``, or None when the package has no Parquet writer."""
    if importlib.util.find_spec("provenance.store.parquet") is None:
        return None
    export = getattr(importlib.import_module("provenance.store.parquet"), "export_parquet", None)
    if export is None:
        return None
    from provenance.store.sqlite import AuditStore

    store = AuditStore.open(db)
    try:
        export(store, out)
    finally:
        store.close()
    return sum(f.stat().st_size for f in out.rglob("*") if f.is_file())


def count_differences(left: Path, right: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.snapshot import differences, snapshot

    return len(differences(snapshot(str(left)), snapshot(str(right))))


def cores(master: str) -> int:
    found = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]", master)
    return (os.cpu_count() or 1) if not found or found[1] == "*" else int(found[1])


# --- the report ---------------------------------------------------------------------------------------


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    folder = make_shards(args.n, args.shards, args.shared, work)
    runs = []
    for engine in ["local", *args.masters]:
        runs.append(run(engine, folder, work / f"{re.sub(r'[^a-z0-9]+', '-', engine).strip('-')}.db"))
        print(render_row(runs[-1]), file=sys.stderr if args.json else sys.stdout, flush=True)
    local, last = runs[0], runs[-1]
    dbs = [work / f"{re.sub(r'[^a-z0-9]+', '-', r['engine']).strip('-')}.db" for r in runs]
    out: dict[str, Any] = {"n": args.n, "shards": args.shards, "runs": runs}
    if len(runs) >= 3:
        out["speedup_second_over_first_master"] = round(runs[1]["wall_s"] / runs[2]["wall_s"], 2)
    out["speedup_last_master_over_local"] = round(local["wall_s"] / last["wall_s"], 2)
    size = parquet_bytes(dbs[0], work / "parquet")
    out["parquet_bytes_per_article"] = None if size is None else round(size / max(1, local["articles"]))
    per_core = last["articles"] / (last["wall_s"] * cores(last["engine"]))
    driver_share = (last["wall_s"] - last["first_event_s"]) / last["wall_s"]
    driver_hours = TARGET_ARTICLES * (last["wall_s"] - last["first_event_s"]) / last["articles"] / 3600
    out["projection"] = {"master": last["engine"], "articles_per_core_s": round(per_core, 2),
                         "linear_hours": round(TARGET_ARTICLES / (per_core * TARGET_CORES) / 3600, 1),
                         "driver_share": round(driver_share, 3), "driver_hours": round(driver_hours, 1),
                         "amdahl_hours": round(driver_hours + TARGET_ARTICLES * last["first_event_s"]
                                               * cores(last["engine"]) / last["articles"] / TARGET_CORES / 3600, 1)}
    out["differences"] = {r["engine"]: count_differences(dbs[0], db) for r, db in zip(runs[1:], dbs[1:])}
    return out


HEADER = (f"{'engine':<10} {'articles':>8} {'wall s':>8} {'art/s':>7} {'1st ev s':>8} {'session s':>9} "
          f"{'drv cpu s':>9} {'chld cpu s':>10} {'drv MB':>7} {'chld MB':>7} {'db B/art':>8}")


def render_row(r: dict[str, Any]) -> str:
    return (f"{r['engine']:<10} {r['articles']:>8,} {r['wall_s']:>8.1f} {r['articles_per_s']:>7.1f} "
            f"{r['first_event_s']:>8.1f} {r['session_s']:>9.1f} {r['driver_cpu_s']:>9.1f} {r['children_cpu_s']:>10.1f} "
            f"{r['driver_peak_mb']:>7.0f} {r['children_peak_mb']:>7.0f} {r['db_bytes_per_article']:>8,}")


def render_summary(s: dict[str, Any]) -> str:
    p, runs = s["projection"], s["runs"]
    lines = []
    if "speedup_second_over_first_master" in s:
        second, first = runs[2]["engine"], runs[1]["engine"]
        lines.append(f"speed-up {second} over {first}: {s['speedup_second_over_first_master']:.2f}x")
    lines.append(f"speed-up {runs[-1]['engine']} over the local engine: {s['speedup_last_master_over_local']:.2f}x")
    parquet = s["parquet_bytes_per_article"]
    lines.append("parquet: n/a" if parquet is None else f"parquet: {parquet:,} bytes per article")
    target = f"{TARGET_ARTICLES:,} articles"
    lines += [
        (f"projection to {target} on {TARGET_CORES} cores, from {p['master']} "
         f"({p['articles_per_core_s']:.2f} articles per core-second):"),
        f"  if every step scaled linearly with cores: {p['linear_hours']:,.1f} h",
        "  but the store step (SQLite writes, stories, source scores) runs on the driver, one article at a time,",
        "  and does not scale with cores; against a database that already holds articles the matching runs there too.",
        (f"  Here it took {p['driver_share']:.0%} of the wall time (after the first event): "
         f"{p['driver_hours']:,.1f} h for {target} on its own; with the rest scaled linearly: {p['amdahl_hours']:,.1f} h"),
    ]
    lines += [f"differences local vs {engine}: {count}" for engine, count in s["differences"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Spark engine against the local engine on a news corpus.")
    parser.add_argument("--n", type=int, default=5_000, help="records in the corpus (default: %(default)s)")
    parser.add_argument("--shards", type=int, default=8, help="input files (default: %(default)s)")
    parser.add_argument("--masters", default="local[1],local[2]", help="Spark masters (default: %(default)s)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared", help="shared folder")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    if not (args.shared / GROUND_TRUTH).is_file():
        print(f"error: shared corpus not found: {args.shared / GROUND_TRUTH} (give --shared PATH)", file=sys.stderr)
        return 2
    args.masters = [m.strip() for m in args.masters.split(",") if m.strip()]
    if args.n < 1 or args.shards < 1 or not args.masters:
        print("error: --n and --shards must be at least 1, and --masters name at least one master", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="spark-scale-") as work:
        if not args.json:
            print(f"{args.n:,} records in {args.shards} shards, clock {CLOCK.isoformat()}\n{HEADER}", flush=True)
        summary = measure(args, Path(work))
    print(json.dumps(summary, indent=2) if args.json else render_summary(summary))
    return 0 if all(count == 0 for count in summary["differences"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
