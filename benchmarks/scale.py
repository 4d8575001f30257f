"""How the cost of auditing grows with the audit database: one database, filled window by window.

A news corpus from ``make_news_corpus.py`` (``--corpus PATH``, or one of ``--max`` records generated
into the work folder) is audited into ONE database in growing windows (by default up to 1k, 2k,
5k, 10k, 20k, 50k, 100k ... ``--max`` articles). Every window is a ``provenance audit WINDOW.jsonl
--db DB --jobs 1 --quiet`` subprocess, reaped with ``os.wait4`` so that its ``getrusage`` figures
are that run's alone. Per window it prints:

* ``articles``: articles in the database after the window;
* ``cpu ms/art``: user + system CPU of the window's audit per article audited in it;
* ``peak MB``: peak resident memory of that audit process;
* ``extra B/art``: database bytes per article beyond the stored article text (``articles.text``)
  and page (``pages.page_text``), from ``dbstat`` (else page_count * page_size), and the part of it
  in the LSH bands (``lsh B/art``);
* ``match ms``: the copy-finding stage alone (``find_copies`` against the opened database,
  in-process), median over ``--probes`` new articles, half fresh originals and half copies of
  articles already stored; ``e2e ms``: the wall time of ``provenance audit one.jsonl --db COPY
  --jobs 1`` on one fresh record, run on a copy of the database so that the windows stay clean
  (median of three: a reprint, an excerpt and a rewrite of stored articles; the same on an empty
  database is printed first: the fixed cost of start-up, migrations and rules).

The last window's CPU ms/article over the first's is the growth ratio (target <= 1.2x, 1k -> 100k).

``--baseline`` measures a plain ``datasketch.MinHashLSH`` on the same audited records (5-word
shingles of the record text, 128 permutations): the recall of the planted copies (a copy found
when it is queried, its origin among the candidates) for thresholds 0.05-0.8, picks the highest
threshold whose recall is not below provenance's, and times that index: documents per second
inserting and querying, with and without computing the MinHashes. Provenance's recall is read from its ``copies``
table: a copy counts when a non-``related`` link joins it to its origin.

Usage::

    python benchmarks/scale.py [--max 100000] [--windows 1000,10000] [--corpus PATH] [--workdir DIR]
                               [--probes 20] [--no-e2e] [--baseline [--baseline-max N]] [--json] [--seed 1]
                               [--shared PATH]

At 1M articles the database takes tens of GB and each e2e measure copies it (``--no-e2e`` skips them);
the baseline keeps a datasketch index of every audited record in memory (``--baseline-max`` caps it).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from itertools import islice
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_news_corpus as news

STEPS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000)
THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
COPY_RELATIONS = ("duplicate", "reprint", "excerpt", "rewrite")


def _load(name: str, *modules: str) -> Any:
    """``name`` from the first of ``modules`` that has it: the package is being regrouped."""
    for module in modules:
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"cannot import {name} from any of {', '.join(modules)}")


# --- auditing a window -----------------------------------------------------------------


def audit(exe: Path, path: Path, db: Path) -> dict[str, float]:
    """Run one audit; its CPU, peak memory and wall time from ``wait4`` (this child alone)."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(exe), "audit", str(path), "--db", str(db), "--jobs", "1", "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"audit of {path} failed ({proc.returncode}): {errors.decode()[-2000:]}")
    return {"wall_s": time.perf_counter() - started, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024}


def db_sizes(db: Path) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    try:
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        text = conn.execute("SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM articles").fetchone()[0]
        page = conn.execute("SELECT coalesce(sum(length(CAST(page_text AS BLOB))), 0) FROM pages").fetchone()[0]
        owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE tbl_name IS NOT NULL"))
        try:
            by_name = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.OperationalError:
            by_name = []
        tables: dict[str, int] = defaultdict(int)
        for name, size in by_name:
            table = owner.get(name, name)
            tables["articles_fts" if table.startswith("articles_fts") else table] += size
        total = sum(tables.values()) or (conn.execute("PRAGMA page_count").fetchone()[0]
                                         * conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    per = max(1, articles)
    return {"articles": articles, "db_mb": round(total / 1e6, 1), "text_mb": round((text + page) / 1e6, 1),
            "extra_bytes_per_article": round((total - text - page) / per),
            "lsh_bytes_per_article": round(tables.get("lsh_bands", 0) / per) if tables else None,
            "bytes_per_article_by_table": {k: round(v / per) for k, v in sorted(tables.items(), key=lambda x: -x[1])}}


# --- probes: new articles to match -------------------------------------------------------


def make_probes(writer: news.Writer, stored: list[dict[str, Any]], count: int, salt: int) -> list[dict[str, Any]]:
    """Half fresh originals, half copies (reprint, excerpt, rewrite, figure) of stored records."""
    rng, outlets, probes = random.Random(f"probe/{salt}"), writer.outlets, []
    kinds = [k for k, _ in news.KINDS]
    for i in range(count):
        outlet = outlets[rng.randrange(len(outlets))]
        when = news.EPOCH + timedelta(days=rng.uniform(0, 182))
        if i % 2 == 0 or not stored:
            story = writer.original(10**9 + salt * 1000 + i, outlets.index(outlet), when)
        else:
            rec = rng.choice(stored)
            base = news.Story(rec["title"], tuple(rec["text"].split("\n\n")), rec["byline"])
            story, _ = writer.copy(base, kinds[i // 2 % len(kinds)], rng, outlet, outlet)
        probes.append({"url": f"https://www.{outlet.domain}/probe/{salt}-{i}", "title": story.title,
                       "byline": story.byline, "published": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       "site_name": outlet.site, "text": "\n\n".join(story.paragraphs)})
    return probes


def match_stage(db: Path, probes: list[dict[str, Any]]) -> dict[str, float]:
    """Milliseconds of ``find_copies`` for each probe against the database (after one warm-up pass)."""
    find_copies = _load("find_copies", "provenance.corpus.copies", "provenance.copies")
    extract_article = _load("extract_article", "provenance.article.extract", "provenance.extract")
    fingerprint_article = _load("fingerprint_article", "provenance.article.fingerprint", "provenance.fingerprint")
    audit_store = _load("AuditStore", "provenance.store", "provenance.store.sqlite", "provenance.store.audit")
    document, metadata = _load("Document", "provenance.models"), _load("Metadata", "provenance.models")
    prepared = []
    for i, rec in enumerate(probes):
        hints = metadata(**{k: rec[k] for k in ("url", "title", "byline", "published", "site_name")})
        doc = document(f"probe:{i}", "record", rec["text"], hashlib.sha256(rec["text"].encode()).hexdigest(), hints)
        article = extract_article(doc)
        prepared.append((article, fingerprint_article(article)))
    store = audit_store.open(db)
    try:
        times, links = [], 0
        for timed in (False, True):
            for article, fingerprint in prepared:
                started = time.perf_counter()
                found = find_copies(-1, article, fingerprint, store)
                if timed:
                    times.append((time.perf_counter() - started) * 1000)
                    links += sum(c.relation != "related" for c in found)
    finally:
        store.close()
    times.sort()
    return {"match_ms": round(statistics.median(times), 2), "match_p90_ms": round(times[int(len(times) * 0.9)], 2),
            "match_links_per_probe": round(links / len(times), 2)}


def end_to_end(exe: Path, db: Path | None, probes: list[dict[str, Any]], work: Path) -> float:
    """Median wall ms of auditing one record with the CLI, on a throwaway copy of ``db``."""
    copy = work / "e2e.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
        if db is not None and Path(f"{db}{suffix}").exists() and suffix != "-shm":
            shutil.copyfile(f"{db}{suffix}", f"{copy}{suffix}")
    times = []
    for i, rec in enumerate(probes[:3]):
        one = work / f"one-{i}.jsonl"
        one.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
        times.append(audit(exe, one, copy)["wall_s"] * 1000)
        one.unlink()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return round(statistics.median(times), 1)


# --- the windows ---------------------------------------------------------------------------


def run_windows(args: argparse.Namespace, corpus: Path, work: Path, writer: news.Writer) -> dict[str, Any]:
    exe = Path(sys.executable).with_name("provenance")
    db = work / "scale.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    steps = sorted({s for s in (args.windows or STEPS) if s <= args.max} | ({args.max} if not args.windows else set()))
    reservoir: list[dict[str, Any]] = []
    seen, rows = 0, []
    e2e_empty: float | None = None if args.no_e2e else end_to_end(exe, None, make_probes(writer, [], 3, 0), work)
    progress = sys.stderr if args.json else sys.stdout  # with --json, stdout is the JSON alone
    if e2e_empty is not None:
        print(f"e2e on an empty database: {e2e_empty:.0f} ms (start-up, migrations, rules)", file=progress, flush=True)
    print(HEADER, file=progress, flush=True)
    pick = random.Random(args.seed)
    with corpus.open(encoding="utf-8") as source:
        for step in steps:
            window = work / f"window-{step}.jsonl"
            with window.open("w", encoding="utf-8") as out:
                for line in islice(source, step - seen):
                    out.write(line)
                    seen += 1
                    if len(reservoir) < 64:
                        reservoir.append(json.loads(line))
                    elif pick.random() < 64 / seen:
                        reservoir[pick.randrange(64)] = json.loads(line)
            size = sum(1 for _ in window.open(encoding="utf-8"))
            if not size:
                window.unlink()
                break
            run = audit(exe, window, db)
            window.unlink()
            probes = make_probes(writer, reservoir, args.probes, step)
            row = {"window": size, **db_sizes(db), "cpu_ms_per_article": round(run["cpu_s"] * 1000 / size, 2),
                   "wall_s": round(run["wall_s"], 1), "peak_mb": round(run["peak_mb"], 1), **match_stage(db, probes),
                   "e2e_ms": None if args.no_e2e else end_to_end(exe, db, probes[1::2] or probes, work)}
            rows.append(row)
            print(render_row(row), file=progress, flush=True)
    first, last = rows[0]["cpu_ms_per_article"], rows[-1]["cpu_ms_per_article"]
    return {"corpus": str(corpus), "db": str(db), "e2e_empty_ms": e2e_empty, "windows": rows,
            "cpu_growth": round(last / first, 2) if first else None}


HEADER = (f"{'articles':>9} {'window':>8} {'cpu ms/art':>10} {'wall s':>8} {'peak MB':>8} {'db MB':>8} "
          f"{'extra B/art':>11} {'lsh B/art':>9} {'match ms':>9} {'p90 ms':>8} {'e2e ms':>8}")


def render_row(r: dict[str, Any]) -> str:
    e2e = "-" if r["e2e_ms"] is None else f"{r['e2e_ms']:.0f}"
    return (f"{r['articles']:>9,} {r['window']:>8,} {r['cpu_ms_per_article']:>10.2f} {r['wall_s']:>8.1f} "
            f"{r['peak_mb']:>8.1f} {r['db_mb']:>8.1f} {r['extra_bytes_per_article']:>11,} "
            f"{r['lsh_bytes_per_article'] or 0:>9,} {r['match_ms']:>9.2f} {r['match_p90_ms']:>8.2f} {e2e:>8}")


# --- the datasketch baseline ----------------------------------------------------------------


def planted(corpus: Path, limit: int) -> dict[int, tuple[int, str]]:
    """Copy line -> (origin line, kind), for the copies among the first ``limit`` records."""
    truth: dict[int, tuple[int, str]] = {}
    with Path(f"{corpus}.truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            t = json.loads(line)
            if t["role"] == "copy" and t["line"] <= limit:
                truth[t["line"]] = (t["origin_line"], t["kind"])
    return truth


def recall(found: dict[int, bool], truth: dict[int, tuple[int, str]]) -> dict[str, float]:
    kinds = sorted({k for _, k in truth.values()})
    out = {"all": round(sum(found.values()) / max(1, len(found)), 4)}
    for kind in kinds:
        lines = [c for c, (_, k) in truth.items() if k == kind]
        out[kind] = round(sum(found[c] for c in lines) / max(1, len(lines)), 4)
    return out


def provenance_recall(db: Path, corpus: Path, truth: dict[int, tuple[int, str]]) -> dict[str, float]:
    conn = sqlite3.connect(db)
    ids = {url: i for i, url in conn.execute("SELECT id, url FROM articles")}
    marks = ",".join("?" * len(COPY_RELATIONS))
    links = {frozenset(p) for p in conn.execute(
        f"SELECT article_id, source_id FROM copies WHERE relation IN ({marks})", COPY_RELATIONS)}
    conn.close()
    url_of: dict[int, int] = {}
    needed = set(truth) | {o for o, _ in truth.values()}
    with corpus.open(encoding="utf-8") as handle:
        for number, line in enumerate(islice(handle, max(truth, default=0)), 1):
            if number in needed:
                url_of[number] = ids.get(json.loads(line)["url"], -number)
    found = {c: frozenset((url_of[c], url_of[o])) in links for c, (o, _) in truth.items()}
    return recall(found, truth)


def shingles(text: str) -> list[bytes]:
    words = re.findall(r"\w+", text.casefold())
    return [" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))]


def baseline(corpus: Path, limit: int, target: float, truth: dict[int, tuple[int, str]]) -> dict[str, Any]:
    from datasketch import MinHash, MinHashLSH

    params = {t: (lsh.b, lsh.r) for t in THRESHOLDS for lsh in [MinHashLSH(threshold=t, num_perm=128)]}
    origins = {o for o, _ in truth.values()}
    kept: dict[int, Any] = {}
    hit: dict[float, dict[int, bool]] = {t: {} for t in THRESHOLDS}
    started = time.perf_counter()
    with corpus.open(encoding="utf-8") as handle:  # pass 1: which thresholds find which planted copies
        for number, line in enumerate(islice(handle, limit), 1):
            m = MinHash(num_perm=128)
            m.update_batch(shingles(json.loads(line)["text"]))
            if number in origins:
                kept[number] = m.hashvalues
            if number in truth:
                other = kept[truth[number][0]]
                for t, (b, r) in params.items():
                    hit[t][number] = any((m.hashvalues[i * r : i * r + r] == other[i * r : i * r + r]).all()
                                         for i in range(b))
    minhash_s = time.perf_counter() - started
    curve = {t: recall(hit[t], truth) for t in THRESHOLDS}
    reaching = [t for t in THRESHOLDS if curve[t]["all"] >= target]
    chosen = max(reaching) if reaching else min(THRESHOLDS)
    lsh, index_s, candidates, found = MinHashLSH(threshold=chosen, num_perm=128), 0.0, 0, {}
    started = time.perf_counter()
    with corpus.open(encoding="utf-8") as handle:  # pass 2: the index at the chosen threshold, timed
        for number, line in enumerate(islice(handle, limit), 1):
            m = MinHash(num_perm=128)
            m.update_batch(shingles(json.loads(line)["text"]))
            tick = time.perf_counter()
            result = lsh.query(m)
            lsh.insert(number, m)
            index_s += time.perf_counter() - tick
            candidates += len(result)
            if number in truth:
                found[number] = truth[number][0] in result
    total_s = time.perf_counter() - started
    return {"records": limit, "target_recall": target, "threshold": chosen, "reaches_target": bool(reaching),
            "bands_rows": params[chosen], "recall": recall(found, truth),
            "recall_by_threshold": {str(t): curve[t]["all"] for t in THRESHOLDS},
            "docs_per_s": round(limit / total_s), "docs_per_s_index_only": round(limit / max(index_s, 1e-9)),
            "minhash_ms_per_doc": round(minhash_s * 1000 / limit, 3), "candidates_per_query": round(candidates / limit, 2)}


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Audit one growing database in windows and time each.")
    parser.add_argument("--max", type=int, default=100_000, help="articles in the last window (default: %(default)s)")
    parser.add_argument("--windows", type=lambda s: [int(x) for x in s.split(",")], help="cumulative sizes, e.g. 1000,10000")
    parser.add_argument("--corpus", type=Path, help="a corpus from make_news_corpus.py (default: generate one)")
    parser.add_argument("--workdir", type=Path, help="keep the corpus and database here (default: a temporary folder)")
    parser.add_argument("--probes", type=int, default=20, help="new articles matched per window (default: %(default)s)")
    parser.add_argument("--no-e2e", action="store_true", help="skip the one-record CLI audits (each copies the db)")
    parser.add_argument("--baseline", action="store_true", help="also measure a plain datasketch MinHashLSH")
    parser.add_argument("--baseline-max", type=int, help="records for the baseline (default: all audited)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default: %(default)s)")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.shared / news.GROUND_TRUTH).is_file():
        print(f"error: ground truth not found: {args.shared / news.GROUND_TRUTH} (give --shared PATH)", file=sys.stderr)
        return 2
    if args.windows:
        args.max = max(args.windows)
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        corpus = args.corpus or work / f"news-{args.max}-{args.seed}.jsonl"
        if args.corpus is None and not corpus.exists():
            print(f"generating {args.max:,} records into {corpus} ...", file=sys.stderr, flush=True)
            news.generate(args.shared, args.max, args.seed, corpus)
        writer = news.Writer(news.load_pool(args.shared), news.invent_outlets(args.seed), args.seed)
        result = run_windows(args, corpus, work, writer)
        if args.baseline:
            audited = result["windows"][-1]["articles"]
            limit = min(audited, args.baseline_max or audited)
            truth = planted(corpus, limit)
            ours = provenance_recall(Path(result["db"]), corpus, truth)
            result["provenance_recall"] = ours
            result["baseline"] = baseline(corpus, limit, ours["all"], truth)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("\n" + HEADER)
    for row in result["windows"]:
        print(render_row(row))
    first, last = result["windows"][0], result["windows"][-1]
    print(f"\nCPU ms/article, last window / first: {result['cpu_growth']}x "
          f"({first['articles']:,} -> {last['articles']:,} articles; target <= 1.2x)")
    print("bytes per article by table (last window):",
          ", ".join(f"{k} {v:,}" for k, v in list(last["bytes_per_article_by_table"].items())[:8]))
    if args.baseline:
        b = result["baseline"]
        print(f"\nrecall of planted copies (copy linked to its origin), {b['records']:,} records:")
        print(f"  provenance copies table : {result['provenance_recall']}")
        print(f"  datasketch MinHashLSH   : {b['recall']} at threshold {b['threshold']} (b, r = {b['bands_rows']})"
              f"{'' if b['reaches_target'] else '  (no threshold reaches provenance recall)'}")
        print(f"  datasketch recall by threshold: {b['recall_by_threshold']}")
        print(f"  datasketch: {b['docs_per_s']:,} docs/s with MinHash ({b['minhash_ms_per_doc']} ms/doc), "
              f"{b['docs_per_s_index_only']:,} docs/s insert+query alone, {b['candidates_per_query']} candidates/query")
    return 0


if __name__ == "__main__":
    sys.exit(main())
