"""Copies, stories and provenance: quality, calibration and scale.

Three measurements, each printed:

``--families``  A deterministic generator turns the true bodies of the Zyte
    corpus into copy families: an origin, verbatim reprints wrapped in other
    boilerplate, excerpts, light rewrites (synonyms, dropped and swapped
    sentences) and copies with one number changed, each on its own domain and
    dated after the origin, plus unrelated articles. It audits them into a
    fresh database and reports story clustering as pairwise precision, recall
    and F1, origin accuracy, and links between unrelated articles.
``--calibrate`` The Clough-Stevenson corpus: how the copy relations separate
    cut, light and heavy reuse from non-derived answers on the same topic.
``--scale N,N,...`` Time, peak memory and database size of ``provenance audit``
    on N generated articles (families plus filler), and the time to match one
    new article against the full database.

Usage::

    python benchmarks/copies_families.py --families --calibrate [--scale 1000,10000,100000] [--shared PATH]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

SYNONYMS = {
    "said": "stated", "says": "states", "announced": "declared", "big": "large", "large": "big", "also": "additionally",
    "however": "but", "because": "as", "about": "around", "more than": "over", "people": "individuals",
    "help": "assist", "start": "begin", "began": "started", "show": "demonstrate", "shows": "demonstrates",
    "important": "significant", "new": "fresh", "buy": "purchase", "get": "obtain", "use": "employ",
    "company": "firm", "companies": "firms", "government": "administration", "according to": "as reported by",
    "many": "numerous", "very": "highly", "often": "frequently", "need": "require", "try": "attempt",
}
NAV = ["Home", "World", "Business", "Tech", "Sport", "Opinion", "Subscribe", "Log in"]
FOOTERS = [
    "Copyright {year} {site}. All rights reserved.",
    "We use cookies on our website to improve your experience. Accept all",
    "Sign up for our newsletter to get the latest news in your inbox.",
    "About us | Contact us | Privacy Policy | Terms of Use",
]
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w.])")


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


def load_bodies(shared: Path) -> list[str]:
    path = shared / "corpus" / "extraction-zyte" / "ground_truth.jsonl"
    bodies = []
    for line in path.read_text(encoding="utf-8").splitlines():
        body = (json.loads(line).get("body") or "").strip()
        if len(body.split()) >= 150 and re.search(r"[a-z]{3}", body) and _is_latin(body):
            bodies.append(body)
    return bodies


def distinct(bodies: list[str]) -> tuple[list[str], int]:
    """Drop bodies that are copies of an earlier one (the corpus holds two outlets' versions of one AP story)."""
    from provenance.corpus.copies import classify, measure
    from provenance.article.fingerprint import anchors, shingles, tokens

    kept: list[str] = []
    sets: list[tuple[set[str], set[str]]] = []
    dropped = 0
    for body in bodies:
        grams, names = set(shingles(tokens(body))), set(anchors(body))
        similar = [k for k, (g, n) in enumerate(sets) if len(names & n) / max(1, len(names | n)) >= 0.2 or grams & g]
        if any(classify(measure(body, kept[k])) not in (None, "related") for k in similar):
            dropped += 1
            continue
        kept.append(body)
        sets.append((grams, names))
    return kept, dropped


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isascii() for c in letters) > 0.9 * max(1, len(letters))


# --- the generator ----------------------------------------------------------


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", body) if p.strip()]


def _rewrite(paragraphs: list[str], rng: random.Random) -> list[str]:
    out = []
    for paragraph in paragraphs:
        sentences = re.split(r"(?<=[.!?])\s+", paragraph)
        if len(sentences) > 2 and rng.random() < 0.3:
            sentences.pop(rng.randrange(len(sentences)))
        if len(sentences) > 1 and rng.random() < 0.3:
            i = rng.randrange(len(sentences) - 1)
            sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
        text = " ".join(sentences)
        for word, other in SYNONYMS.items():
            if rng.random() < 0.8:
                text = re.sub(rf"\b{word}\b", other, text)
        out.append(text)
    return out


def _change_number(paragraphs: list[str], rng: random.Random) -> list[str] | None:
    spots = [(i, m) for i, p in enumerate(paragraphs) for m in _NUMBER.finditer(p)]
    if not spots:
        return None
    i, match = rng.choice(spots)
    old = match.group(0)
    new = str(int(old.replace(",", "").split(".")[0]) + rng.randint(2, 9)) if old[0].isdigit() else old
    changed = list(paragraphs)
    changed[i] = paragraphs[i][: match.start()] + new + paragraphs[i][match.end() :]
    return changed


def _wrap(paragraphs: list[str], site: str, rng: random.Random) -> str:
    head = rng.sample(NAV, 4)
    foot = [f.format(year=2024, site=site) for f in rng.sample(FOOTERS, 3)]
    return "\n".join(head) + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + "\n".join(foot)


def make_families(bodies: list[str], seed: int = 7) -> list[dict[str, Any]]:
    """Records with ground truth: ``family`` (None for unrelated) and ``is_origin``."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    shuffled = list(bodies)
    rng.shuffle(shuffled)
    families, singles = shuffled[: len(shuffled) * 3 // 4], shuffled[len(shuffled) * 3 // 4 :]
    for f, body in enumerate(families):
        paragraphs = _paragraphs(body)
        day = 1 + f % 27
        members: list[tuple[str, list[str] | str]] = [("origin", paragraphs), ("reprint", "wrap")]
        if len(paragraphs) >= 4:
            members.append(("excerpt", paragraphs[: max(2, len(paragraphs) // 3)]))
        members.append(("rewrite", _rewrite(paragraphs, rng)))
        changed = _change_number(paragraphs, rng)
        if changed:
            members.append(("changed", changed))
        for k, (kind, content) in enumerate(members):
            site = f"outlet{(f * 7 + k) % 97}"
            text = _wrap(paragraphs, site, rng) if content == "wrap" else "\n\n".join(content)
            records.append({
                "url": f"https://www.{site}-news.com/2024/03/{day:02d}/story-{f}-{kind}",
                "title": f"Story {f}",
                "published": f"2024-03-{day + (0 if kind == 'origin' else 1 + k % 2):02d}",
                "text": text,
                "family": f,
                "kind": kind,
            })
    for s, body in enumerate(singles):
        records.append({"url": f"https://www.single{s}.org/a", "title": f"Single {s}", "published": "2024-03-10",
                        "text": body, "family": None, "kind": "unrelated"})
    return records


def filler(n: int, bodies: list[str], seed: int = 11) -> list[dict[str, Any]]:
    """Unrelated articles made by a word-bigram chain over the corpus: distinct texts for scale runs."""
    rng = random.Random(seed)
    chain: dict[str, list[str]] = defaultdict(list)
    for body in bodies:
        words = body.split()
        for a, b in zip(words, words[1:]):
            chain[a].append(b)
    starts = [w for w in chain if w[:1].isupper()]
    out = []
    for i in range(n):
        word, words = rng.choice(starts), []
        for _ in range(rng.randint(250, 700)):
            words.append(word)
            word = rng.choice(chain.get(word) or starts)
        text = " ".join(words)
        paragraphs = re.sub(r"([.!?]) ", lambda m: m.group(1) + ("\n\n" if rng.random() < 0.25 else " "), text)
        out.append({"url": f"https://www.filler{i % 500}.net/{i}", "title": f"Filler {i}",
                    "published": f"2024-0{1 + i % 9}-{1 + i % 28:02d}", "text": paragraphs, "family": None,
                    "kind": "filler"})
    return out


# --- measurements ------------------------------------------------------------


def _audit(records: list[dict[str, Any]], workdir: Path, name: str) -> tuple[Path, dict[str, float]]:
    path, db = workdir / f"{name}.jsonl", workdir / f"{name}.db"
    with path.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps({k: r[k] for k in ("url", "title", "published", "text")}) + "\n")
    exe = str(Path(sys.executable).with_name("provenance"))
    launcher = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)"
    )
    out = subprocess.run([sys.executable, "-c", launcher, exe, "audit", str(path), "--db", str(db), "-q"],
                         capture_output=True, text=True, check=True).stdout.split()
    return db, {"seconds": float(out[0]), "peak_mb": int(out[1]) / 1024, "exit": int(out[2])}


def families_quality(shared: Path, workdir: Path) -> dict[str, Any]:
    import sqlite3

    bodies, dropped = distinct(load_bodies(shared))
    records = make_families(bodies)
    db, run = _audit(records, workdir, "families")
    conn = sqlite3.connect(db)
    by_url = {r["url"]: r for r in records}
    rows = conn.execute("SELECT id, url, story_id FROM articles").fetchall()
    truth = {row[0]: by_url[row[1]] for row in rows}
    story = {row[0]: row[2] for row in rows}
    tp = fp = fn = 0
    for a, b in combinations(sorted(truth), 2):
        same_truth = truth[a]["family"] is not None and truth[a]["family"] == truth[b]["family"]
        same_pred = story[a] is not None and story[a] == story[b]
        tp += same_truth and same_pred
        fp += same_pred and not same_truth
        fn += same_truth and not same_pred
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    origins = {r[0]: r[1] for r in conn.execute("SELECT id, origin_id FROM stories")}
    unseen = {r[0]: r[1] for r in conn.execute("SELECT id, origin_unseen FROM stories WHERE origin_unseen IS NOT NULL")}
    true_origin = {truth[i]["family"]: i for i in truth if truth[i]["kind"] == "origin"}
    families = defaultdict(set)
    for i in truth:
        if truth[i]["family"] is not None:
            families[truth[i]["family"]].add(story[i])
    correct = sum(1 for f, o in true_origin.items() if story[o] is not None and origins.get(story[o]) == o)
    # An origin text that itself credits a wire or another outlet ("WASHINGTON (AP) -") is a copy of
    # that outlet: a story whose origin is "unseen: <that outlet>" is right too.
    from provenance.article.credits import find_credits

    def _credited(i: int) -> set[str]:
        p = _paragraphs(truth[i]["text"])
        return {c.casefold() for c in find_credits("\n".join(p[:2] + p[-4:]))}

    from provenance.corpus.direction import unseen_credits

    credited_right = sum(
        1 for f, o in true_origin.items()
        if story[o] is not None and story[o] in unseen
        and unseen[story[o]].casefold() in {n.casefold() for n in unseen_credits(sorted(_credited(o)), [])}
    )
    unrelated = {i for i in truth if truth[i]["family"] is None}
    cross = conn.execute("SELECT article_id, source_id, relation FROM copies").fetchall()
    false_links = [c for c in cross if c[2] != "related" and (
        c[0] in unrelated or c[1] in unrelated or truth[c[0]]["family"] != truth[c[1]]["family"])]
    false_related = [c for c in cross if c[2] == "related" and truth[c[0]]["family"] != truth[c[1]]["family"]]
    relations = defaultdict(lambda: defaultdict(int))
    for article_id, source_id, relation in cross:
        relations[truth[article_id]["kind"]][relation] += 1
    return {
        "articles": len(truth), "families": len(true_origin), "pairwise_precision": round(precision, 4),
        "pairwise_recall": round(recall, 4), "pairwise_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "origin_accuracy": round(correct / max(1, len(true_origin)), 4),
        "origin_accuracy_with_credited_unseen": round((correct + credited_right) / max(1, len(true_origin)), 4),
        "origins_credited_unseen": credited_right,
        "false_copy_links": len(false_links), "related_links_across_families": len(false_related),
        "relations_by_kind": {k: dict(v) for k, v in relations.items()}, "source_bodies_dropped_as_copies": dropped,
        **run,
    }


def calibrate(shared: Path) -> dict[str, Any]:
    from provenance.corpus.copies import classify, measure

    root = shared / "corpus" / "reuse-clough-stevenson"
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    derived_ok = total = 0
    with (root / "labels.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["category"] == "orig":
                continue
            answer = (root / "texts" / row["file"]).read_text(encoding="utf-8", errors="replace")
            source = (root / "texts" / row["source_file"]).read_text(encoding="utf-8", errors="replace")
            relation = classify(measure(answer, source)) or "none"
            table[row["category"]][relation] += 1
            is_copy = relation not in ("none", "related")
            derived_ok += is_copy == (row["category"] != "non")
            total += 1
    return {"by_label": {k: dict(v) for k, v in table.items()}, "derived_vs_non_accuracy": round(derived_ok / total, 4)}


def scale(shared: Path, workdir: Path, sizes: list[int]) -> list[dict[str, Any]]:
    import sqlite3

    bodies, _ = distinct(load_bodies(shared))
    family_records = make_families(bodies)
    results = []
    for n in sizes:
        records = (family_records + filler(max(0, n - len(family_records)), bodies))[:n]
        db, run = _audit(records, workdir, f"scale{n}")
        conn = sqlite3.connect(db)
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        try:
            lsh = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'lsh_bands'").fetchone()[0]
        except sqlite3.OperationalError:
            lsh = None
        conn.close()
        results.append({"n": n, "articles": articles, "articles_per_s": round(n / run["seconds"], 1),
                        "lsh_bytes_per_article": round(lsh / articles) if lsh else None,
                        "db_mb": round(db.stat().st_size / 1e6, 1), "match_ms": _match_latency(db, bodies), **run})
    return results


def _match_latency(db: Path, bodies: list[str]) -> float:
    """Milliseconds to find the copies of one new article against the whole database."""
    from provenance.corpus.copies import find_copies
    from provenance.article.extract import extract_article
    from provenance.article.fingerprint import fingerprint_article
    from provenance.models import Document, Metadata
    from provenance.store.sqlite import AuditStore

    store = AuditStore.open(db)
    rng = random.Random(5)
    prepared = []
    for i in range(50):
        text = "\n\n".join(_rewrite(_paragraphs(rng.choice(bodies)), rng))
        article = extract_article(Document(f"probe:{i}", "record", text, "0" * 64, Metadata(published="2024-04-01")))
        prepared.append((article, fingerprint_article(article)))
    started = time.perf_counter()
    for article, fingerprint in prepared:
        find_copies(-1, article, fingerprint, store)
    store.close()
    return round((time.perf_counter() - started) / len(prepared) * 1000, 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Copies, stories and provenance benchmark.")
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--families", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--scale", type=lambda s: [int(x) for x in s.split(",")], default=[])
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"error: {args.shared}: no corpus here; pass --shared PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        if args.calibrate:
            print("clough-stevenson:", json.dumps(calibrate(args.shared), indent=1))
        if args.families:
            print("families:", json.dumps(families_quality(args.shared, Path(tmp)), indent=1))
        for row in scale(args.shared, Path(tmp), args.scale):
            print("scale:", json.dumps(row))
    resource.getrusage(resource.RUSAGE_SELF)
    return 0


if __name__ == "__main__":
    sys.exit(main())
