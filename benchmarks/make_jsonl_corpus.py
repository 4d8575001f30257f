"""Write a deterministic JSON Lines corpus of news articles for benchmarks.

Each record is ``{"url", "title", "byline", "published", "text"}``. The texts
come from the true article bodies of ``shared/corpus/extraction-zyte`` with
seeded variation, so that a run is reproducible and the corpus looks like a
news feed: most records are distinct rewrites (a subset of paragraphs,
sometimes reordered, a sentence dropped, a number changed, a dateline added),
some are exact syndicated copies of an earlier record, and some are copies
with one number changed. Every record has its own URL on one of 50 invented
domains.

Usage::

    python benchmarks/make_jsonl_corpus.py [--n 10000] [--out articles.jsonl] [--seed 1] [--shared PATH] [--json]

Pure Python and the standard library; the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GROUND_TRUTH = Path("corpus") / "extraction-zyte" / "ground_truth.jsonl"
DOMAIN_COUNT = 50
EXACT_COPY_RATE = 0.08
NUMBER_EDIT_COPY_RATE = 0.05

# fmt: off
_PLACES = (
    "ashcombe", "brindle", "corvale", "dunmere", "elmsworth", "fallowby", "glenhart", "harrowgate",
    "islemoor", "juniper", "kestrel", "larkfield", "marrow", "northwick", "oakhollow", "pellam",
    "quarry", "ravensend", "saltmarsh", "thornbury"
)
_OUTLETS = (
    "courier", "ledger", "dispatch", "gazette", "observer", "sentinel", "herald", "tribune", "bulletin",
    "chronicle", "monitor", "wire", "report", "post"
)
_TLDS = ("com", "net", "org", "news", "info")
_FIRST = (
    "Alex", "Bea", "Carmen", "Dara", "Elias", "Farah", "Gideon", "Hana", "Ivo", "Jana", "Kofi", "Lena",
    "Milo", "Nadia", "Oren", "Priya", "Quinn", "Rosa", "Sami", "Tova"
)
_LAST = (
    "Abbott", "Brennan", "Castell", "Delacroix", "Eriksen", "Fontaine", "Grady", "Holm", "Ibarra",
    "Jovanic", "Kessler", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov"
)
_CITIES = (
    "LONDON", "BRUSSELS", "WASHINGTON", "BEIJING", "MOSCOW", "NAIROBI", "SYDNEY", "BERLIN", "TOKYO",
    "OTTAWA", "MADRID", "DELHI"
)
# fmt: on
_EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"\b\d+\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Summary:
    out: str
    records: int
    distinct_texts: int
    exact_copies: int
    number_edited_copies: int
    domains: int
    bytes: int
    seed: int


# --- building records ------------------------------------------------------


def load_bodies(shared: Path) -> list[str]:
    bodies: list[str] = []
    with (shared / GROUND_TRUTH).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                body = (json.loads(line).get("body") or "").strip()
                if body:
                    bodies.append(body)
    return bodies


def invent_domains(rng: random.Random, count: int = DOMAIN_COUNT) -> list[str]:
    names = sorted({f"{p}-{o}" for p in _PLACES for o in _OUTLETS})
    chosen = rng.sample(names, count)
    return [f"{name}.{rng.choice(_TLDS)}" for name in chosen]


def paragraphs(body: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", body)]
    return [p for p in parts if p]


def pick_paragraphs(rng: random.Random, paras: list[str]) -> list[str]:
    """A random subset (at least half) in page order, sometimes partly reordered."""
    if len(paras) <= 2:
        return list(paras)
    keep = rng.randint((len(paras) + 1) // 2, len(paras))
    chosen = [paras[i] for i in sorted(rng.sample(range(len(paras)), keep))]
    if rng.random() < 0.3:
        head, tail = chosen[:1], chosen[1:]
        rng.shuffle(tail)
        chosen = head + tail
    return chosen


def drop_sentence(rng: random.Random, paras: list[str]) -> list[str]:
    candidates = [i for i, p in enumerate(paras) if len(_SENTENCE_END.split(p)) > 1]
    if not candidates:
        return paras
    index = rng.choice(candidates)
    sentences = _SENTENCE_END.split(paras[index])
    del sentences[rng.randrange(len(sentences))]
    return paras[:index] + [" ".join(sentences)] + paras[index + 1 :]


def change_number(rng: random.Random, text: str) -> str:
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return text
    found = rng.choice(numbers)
    value = int(found.group())
    changed = max(0, value + rng.choice((-1, 1)) * max(1, value // rng.randint(3, 10)))
    if changed == value:
        changed = value + 1
    return text[: found.start()] + str(changed) + text[found.end() :]


def dateline(rng: random.Random, when: datetime, domain: str) -> str:
    outlet = domain.split(".")[0].replace("-", " ").title()
    return f"{rng.choice(_CITIES)}, {when:%B} {when.day} ({outlet}) - "


def rewrite(rng: random.Random, body: str, when: datetime, domain: str) -> str:
    paras = pick_paragraphs(rng, paragraphs(body))
    if rng.random() < 0.5:
        paras = drop_sentence(rng, paras)
    text = "\n\n".join(paras)
    if rng.random() < 0.5:
        text = change_number(rng, text)
    if rng.random() < 0.6:
        text = dateline(rng, when, domain) + text
    return text


def title_of(text: str, limit: int = 90) -> str:
    """The first words of the text (without a dateline), at most ``limit`` characters."""
    first = re.sub(r"^[A-Z]+, \w+ \d+ \([^)]*\) - ", "", text).split("\n", 1)[0]
    words = " ".join(first.split()[:12])
    if len(words) > limit:
        cut = words[:limit]
        words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return words.rstrip(".,;:") or "Untitled"


def slug(title: str) -> str:
    return "-".join(_SLUG_WORD.findall(title.lower())[:8]) or "story"


def published_at(rng: random.Random) -> datetime:
    return _EPOCH + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60))


def make_record(number: int, domain: str, text: str, title: str, byline: str, when: datetime) -> dict[str, str]:
    url = f"https://www.{domain}/{when:%Y/%m/%d}/{slug(title)}-{number:06d}"
    published = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"url": url, "title": title, "byline": byline, "published": published, "text": text}


def generate(bodies: list[str], n: int, seed: int) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``(origin, record)``, where origin is ``new``, ``copy`` or ``edited-copy``."""
    rng = random.Random(seed)
    domains = invent_domains(rng)
    earlier: list[dict[str, str]] = []
    for number in range(1, n + 1):
        domain = rng.choice(domains)
        when = published_at(rng)
        byline = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        roll = rng.random()
        if earlier and roll < EXACT_COPY_RATE + NUMBER_EDIT_COPY_RATE:
            source = rng.choice(earlier)
            is_exact = roll < EXACT_COPY_RATE
            text = source["text"] if is_exact else change_number(rng, source["text"])
            origin, title = ("copy" if is_exact else "edited-copy"), source["title"]
        else:
            text = rewrite(rng, rng.choice(bodies), when, domain)
            origin, title = "new", title_of(text)
        record = make_record(number, domain, text, title, byline, when)
        earlier.append(record)
        yield origin, record


def write_corpus(bodies: list[str], n: int, seed: int, out: Path) -> Summary:
    digests: set[str] = set()
    origins: dict[str, int] = {"new": 0, "copy": 0, "edited-copy": 0}
    hosts: set[str] = set()
    size = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for origin, record in generate(bodies, n, seed):
            line = json.dumps(record, ensure_ascii=False) + "\n"
            handle.write(line)
            size += len(line.encode("utf-8"))
            origins[origin] += 1
            digests.add(hashlib.sha256(record["text"].encode("utf-8")).hexdigest())
            hosts.add(record["url"].split("/")[2])
    return Summary(str(out), n, len(digests), n - len(digests), origins["edited-copy"], len(hosts), size, seed)


# --- command line ----------------------------------------------------------


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2] / "shared"


def render(summary: Summary) -> str:
    return "\n".join(
        [
            f"wrote {summary.records} records to {summary.out} ({summary.bytes / 1e6:.1f} MB, seed {summary.seed})",
            (
                f"  distinct texts {summary.distinct_texts}   exact duplicates {summary.exact_copies}"
                f"   copies with a number changed {summary.number_edited_copies}   domains {summary.domains}"
            ),
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a deterministic JSON Lines news corpus.")
    parser.add_argument("--shared", type=Path, default=default_shared(), help="shared folder (default: %(default)s)")
    parser.add_argument("--n", type=int, default=10_000, help="number of records (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("articles.jsonl"), help="output file (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: %(default)s)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = args.shared / GROUND_TRUTH
    if not source.is_file():
        print(f"error: ground truth not found: {source} (give --shared PATH)", file=sys.stderr)
        return 2
    if args.n < 1:
        print(f"error: --n must be at least 1, got {args.n}", file=sys.stderr)
        return 2
    summary = write_corpus(load_bodies(args.shared), args.n, args.seed, args.out)
    print(json.dumps(asdict(summary), indent=2) if args.json else render(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
