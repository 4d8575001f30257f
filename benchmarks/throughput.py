"""Throughput and peak memory of the installed ``provenance audit`` command.

Runs ``provenance audit PATH --db DB`` as a subprocess, each time into a fresh
temporary database, on

* ``zyte``: the 181 HTML pages of ``shared/corpus/extraction-zyte/html``;
* ``jsonl``: a JSON Lines corpus of ``--n`` records (default 10,000) written
  by ``make_jsonl_corpus.py`` into a temporary folder.

Each audit runs under its own small Python launcher, so the peak resident
memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) is that run's alone and not
the largest of everything this script started. The articles stored are
counted in the database afterwards (``select count(*) from articles``).

Usage::

    python benchmarks/throughput.py [--only zyte|jsonl] [--n 10000] [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

ZYTE_HTML = Path("corpus") / "extraction-zyte" / "html"
GROUND_TRUTH = Path("corpus") / "extraction-zyte" / "ground_truth.jsonl"
STDERR_TAIL = 2000

#: Runs argv[1:] to completion and prints its wall time, CPU time, peak RSS
#: and exit code as one JSON line. Its own children are only that command, so
#: RUSAGE_CHILDREN describes that run alone.
LAUNCHER = """\
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.buffer.write(done.stderr)
print(json.dumps({"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "maxrss_kb": usage.ru_maxrss, "returncode": done.returncode}))
"""


@dataclass(frozen=True, slots=True)
class Run:
    corpus: str
    inputs: int
    stored: int | None
    wall_s: float
    cpu_s: float
    articles_per_s: float
    peak_mb: float
    returncode: int
    is_ok: bool
    note: str


class BenchmarkError(Exception):
    """A benchmark could not be set up (missing corpus, executable or generator)."""


# --- running ---------------------------------------------------------------


def provenance_exe() -> Path:
    exe = Path(sys.executable).parent / "provenance"
    if not exe.is_file():
        raise BenchmarkError(f"provenance executable not found next to {sys.executable}; run pip install -e .")
    return exe


def count_articles(db: Path) -> tuple[int | None, str]:
    if not db.is_file():
        return None, "no database was written"
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            row = conn.execute("select count(*) from articles").fetchone()
    except sqlite3.Error as exc:
        return None, f"cannot count articles: {exc}"
    return int(row[0]), ""


def launch(command: list[str]) -> tuple[dict[str, float], str]:
    """Run ``command`` under the launcher; its figures, and the command's stderr."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise BenchmarkError(f"launcher failed ({done.returncode}): {done.stderr[-STDERR_TAIL:]}")
    return json.loads(lines[-1]), done.stderr


def audit(corpus: str, inputs: int, path: Path, workdir: Path) -> Run:
    db = workdir / f"{corpus}.sqlite"
    figures, stderr = launch([str(provenance_exe()), "audit", str(path), "--db", str(db)])
    stored, note = count_articles(db)
    code = int(figures["returncode"])
    is_ok = code in (0, 1) and stored is not None  # 1 means findings, not failure
    if not is_ok and stderr.strip():
        note = (note + "; " if note else "") + "stderr: " + stderr.strip()[-STDERR_TAIL:]
    wall = figures["wall_s"]
    return Run(
        corpus=corpus,
        inputs=inputs,
        stored=stored,
        wall_s=wall,
        cpu_s=figures["cpu_s"],
        articles_per_s=inputs / wall if wall > 0 else 0.0,
        peak_mb=figures["maxrss_kb"] / 1024,
        returncode=code,
        is_ok=is_ok,
        note=note,
    )


def make_jsonl(shared: Path, n: int, seed: int, out: Path) -> None:
    script = Path(__file__).resolve().parent / "make_jsonl_corpus.py"
    command = [sys.executable, str(script), "--shared", str(shared), "--n", str(n), "--seed", str(seed)]
    done = subprocess.run([*command, "--out", str(out)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchmarkError(f"make_jsonl_corpus.py failed: {done.stderr.strip()}")


def run_zyte(shared: Path, workdir: Path) -> Run:
    html = shared / ZYTE_HTML
    pages = len(list(html.glob("*.html.gz")))
    return audit("zyte", pages, html, workdir)


def run_jsonl(shared: Path, n: int, seed: int, workdir: Path) -> Run:
    corpus = workdir / f"articles-{n}.jsonl"
    make_jsonl(shared, n, seed, corpus)
    return audit("jsonl", n, corpus, workdir)


def run_all(shared: Path, only: str | None, n: int, seed: int) -> list[Run]:
    runs: list[Run] = []
    for name in ("zyte", "jsonl"):
        if only not in (None, name):
            continue
        with tempfile.TemporaryDirectory(prefix=f"provenance-bench-{name}-") as tmp:
            workdir = Path(tmp)
            runs.append(run_zyte(shared, workdir) if name == "zyte" else run_jsonl(shared, n, seed, workdir))
    return runs


# --- output ----------------------------------------------------------------


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


def render(runs: list[Run]) -> str:
    lines = ["provenance audit throughput"]
    for run in runs:
        stored = "?" if run.stored is None else str(run.stored)
        lines.append(
            f"  {run.corpus:<5} {run.inputs:>6} inputs  stored {stored:>6}  wall {run.wall_s:7.1f}s"
            f"  cpu {run.cpu_s:7.1f}s  {run.articles_per_s:7.1f} articles/s  peak {run.peak_mb:6.0f} MB"
            f"  exit {run.returncode}{'' if run.is_ok else '  FAILED'}"
        )
        if run.note:
            lines.append(f"        note: {run.note}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time `provenance audit` on the Zyte pages and a JSONL corpus.")
    parser.add_argument("--shared", type=Path, default=default_shared(), help="shared folder (default: %(default)s)")
    parser.add_argument("--only", choices=("zyte", "jsonl"), help="run one corpus only")
    parser.add_argument("--n", type=int, default=10_000, help="records in the JSONL corpus (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the JSONL corpus (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (args.shared / ZYTE_HTML).is_dir() or not (args.shared / GROUND_TRUTH).is_file():
        print(f"error: corpus not found under {args.shared} (give --shared PATH)", file=sys.stderr)
        return 2
    try:
        runs = run_all(args.shared, args.only, args.n, args.seed)
    except BenchmarkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps([asdict(run) for run in runs], indent=2) if args.json else render(runs))
    return 0 if all(run.is_ok for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
