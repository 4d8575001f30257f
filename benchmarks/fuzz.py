"""Fuzz every reader and stage with generated, mutated and broken inputs; print what broke.

Targets (each input goes to one):

    text, html     bytes written to .txt/.html (some gzipped), through read_inputs
    jsonl          JSON Lines files of broken, nested, mistyped and oversized records
    warc           WARC archives with bytes changed, cut or repeated, and odd headers and dates
    feed           RSS and Atom documents, mutated
    httpbody       chunked, gzip and deflate bodies, and compression bombs, through BodyDecoder
    pattern        rule patterns made of regex fragments: compiled (or refused) and run on text
    stages         Documents (real pages mutated, hostile runs) through stages 3 to 6 under the
                   per-input time budget, each stage timed

A crash is any exception a target lets out (a reader must turn bad input into a problem, a
pattern must compile or be refused with PatternError, the body decoder may raise only
IngestError); a hang is a stage input over its time budget. It prints, per target, the
inputs tried, crashes, hangs and the slowest input, then one line per crash (at most 20).
Exit status 1 if anything crashed or hung.

Run: ``python benchmarks/fuzz.py --n 100000 [--seed 1] [--budget 5] [--json]``.
It needs nothing outside the repository: real pages come from ``examples/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import sys
import tempfile
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from provenance.article.extract import extract_article
from provenance.article.facts import extract_facts
from provenance.article.fingerprint import fingerprint_article
from provenance.corpus.crosscheck import check_article
from provenance.engines.local import _OverBudget, _watchdog, budget_for
from provenance.errors import ExtractError, IngestError
from provenance.ingest.feeds import parse_feed
from provenance.ingest.httpbody import BodyDecoder, dechunk
from provenance.ingest.readers import IngestOptions, read_inputs
from provenance.models import Document, InputProblem, Metadata
from provenance.rules.engine import RuleContext, apply_rules, load_rules
from provenance.rules.patterns import LinearPattern, PatternError

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2024, 10, 3, tzinfo=dt.timezone.utc)
OPTIONS = IngestOptions(max_bytes=2_000_000)
WEIGHTS = {"text": 12, "html": 10, "jsonl": 14, "warc": 10, "feed": 14, "httpbody": 20, "pattern": 15, "stages": 1}
FRAGMENTS = [
    b"<html>", b"</html>", b"<body>", b"<p>", b"</p>", b"<div>" * 40, b"<script>", b"<!--", b"-->", b"<meta charset=latin-1>",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b"\xe9t\xe9", "é中文".encode(), b"&amp;", b"&#xFFFF;", b"\r\n", b"\n\n",
    b"The harbour festival opened on Saturday. ", b"By Jane Roe | 2024-10-03", b"$240.1 billion", b"75th anniversary",
    b"-" * 500, b" " * 500, b"1" * 300, b"?" * 200, "\u202e".encode(), b"|" * 50, b"1." * 100,
]
REGEX_PARTS = ["a", "b", "(", ")", "(?:", "+", "*", "?", "{2,}", "{0,3}", "|", "\\b", "\\w", "\\s", "\\d", "[a-z]", "[^x]",
               "^", "$", ".", "(?<!x)", "(?=y)", "\\1", "(?P<match>", "(?i)", "\\u00e9", "\\pL", "++", "(?P=n)", "[", "]"]


@dataclass
class Target:
    tried: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def record(self, seconds: float, label: str) -> None:
        self.tried += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, label)


class Fuzzer:
    def __init__(self, seed: int, budget: float, folder: Path) -> None:
        self.rng = random.Random(seed)
        self.budget = budget
        self.folder = folder
        self.targets: dict[str, Target] = {name: Target() for name in WEIGHTS}
        self.stage_targets: dict[str, Target] = {s: Target() for s in ("extract", "fingerprint", "facts", "cross-check", "rules")}
        self.pages = [p.read_bytes() for p in sorted((ROOT / "examples").rglob("*")) if p.is_file() and p.suffix in (".html", ".txt")]
        self.ruleset = load_rules()

    # inputs -----------------------------------------------------------------------------

    def page_bytes(self) -> bytes:
        rng = self.rng
        how = rng.random()
        if how < 0.3 and self.pages:
            return self.mutate(rng.choice(self.pages))
        if how < 0.5:
            return rng.randbytes(rng.randint(0, 3000))
        return b"".join(rng.choice(FRAGMENTS) if rng.random() < 0.8 else rng.randbytes(rng.randint(1, 40))
                        for _ in range(rng.randint(0, 80)))

    def mutate(self, data: bytes) -> bytes:
        rng, out = self.rng, bytearray(data)
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(out) + 1)
            kind = rng.random()
            if kind < 0.3 and out:
                out[min(pos, len(out) - 1)] = rng.randrange(256)
            elif kind < 0.5:
                del out[pos : pos + rng.randint(1, 200)]
            elif kind < 0.8:
                out[pos:pos] = rng.choice(FRAGMENTS) * rng.randint(1, 20)
            else:
                out[pos:pos] = out[max(0, pos - 50) : pos] * rng.randint(1, 50)
        return bytes(out)

    def record_line(self) -> bytes:
        rng = self.rng
        kind = rng.random()
        if kind < 0.1:
            depth = rng.choice([10, 1000, 100_000])
            return (b"[" * depth + b"]" * depth) if rng.random() < 0.5 else (b'{"a":' * depth + b"1" + b"}" * depth)
        if kind < 0.3:
            return self.page_bytes().replace(b"\n", b" ")
        record: dict[str, object] = {}
        for name in ("url", "title", "byline", "published", "site_name", "text", "html"):
            if rng.random() < 0.6:
                record[name] = rng.choice([
                    self.page_bytes().decode("utf-8", "replace"), 12, None, [1], {"x": 1}, "", "https://a.example/x",
                    "0001-01-01T00:00:00+14:00", "\u202e" * 5,
                ])
        return json.dumps(record).encode()

    def warc(self) -> bytes:
        rng = self.rng
        records = []
        for i in range(rng.randint(1, 4)):
            body = rng.choice(self.pages) if self.pages and rng.random() < 0.7 else self.page_bytes()
            http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            if rng.random() < 0.2:
                http += b"Content-Encoding: gzip\r\n"
                body = gzip.compress(body) if rng.random() < 0.7 else body
            if rng.random() < 0.2:
                http += b"Transfer-Encoding: chunked\r\n"
                body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n" if rng.random() < 0.7 else body
            block = http + b"\r\n" + body
            date = rng.choice(["2024-10-03T07:43:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "nope", ""])
            head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}-{rng.random()}>\r\nWARC-Date: {date}\r\n"
                    f"WARC-Target-URI: https://a.example/{i}\r\nContent-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(block) + rng.choice([0, 0, 0, -5, 7, 10**9])}\r\n\r\n").encode()
            records.append(head + block + b"\r\n\r\n")
        data = b"".join(gzip.compress(r, mtime=0) for r in records) if rng.random() < 0.6 else b"".join(records)
        return self.mutate(data) if rng.random() < 0.5 else data

    def feed(self) -> bytes:
        rng = self.rng
        items = b"".join(
            rng.choice([b"<item><title>T</title><link>https://a.example/%d</link><pubDate>%s</pubDate></item>",
                        b"<entry><link href='/e/%d'/><updated>%s</updated></entry>"])
            % (i, rng.choice([b"Thu, 03 Oct 2024 07:43:00 GMT", b"0001-01-01T00:00:00+14:00", b"garbage", b""]))
            for i in range(rng.randint(0, 20))
        )
        doc = rng.choice([b"<rss version='2.0'><channel>%s</channel></rss>", b"<feed xmlns='http://www.w3.org/2005/Atom'>%s</feed>"]) % items
        return self.mutate(doc) if rng.random() < 0.6 else doc

    def body(self) -> tuple[bytes, str | None]:
        rng = self.rng
        raw = self.page_bytes()
        kind = rng.random()
        if kind < 0.05:
            c = zlib.compressobj(9, zlib.DEFLATED, 31)
            return c.compress(b"\0" * (64 << 20)) + c.flush(), "gzip"  # 64 MB of zeros in ~64 KB
        if kind < 0.4:
            return gzip.compress(raw), rng.choice(["gzip", "x-gzip", "gzip, gzip", "deflate"])
        if kind < 0.6:
            return zlib.compress(raw), "deflate"
        return raw, rng.choice([None, "identity", "br", "gzip", "deflate, gzip"])

    def pattern(self) -> str:
        return "".join(self.rng.choice(REGEX_PARTS) for _ in range(self.rng.randint(1, 12)))

    def document(self) -> Document:
        rng = self.rng
        n = rng.choice([2_000, 20_000, 100_000])
        hostile = rng.choice(["-", " ", "\n", "1", "1.", "?", "a", "!", "A. ", "| ", "1 ", "$1 million "]) * (n // 2)
        base = (rng.choice(self.pages) if self.pages else b"").decode("utf-8", "replace")
        text = rng.choice([base, self.mutate(base.encode()).decode("utf-8", "replace"), base + "\n" + hostile + "x\n", hostile])
        kind = "html" if text.lstrip().startswith("<") and rng.random() < 0.8 else rng.choice(["text", "record"])
        return Document(f"fuzz-{rng.random()}", kind, text, "0" * 64, Metadata())  # type: ignore[arg-type]

    # targets ----------------------------------------------------------------------------

    def run_one(self, name: str, index: int) -> None:
        target = self.targets[name]
        label = f"{name}#{index}"
        started = time.perf_counter()
        try:
            getattr(self, f"_{name}")(label)
        except Exception:  # noqa: BLE001 - that is what is counted
            target.crashes.append(f"{label}: {traceback.format_exc(limit=3).strip().splitlines()[-1]}")
        target.record(time.perf_counter() - started, label)

    def _read(self, name: str, data: bytes) -> None:
        path = self.folder / name
        path.write_bytes(data)
        for item in read_inputs([str(path)], OPTIONS):
            assert isinstance(item, Document | InputProblem), item

    def _text(self, label: str) -> None:
        data = self.page_bytes()
        gz = self.rng.random() < 0.2
        self._read("page.txt.gz" if gz else "page.txt", gzip.compress(data)[: None if self.rng.random() < 0.8 else -7] if gz else data)

    def _html(self, label: str) -> None:
        self._read("page.html", self.page_bytes())

    def _jsonl(self, label: str) -> None:
        data = b"\n".join(self.record_line() for _ in range(self.rng.randint(1, 6)))
        if self.rng.random() < 0.2:
            self._read("records.jsonl.gz", gzip.compress(data))
        else:
            self._read("records.jsonl", data)

    def _warc(self, label: str) -> None:
        data = self.warc()
        self._read("crawl.warc.gz" if data[:2] == b"\x1f\x8b" else "crawl.warc", data)

    def _feed(self, label: str) -> None:
        for item in parse_feed(self.feed(), "https://news.example/feed.xml").items:
            assert item.url.startswith(("http://", "https://"))

    def _httpbody(self, label: str) -> None:
        data, coding = self.body()
        try:
            if self.rng.random() < 0.2:
                data = dechunk(data)
            decoder = BodyDecoder(1_000_000, coding)
            for i in range(0, len(data), 16384):
                decoder.feed(data[i : i + 16384])
            decoder.finish()
        except IngestError:
            pass

    def _pattern(self, label: str) -> None:
        try:
            pattern = LinearPattern(self.pattern(), is_case_sensitive=self.rng.random() < 0.5)
        except PatternError:
            return
        for span in pattern.finditer("a" * 5000 + "b" + self.page_bytes().decode("utf-8", "replace")):
            assert span.start <= span.end

    def _stages(self, label: str) -> None:
        doc = self.document()
        budget = budget_for(doc, self.budget)
        timer = {"stage": "extract", "start": time.perf_counter()}

        def stage(name: str, fn: Callable[[], object]) -> object:
            timer["stage"], begun = name, time.perf_counter()
            out = fn()
            self.stage_targets[name].record(time.perf_counter() - begun, f"{label} ({len(doc.content)} chars, {doc.kind})")
            return out

        try:
            with _watchdog(budget):
                try:
                    article = stage("extract", lambda: extract_article(doc))
                except ExtractError:
                    return
                stage("fingerprint", lambda: fingerprint_article(article))  # type: ignore[arg-type]
                facts = stage("facts", lambda: tuple(extract_facts(article)))  # type: ignore[arg-type]
                stage("cross-check", lambda: list(check_article(article, facts, NOW)))  # type: ignore[arg-type]
                stage("rules", lambda: apply_rules(article, self.ruleset, RuleContext(now=NOW, facts=facts)))  # type: ignore[arg-type]
        except _OverBudget:
            self.targets["stages"].hangs.append(f"{label}: over {budget:.3g} s in stage {timer['stage']} ({len(doc.content)} chars)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="inputs to try in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds per 100 KB for the stages, as --time-budget")
    parser.add_argument("--only", choices=sorted(WEIGHTS), action="append", help="fuzz only these targets")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    names = args.only or list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        fuzzer = Fuzzer(args.seed, args.budget, Path(folder))
        for index, name in enumerate(fuzzer.rng.choices(names, weights, k=args.n)):
            fuzzer.run_one(name, index)
    rows = {name: t for name, t in fuzzer.targets.items() if t.tried}
    stages = {name: t for name, t in fuzzer.stage_targets.items() if t.tried}
    crashes = [c for t in rows.values() for c in t.crashes]
    hangs = [h for t in rows.values() for h in t.hangs]
    figures = {
        "inputs": sum(t.tried for t in rows.values()), "crashes": len(crashes), "hangs": len(hangs),
        "seconds": round(time.perf_counter() - started, 1), "seed": args.seed, "budget_per_100kb": args.budget,
        "targets": {n: {"tried": t.tried, "crashes": len(t.crashes), "hangs": len(t.hangs), "slowest_s": round(t.slowest[0], 3),
                        "slowest": t.slowest[1]} for n, t in rows.items()},
        "stages": {n: {"tried": t.tried, "slowest_s": round(t.slowest[0], 3), "slowest": t.slowest[1]} for n, t in stages.items()},
        "first_problems": (crashes + hangs)[:20],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['inputs']} inputs in {figures['seconds']} s (seed {args.seed}): "
              f"{len(crashes)} crashes, {len(hangs)} over budget ({args.budget:g} s per 100 KB)")
        print(f"{'target':<12} {'tried':>7} {'crashes':>8} {'hangs':>6} {'slowest s':>10}  slowest input")
        for name, t in rows.items():
            print(f"{name:<12} {t.tried:>7} {len(t.crashes):>8} {len(t.hangs):>6} {t.slowest[0]:>10.3f}  {t.slowest[1]}")
        for name, t in stages.items():
            print(f"  {name:<10} {t.tried:>7} {'':>8} {'':>6} {t.slowest[0]:>10.3f}  {t.slowest[1]}")
        for line in figures["first_problems"]:
            print(line)
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
