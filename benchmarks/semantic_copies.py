"""The semantic channel for copies: quality on reworded copies and hard negatives, index speed, cost.

``--clough``      Clough-Stevenson: heavy revisions found and non-derived answers called a copy, for
    the lexical channel (5-gram Jaccard, containment, rapidfuzz alignment), the semantic channel
    (sentences aligned by meaning) and both, as ``confirm_pair`` runs them. Thresholds were
    chosen on tasks a-c; tasks d-e are the held-out part, printed apart.
``--paraphrase``  A deterministic paraphrase set built from the English Zyte bodies: each body
    rewritten sentence by sentence (synonyms, clauses moved, sentences split and merged, some
    sentences swapped) in three strengths, ``light``, ``heavy`` and ``deep`` (the parts of every
    sentence reordered and articles left out too), against hard negatives: pairs of
    Zyte articles from different outlets on the same topic (document cosine >= 0.7; two
    outlets' reports of one event, written independently), and random pairs. Recall on the
    rewrites and precision (true links / all links) for each channel alone and together, on
    the calibration half (even bodies) and the held-out half (odd bodies). Same-topic pairs that a
    channel links are listed, so that a reader can judge them.
``--index``       The vector index at 100k and 1M vectors: time per query of the packed-sign
    Hamming scan (what the store uses) against an exact float32 scan, and the share of the
    exact 10 nearest that the sign shortlist keeps. Whether sqlite-vec can be loaded here.
``--cost N``      The semantic channel's cost per article in a corpus of N articles
    (``make_news_corpus.py`` if it is next to this script, else ``make_jsonl_corpus.py``; or
    ``--corpus PATH``, one already made):
    language identification, document vector, nearest-neighbour query against N stored
    vectors, and the semantic confirmation of the candidates it returns.

Usage::

    python benchmarks/semantic_copies.py --clough --paraphrase --index [--cost 100000] [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from provenance.article.language import identify_language
from provenance.article.sentences import split_sentences
from provenance.corpus.relations import classify, measure
from provenance.corpus.semantic import MIN_DOCUMENT, embed, is_paraphrase, measure_meaning

COPY = {"duplicate", "reprint", "excerpt", "rewrite", "paraphrase"}


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


# --- the three channels on one pair --------------------------------------------------------------


def channels(text: str, other: str, document_cosine: float | None = None) -> dict[str, bool]:
    """Is the pair called a copy by the wording, by meaning, and by both as confirm_pair runs them?"""
    lexical_measures = measure(text, other)
    lexical = classify(lexical_measures)
    if document_cosine is None:
        a, b = embed([text, other])
        document_cosine = float(a @ b)
    meaning = measure_meaning(text, other, document_cosine)
    semantic = document_cosine >= MIN_DOCUMENT and is_paraphrase(meaning)
    together = lexical in COPY or (document_cosine >= MIN_DOCUMENT and classify(lexical_measures, meaning) in COPY)
    return {"lexical": lexical in COPY, "semantic": semantic, "together": together}


# --- Clough-Stevenson --------------------------------------------------------------------------


def clough(shared: Path) -> dict[str, Any]:
    root = shared / "corpus" / "reuse-clough-stevenson"
    found: dict[str, dict[str, dict[str, int]]] = {}
    with (root / "labels.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["category"] == "orig":
                continue
            answer = (root / "texts" / row["file"]).read_text(encoding="utf-8", errors="replace")
            source = (root / "texts" / row["source_file"]).read_text(encoding="utf-8", errors="replace")
            part = "calibration (tasks a-c)" if row["task"] in "abc" else "held out (tasks d-e)"
            for channel, is_copy in channels(answer, source).items():
                cell = found.setdefault(part, {}).setdefault(channel, defaultdict(int))
                cell[row["category"]] += is_copy
                cell[row["category"] + "_total"] += 1
    total: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for part in found.values():
        for channel, cell in part.items():
            for key, value in cell.items():
                total[channel][key] += value
    found["all"] = total
    return {part: {channel: _clough_line(cell) for channel, cell in rows.items()} for part, rows in found.items()}


def _clough_line(cell: dict[str, int]) -> str:
    return ", ".join(f"{k} {cell[k]}/{cell[k + '_total']}" for k in ("cut", "light", "heavy", "non")) + (
        f"  (non-derived called a copy: {cell['non']})"
    )


# --- the paraphrase set ---------------------------------------------------------------------------

SYNONYMS = {
    "said": "stated", "says": "states", "announced": "unveiled", "big": "large", "large": "sizeable",
    "also": "as well", "however": "even so", "because": "since", "about": "roughly", "more than": "over",
    "people": "individuals", "help": "assist", "start": "begin", "began": "started", "show": "reveal",
    "shows": "reveals", "important": "significant", "new": "fresh", "buy": "purchase", "get": "obtain",
    "use": "employ", "company": "firm", "companies": "firms", "government": "administration",
    "according to": "as reported by", "many": "numerous", "very": "highly", "often": "frequently",
    "need": "require", "try": "attempt", "told": "informed", "asked": "questioned", "week": "seven days",
    "make": "create", "made": "created", "think": "believe", "thinks": "believes", "want": "wish",
    "wants": "wishes", "country": "nation", "city": "town", "first": "initial", "last": "previous",
    "year": "twelve months", "years": "years", "began to": "started to", "plans": "intends",
    "plan": "scheme", "expected": "anticipated", "found": "discovered", "report": "account",
    "officials": "authorities", "increase": "rise", "decrease": "fall", "problem": "issue",
    "problems": "issues", "children": "kids", "quickly": "rapidly", "small": "little", "home": "house",
    "job": "post", "jobs": "posts", "money": "funds", "team": "squad", "game": "match", "fight": "battle",
    "believe": "think", "added": "continued", "went": "headed", "called": "described as",
    "however,": "but", "while": "whereas", "before": "prior to", "after": "following", "during": "throughout",
}
_SYNONYM = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)) + r")\b")
_SAID = re.compile(r"^(?P<who>[A-Z][\w .'-]{2,40}?) (?:said|says|stated|states) (?:that )?(?P<what>.+?)\.?$")


def _synonyms(sentence: str, rng: random.Random, share: float) -> str:
    return _SYNONYM.sub(lambda m: SYNONYMS[m.group(1)] if rng.random() < share else m.group(1), sentence)


def _restructure(sentence: str, rng: random.Random) -> list[str]:
    """Move a clause, split at a conjunction, or turn 'X said Y' into 'Y, X said'."""
    said = _SAID.match(sentence)
    if said and rng.random() < 0.7:
        what = said.group("what").rstrip(".")
        return [what[0].upper() + what[1:] + ", " + said.group("who") + " said."]
    for joint in ("; ", ", and ", ", but ", " because ", " while "):
        if joint in sentence and rng.random() < 0.6:
            left, right = sentence.split(joint, 1)
            right = right.rstrip(".")
            opener = {"; ": "", ", and ": "Also, ", ", but ": "But ", " because ": "That is because ",
                      " while ": "Meanwhile, "}[joint]
            body = right if not opener else right[0].lower() + right[1:]
            first = (opener + body) if opener else body[0].upper() + body[1:]
            return [left.rstrip(",") + ".", first[0].upper() + first[1:] + "."]
    if ", " in sentence and rng.random() < 0.4:
        head, tail = sentence.split(", ", 1)
        if 2 <= len(head.split()) <= 8 and head.split()[0].lower() in ("in", "on", "at", "after", "when", "for", "since", "during"):
            tail = tail.rstrip(".")
            return [tail[0].upper() + tail[1:] + " " + head[0].lower() + head[1:] + "."]
    return [sentence]


_ARTICLE = re.compile(r"\b(?:the|a|an) (?=[a-z])")


def _rotate(sentence: str, rng: random.Random) -> str:
    """Put the comma-separated parts of a sentence in another order, and leave out some articles."""
    parts = [p.strip() for p in sentence.rstrip(".").split(", ") if p.strip()]
    if len(parts) > 1:
        k = rng.randrange(1, len(parts))
        parts = parts[k:] + parts[:k]
    text = ", ".join(parts)
    text = _ARTICLE.sub(lambda m: "" if rng.random() < 0.5 else m.group(0), text)
    return text[0].upper() + text[1:] + "." if text else sentence


def paraphrase(body: str, rng: random.Random, heavy: bool, deep: bool = False) -> str:
    """A rewrite of ``body`` sentence by sentence: synonyms, restructured clauses, splits and merges, swaps;
    ``deep`` also reorders the parts of every sentence and leaves out articles, as a paraphrasing model does."""
    sentences = [body[a:b] for a, b in split_sentences(body)]
    out: list[str] = []
    for sentence in sentences:
        reworded = _synonyms(sentence, rng, 1.0 if deep else 0.9 if heavy else 0.5)
        parts = _restructure(reworded, rng) if heavy else [reworded]
        out.extend(_rotate(p, rng) for p in parts) if deep else out.extend(parts)
    merged: list[str] = []
    for sentence in out:
        if heavy and merged and len(merged[-1].split()) < 14 and len(sentence.split()) < 14 and rng.random() < 0.4 \
                and merged[-1].endswith("."):
            merged[-1] = merged[-1][:-1] + ", and " + sentence[0].lower() + sentence[1:]
        else:
            merged.append(sentence)
    if heavy:
        for i in range(0, len(merged) - 1, 4):
            if rng.random() < 0.5:
                merged[i], merged[i + 1] = merged[i + 1], merged[i]
    return "\n\n".join(merged)


def paraphrase_set(shared: Path) -> dict[str, Any]:
    records = [json.loads(line) for line in (shared / "corpus" / "extraction-zyte" / "ground_truth.jsonl").open()]
    english = [r for r in records if len(r["body"]) > 600 and (lang := identify_language(r["body"])) and lang.code == "en"]
    vectors = embed([r["body"] for r in english])
    cosines = vectors @ vectors.T
    rng = random.Random(15)
    pairs: list[tuple[str, int, str, str, float | None, str]] = []  # (kind, body index, text, other, cosine, note)
    for i, record in enumerate(english):
        for strength in ("light", "heavy", "deep"):
            rewritten = paraphrase(record["body"], rng, strength != "light", strength == "deep")
            pairs.append((strength, i, rewritten, record["body"], None, ""))
    domain = [urlsplit(r["url"]).hostname.removeprefix("www.") for r in english]  # type: ignore[union-attr]
    for i in range(len(english)):
        for j in range(i + 1, len(english)):
            if cosines[i, j] >= 0.7 and domain[i] != domain[j]:
                note = f"{english[i]['url']} | {english[j]['url']}"
                pairs.append(("same-topic", i, english[i]["body"], english[j]["body"], float(cosines[i, j]), note))
    for _ in range(200):
        i, j = rng.sample(range(len(english)), 2)
        pairs.append(("random", i, english[i]["body"], english[j]["body"], float(cosines[i, j]), ""))
    results: dict[str, Any] = {"english_bodies": len(english)}
    linked_negatives: list[str] = []
    for part, parity in (("calibration (even bodies)", 0), ("held out (odd bodies)", 1)):
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind, i, text, other, cosine, note in pairs:
            if i % 2 != parity:
                continue
            verdict = channels(text, other, cosine)
            counts["pairs"][kind] += 1
            for channel, is_copy in verdict.items():
                counts[channel][kind] += is_copy
                if is_copy and kind == "same-topic":
                    linked_negatives.append(f"{channel}: {note}")
        results[part] = {channel: _scores(counts[channel], counts["pairs"]) for channel in ("lexical", "semantic", "together")}
        results[part]["pairs"] = dict(counts["pairs"])
    results["same-topic pairs linked (judge them)"] = sorted(set(linked_negatives))
    return results


def _scores(found: dict[str, int], total: dict[str, int]) -> dict[str, Any]:
    true = found["light"] + found["heavy"] + found["deep"]
    false = found["same-topic"] + found["random"]
    return {
        "recall_light": f"{found['light']}/{total['light']}", "recall_heavy": f"{found['heavy']}/{total['heavy']}",
        "recall_deep": f"{found['deep']}/{total['deep']}",
        "recall": round(true / max(1, total["light"] + total["heavy"] + total["deep"]), 3),
        "precision": round(true / max(1, true + false), 3),
        "same_topic_linked": f"{found['same-topic']}/{total['same-topic']}", "random_linked": f"{found['random']}/{total['random']}",
    }


# --- the vector index ------------------------------------------------------------------------------


def index_speed(sizes: tuple[int, ...] = (100_000, 1_000_000)) -> list[dict[str, Any]]:
    import sqlite3

    from provenance.corpus.semantic import sign_bits
    from provenance.store.vectors import SignIndex

    rng = np.random.default_rng(7)
    # Real document vectors of news sentences' windows, repeated with noise, so distances look like a corpus's.
    base = embed([f"{a} {b} {c}" for a, b, c in _windows()])
    results = []
    for n in sizes:
        picks = rng.integers(0, len(base), n)
        vectors = base[picks] + rng.normal(scale=0.04, size=(n, base.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        index = SignIndex()
        started = time.perf_counter()
        for i, v in enumerate(vectors):
            index.add(i, sign_bits(v))
        build = time.perf_counter() - started
        queries = vectors[rng.integers(0, n, 50)] + rng.normal(scale=0.03, size=(50, base.shape[1])).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        started = time.perf_counter()
        shortlists = [index.nearest(sign_bits(q), 26 * 4) for q in queries]
        sign_ms = (time.perf_counter() - started) / len(queries) * 1000
        matrix = vectors.astype(np.float32)
        started = time.perf_counter()
        exact = [_top(matrix @ q, 10) for q in queries]
        exact_ms = (time.perf_counter() - started) / len(queries) * 1000
        kept = np.mean([len(set(e.tolist()) & set(s)) / 10 for e, s in zip(exact, shortlists)])
        results.append({"vectors": n, "sign_scan_ms_per_query": round(sign_ms, 2),
                        "exact_float32_scan_ms_per_query": round(exact_ms, 2),
                        "exact_top10_kept_by_sign_shortlist": round(float(kept), 3),
                        "sign_bits_mb": round(n * 32 / 1e6, 1), "float16_vectors_mb": round(n * 512 / 1e6, 1),
                        "build_s": round(build, 2)})
        del matrix, vectors
    conn = sqlite3.connect(":memory:")
    loadable = hasattr(conn, "enable_load_extension")
    results.append({"sqlite_vec_loadable_here": loadable,
                    "why": "this Python's sqlite3 has enable_load_extension" if loadable
                    else "this Python's sqlite3 was built without extension loading"})
    return results


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    best = np.argpartition(-scores, k)[:k]
    ordered: np.ndarray = best[np.argsort(-scores[best])]
    return ordered


def _windows() -> list[tuple[str, str, str]]:
    shared = default_shared()
    bodies = [json.loads(line)["body"] for line in (shared / "corpus" / "extraction-zyte" / "ground_truth.jsonl").open()]
    out = []
    for body in bodies:
        s = [body[a:b] for a, b in split_sentences(body)]
        out.extend(zip(s, s[1:], s[2:]))
    return out


# --- cost per article at N -------------------------------------------------------------------------


def cost(shared: Path, n: int, workdir: Path, given: Path | None = None) -> dict[str, Any]:
    from provenance.corpus.copies import confirm_pair
    from provenance.corpus.semantic import document_vector
    from provenance.models import Article
    from provenance.store.sqlite import AuditStore

    here = Path(__file__).resolve().parent
    corpus = workdir / "corpus.jsonl"
    maker = here / "make_news_corpus.py"
    if not maker.exists():
        maker = here / "make_jsonl_corpus.py"
    args = [sys.executable, str(maker), "--n", str(n), "--out", str(corpus)]
    if maker.name == "make_news_corpus.py":
        args += ["--shared", str(shared)]
    if given is None:
        subprocess.run(args, check=True, capture_output=True)
    else:
        corpus, maker = given, given
    with corpus.open() as handle:
        texts = [json.loads(line)["text"] for _, line in zip(range(n), handle)]
    timings: dict[str, float] = defaultdict(float)
    store = AuditStore.open(workdir / "vectors.db")
    languages: dict[str, int] = defaultdict(int)
    vectors: list[np.ndarray | None] = []
    with store.transaction():
        for i, text in enumerate(texts):
            started = time.perf_counter()
            language = identify_language(text)
            timings["language_ms"] += time.perf_counter() - started
            started = time.perf_counter()
            vector = document_vector(text, language.code if language else None)
            timings["vector_ms"] += time.perf_counter() - started
            languages[language.code if language else "unknown"] += 1
            vectors.append(vector)
            store.db.execute("INSERT INTO runs (id, command, version, inputs, started_utc, status) VALUES (1, 'bench', '0', '[]', "
                             "'2024-01-01T00:00:00+00:00', 'running') ON CONFLICT DO NOTHING")
            store.db.execute("INSERT INTO articles (id, location, input_kind, raw_sha256, text, word_count, content_hash, "
                             "encoding, extractor, run_id, audited_utc) VALUES (?, ?, 'record', '', '', 0, '', 'utf-8', "
                             "'bench', 1, '2024-01-01T00:00:00+00:00')", [i + 1, f"bench:{i}"])
            store.add_semantics(i + 1, language, vector)
    probes = random.Random(3).sample(range(len(texts)), 200)
    confirmed = candidates = 0
    for k in probes:
        vector = vectors[k]
        if vector is None:
            continue
        started = time.perf_counter()
        found = store.vector_candidates(vector, exclude=k + 1, ids=[], limit=25)
        timings["query_ms"] += time.perf_counter() - started
        article = Article(f"probe:{k}", "record", "", texts[k], texts[k], ())
        started = time.perf_counter()
        from provenance.models import KnownArticle

        for other_id, value in found:
            known = KnownArticle(other_id, None, None, None, "", None, (), texts[other_id - 1])
            confirmed += confirm_pair(-1, article, known, 0.0, value) is not None
            candidates += 1
        timings["confirm_ms"] += time.perf_counter() - started
    store.close()
    per = {key: round(value / (len(texts) if key in ("language_ms", "vector_ms") else len(probes)) * 1000, 3)
           for key, value in timings.items()}
    return {"articles": len(texts), "corpus": maker.name, "languages": dict(languages),
            "ms_per_article": per, "total_ms_per_article": round(sum(per.values()), 2),
            "vector_candidates_per_article": round(candidates / len(probes), 2),
            "links_per_article_from_them": round(confirmed / len(probes), 2),
            "db_bytes_per_vector": 512 + 32}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The semantic channel for copies: quality, index speed, cost.")
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--clough", action="store_true")
    parser.add_argument("--paraphrase", action="store_true")
    parser.add_argument("--index", action="store_true")
    parser.add_argument("--cost", type=int, default=0, metavar="N")
    parser.add_argument("--corpus", type=Path, help="for --cost: a JSON Lines corpus already made")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"error: {args.shared}: no corpus here; pass --shared PATH", file=sys.stderr)
        return 2
    results: dict[str, Any] = {}
    if args.clough:
        results["clough-stevenson"] = clough(args.shared)
    if args.paraphrase:
        results["paraphrase set"] = paraphrase_set(args.shared)
    if args.index:
        results["vector index"] = index_speed()
    if args.cost:
        with tempfile.TemporaryDirectory() as tmp:
            results[f"cost at {args.cost}"] = cost(args.shared, args.cost, Path(tmp), args.corpus)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        for name, value in results.items():
            print(f"{name}:", json.dumps(value, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
