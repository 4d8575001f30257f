"""Precision and recall of the ai-disclosure, attribution and seo-spam rules on real statements.

The statements are ``benchmarks/data/statements/*.jsonl``: real AI disclosures, attribution
problems and SEO-spam blocks seen on public pages and in public repositories, and real hard
negatives (news about AI, correct credits, reports about impostor sites, navigation lists...).
Each has a ``split``: the rules were written on ``train`` only; ``test`` is the held-out third.

Each statement is placed in a realistic page: a neutral invented news article (title, byline,
date, four to six paragraphs, related links and a copyright footer) with the statement as a
paragraph after the body, served from the address the statement was seen at (its ``seen_at`` URL,
else an invented news site). A statement that is a bare domain (an impostor site) is a neutral
article served from that domain. Each page is read twice, as a text dump and as HTML (lines
of a block kept apart by ``<br>``). A positive counts as found when its category's rules flag
it in both readings; a negative counts as a false positive of a category when that category's
rules flag it in either. A neutral page with no statement is read for every record as well, so
that a flag the article itself raises would show.

``--zyte`` also audits the 181 real Zyte pages (``shared/corpus/extraction-zyte``) with their
true URLs and lists every flag of the three categories; ``--htmldate`` does the same on the 799
real pages of the dates corpus (``shared/corpus/dates-htmldate``: news sites, blogs and
organisations in English and German), a larger sample of ordinary pages on which most flags are
false (a betting section in a news site's menu, a name declined in German, an outlet whose domain
is one letter from another's).

``--rated-domains`` serves the neutral article from each of the 11,520 domains rated by Lin et
al. (2023) (``shared/reference/domain_pc1.csv``) and lists the impostor-domain flags with each
domain's quality score. The list holds real outlets (whose flags are false, unless a clone made the
list) and, among its low scores, known fakes (``cbsnews.com.co``). The article calls itself by an
invented name, so a real outlet that calls itself by its own name on its pages (which exempts it)
is flagged here: a ceiling on the false flags, not a measure of them.

Usage::

    python benchmarks/rules_real.py [--json] [--show-misses] [--zyte] [--htmldate] [--rated-domains]
                                    [--collection N] [--data FOLDER] [--split train|test] [--shared PATH]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from provenance.article.extract import extract_article
from provenance.errors import ExtractError
from provenance.models import Document, Metadata
from provenance.rules.engine import RuleContext, RuleSet, apply_rules, load_rules

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_pages import NOW, SITES, base, render_html, render_text  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "statements"
CATEGORIES = ("ai-disclosure", "attribution", "seo-spam")
FILES = {"ai-disclosure": "ai_disclosure.jsonl", "attribution": "attribution.jsonl", "seo-spam": "seo_spam.jsonl"}
SPLITS = ("train", "test")
_DOMAIN_ONLY = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.IGNORECASE)  # host names are case-insensitive ("NYTimes.com.co")
_SITE_URL = re.compile(r"^https?://|/$", re.IGNORECASE)  # "http://www.ukrinform.info/" is the site www.ukrinform.info
_BR = "\u2028"  # stands for a line break inside one paragraph until the HTML is rendered


@dataclass(frozen=True)
class Record:
    id: str
    category: str  # the category it is a positive of, or "negative"
    text: str
    split: str
    seen_at: str
    negative_for: str | None = None
    collection: int = 1  # 1: the first gathering; each later one was measured before any rule saw it


@dataclass
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)
    false_flags: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_records(folder: Path = DATA) -> list[Record]:
    records = []
    for category, name in [*FILES.items(), ("negative", "negatives.jsonl")]:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                records.append(
                    Record(item["id"], category, item["text"], item["split"], item["seen_at"],
                           item.get("hard_negative_for"), item.get("collection", 1))
                )
    return records


def _site(text: str) -> str | None:
    """The host of a statement that is only a site: a bare domain, or a URL with nothing after the host."""
    bare = _SITE_URL.sub("", text.strip())
    return bare.lower() if _DOMAIN_ONLY.match(bare) else None


def _url(record: Record, rng: random.Random, site_domain: str) -> str:
    site = _site(record.text)
    if site is not None:
        return f"https://{site}/politik/2024/05/article-{rng.randint(1000, 9999)}.html"
    if record.seen_at.startswith(("http://", "https://")):
        return record.seen_at
    return f"https://www.{site_domain}/news/2025/article-{rng.randint(1000, 9999)}.html"


def pages_for(record: Record | None, seed: str) -> list[Document]:
    """The statement in a neutral article, as a text dump and as HTML (None: the article alone)."""
    rng = random.Random(seed)
    layout = base(rng)
    url = f"https://www.{layout.site[1]}/news/2025/article-{rng.randint(1000, 9999)}.html"
    if record is not None:
        url = _url(record, rng, layout.site[1])
        if _site(record.text) is None:
            layout.after_body.append(record.text.strip().replace("\r", ""))
    text = render_text(rng, layout)
    layout.after_body = [p.replace("\n", _BR) for p in layout.after_body]
    page_html = render_html(layout).replace(html.escape(_BR), "<br>\n").replace(_BR, "<br>\n")
    hints = Metadata(url=url)
    return [
        Document(f"{seed}.txt", "text", text, "0" * 64, hints),
        Document(f"{seed}.html", "html", page_html, "0" * 64, hints),
    ]


def flags(document: Document, rules: RuleSet) -> list[tuple[str, str, str]]:
    """(category, rule id, matched) of every finding of the three categories."""
    article = extract_article(document)
    findings = apply_rules(article, rules, RuleContext(now=NOW))
    return [(f.category, f.rule_id, " ".join(f.matched.split())[:90]) for f in findings if f.category in CATEGORIES]


def evaluate(records: list[Record], rules: RuleSet) -> tuple[dict[tuple[str, str], Tally], list[str]]:
    tallies = {(c, s): Tally() for c in CATEGORIES for s in SPLITS}
    neutral_flags: list[str] = []
    for record in records:
        readings = [flags(doc, rules) for doc in pages_for(record, record.id)]
        for found in (flags(doc, rules) for doc in pages_for(None, record.id)):
            neutral_flags += [f"{record.id} (article alone): {c} {r} {m!r}" for c, r, m in found]
        for category in CATEGORIES:
            tally = tallies[(category, record.split)]
            per_reading = [{c for c, _, _ in found} for found in readings]
            if record.category == category:
                if all(category in cats for cats in per_reading):
                    tally.tp += 1
                else:
                    tally.fn += 1
                    tally.misses.append(record.id if record.split == "test" else f"{record.id}: {record.text[:100]!r}")
            elif record.category == "negative":
                hit = [f"{r} {m!r}" for found in readings for c, r, m in found if c == category]
                if hit:
                    tally.fp += 1
                    shown = "" if record.split == "test" else f": {hit[0]}"
                    tally.false_flags.append(f"{record.id} ({record.negative_for}){shown}")
                else:
                    tally.tn += 1
    return tallies, neutral_flags


def zyte_flags(shared: Path, rules: RuleSet) -> tuple[int, list[str]]:
    corpus = shared / "corpus" / "extraction-zyte"
    urls = _urls(corpus / "ground_truth.jsonl", "id")
    return _page_flags(corpus, lambda path: path.name.split(".")[0], urls, rules, tolerate=())


def htmldate_flags(shared: Path, rules: RuleSet) -> tuple[int, list[str]]:
    corpus = shared / "corpus" / "dates-htmldate"
    urls = _urls(corpus / "truth.jsonl", "file")
    # a page with no article text (a blog's front page) has nothing to flag
    return _page_flags(corpus, lambda path: path.name, urls, rules, tolerate=(ExtractError,))


def rated_domain_flags(shared: Path, rules: RuleSet) -> tuple[int, list[str]]:
    """The impostor-domain flags on a neutral article served from each rated domain, with its score."""
    import csv

    rows = list(csv.DictReader((shared / "reference" / "domain_pc1.csv").open(encoding="utf-8")))
    listed = []
    for row in rows:
        rng = random.Random(row["domain"])
        # the neutral article of the statements, as a text dump: its invented masthead names no rated site
        doc = Document(row["domain"], "text", render_text(rng, base(rng)), "0" * 64,
                       Metadata(url=f"https://{row['domain']}/news/2025/article-1000.html"))
        for category, rule_id, matched in flags(doc, rules):
            if rule_id == "attribution-impostor-domain":
                listed.append(f"{float(row['pc1']):.2f} {row['domain']}: {matched!r}")
    return len(rows), sorted(listed, reverse=True)


def _urls(truth: Path, key: str) -> dict[str, str]:
    urls = {}
    for line in truth.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        urls[item[key]] = item["url"]
    return urls


def _page_flags(
    corpus: Path, key_of: Callable[[Path], str], urls: dict[str, str], rules: RuleSet,
    tolerate: tuple[type[Exception], ...],
) -> tuple[int, list[str]]:
    """Every flag of the three categories on a corpus's pages (``html/*.html.gz``), each with its page."""
    listed = []
    paths = sorted((corpus / "html").glob("*.html.gz"))
    for path in paths:
        key = key_of(path)
        content = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        doc = Document(str(path), "html", content, "0" * 64, Metadata(url=urls.get(key)))
        try:
            found = flags(doc, rules)
        except tolerate:
            continue
        for category, rule_id, matched in found:
            listed.append(f"{key[:12]} {urls.get(key, '')}\n    {category} {rule_id}: {matched!r}")
    return len(paths), listed


def render(tallies: dict[tuple[str, str], Tally], neutral: list[str], show_misses: bool) -> str:
    lines = ["category        |  train: P      R      (tp fn fp) |  test: P      R      (tp fn fp)"]
    for category in CATEGORIES:
        cells = []
        for split in SPLITS:
            t = tallies[(category, split)]
            cells.append(f"{t.precision:6.3f} {t.recall:6.3f} ({t.tp:3d} {t.fn:2d} {t.fp:2d})")
        lines.append(f"{category:15} |  train: {cells[0]} |  test: {cells[1]}")
    lines.append(f"flags on the neutral articles alone: {len(neutral)}")
    lines += ["  " + n for n in neutral[:20]]
    if show_misses:
        for (category, split), t in tallies.items():
            for miss in t.misses:
                lines.append(f"MISS {category} [{split}] {miss}")
            for flag in t.false_flags:
                lines.append(f"FALSE {category} [{split}] {flag}")
    return "\n".join(lines)


#: The sets of real pages a run may add: (option, where under --shared, what it is, its measure).
_PAGE_SETS: tuple[tuple[str, Path, str, Callable[[Path, RuleSet], tuple[int, list[str]]]], ...] = (
    ("zyte", Path("corpus") / "extraction-zyte", "Zyte corpus", zyte_flags),
    ("htmldate", Path("corpus") / "dates-htmldate", "dates corpus", htmldate_flags),
    ("rated_domains", Path("reference") / "domain_pc1.csv", "rated domains", rated_domain_flags),
)
_PAGE_SET_NAMES = {"zyte": "Zyte", "htmldate": "Dates corpus"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-misses", action="store_true", help="list missed statements and false flags")
    parser.add_argument("--split", choices=SPLITS, help="only this split (default: both)")
    parser.add_argument("--rated-domains", action="store_true", help="impostor flags on 11,520 rated news domains")
    parser.add_argument("--collection", type=int, help="only the records of this gathering (1 to 6)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the statement files")
    parser.add_argument("--zyte", action="store_true", help="also list every flag on the 181 real Zyte pages")
    parser.add_argument("--htmldate", action="store_true", help="also list every flag on the 799 real dates pages")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args(argv)
    rules = load_rules()
    records = [
        r for r in load_records(args.data)
        if (args.split is None or r.split == args.split) and (args.collection is None or r.collection == args.collection)
    ]
    tallies, neutral = evaluate(records, rules)
    found: dict[str, tuple[int, list[str]]] = {}
    for option, where, what, measure in _PAGE_SETS:
        if getattr(args, option):
            if not (args.shared / where).exists():
                print(f"error: no {what} under {args.shared}", file=sys.stderr)
                return 2
            found[option] = measure(args.shared, rules)
    if args.json:
        out: dict[str, object] = {
            f"{c}/{s}": {"precision": t.precision, "recall": t.recall, "tp": t.tp, "fn": t.fn, "fp": t.fp, "tn": t.tn}
            for (c, s), t in tallies.items()
        }
        out["neutral_flags"] = len(neutral)
        for option, (count, flagged) in found.items():
            out[option] = {"domains" if option == "rated_domains" else "pages": count, "flags": flagged}
        print(json.dumps(out, indent=2))
        return 0
    print(render(tallies, neutral, args.show_misses))
    for option, (count, flagged) in found.items():
        if option == "rated_domains":
            high = sum(1 for item in flagged if float(item.split()[0]) >= 0.5)
            print(f"\nRated domains: {count}, impostor flags: {len(flagged)} ({high} on domains scored 0.5 or more)")
        else:
            print(f"\n{_PAGE_SET_NAMES[option]} pages: {count}, flags of the three categories: {len(flagged)}")
        for item in flagged:
            print("  " + item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
