"""Who published it first: origin, dates and domains on generated copy families with the hard cases.

Built from the true bodies of the Zyte corpus like ``copies_families.py``, but
as HTML pages audited as files (no URL given: the domain must come from the
page), with the phenomena that decide an origin in practice:

* ``origin``: the original, dated in its markup (``article:published_time``),
  or, in every third family, only by a visible date line, written month first
  ("March 4, 2024") or day first ("4 March 2024");
* ``reprint``: the same text in other boilerplate, dated later;
* ``backdated``: a scraper copy dated *before* the original, crediting it
  ("This article was originally published by <outlet>");
* ``undated``: a copy with no date at all, crediting the original ("Source: <outlet>");
* ``canonical``: an undated copy whose canonical link is the original's URL
  (its ``og:url`` is its own);
* ``rewrite``: a light rewrite, dated later, crediting nothing;
* ``orphan``: families whose original is not audited; every copy credits it
  ("Source: <outlet>"), and the story's origin must be ``unseen: <outlet>``.

Printed: origin accuracy per role (origin: the story's origin is the original;
a copy: its primary source is the original, or for an orphan the story names
the credited outlet), orphan families, dates (the day stated on the page, where
it states one) and domains.

Usage::

    python benchmarks/origin_families.py [--shared PATH] [--json]
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from copies_families import NAV, _paragraphs, _rewrite, default_shared, distinct, load_bodies  # noqa: E402

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def _page(paragraphs: list[str], *, title: str, site: str, own_url: str, canonical: str | None, published: str | None,
          visible: str | None, notes: list[str], rng: random.Random) -> str:
    head = [f"<title>{html.escape(title)}</title>", f'<meta property="og:site_name" content="{html.escape(site)}">',
            f'<meta property="og:url" content="{own_url}">']
    if canonical:
        head.append(f'<link rel="canonical" href="{canonical}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in rng.sample(NAV, 4))
    dateline = f'<p class="date">{visible}</p>' if visible else ""
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    extra = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in notes)
    return (f"<!doctype html><html lang=\"en\"><head>{''.join(head)}</head><body><header><a class=\"logo\" "
            f"href=\"{own_url.split('/2024')[0]}/\">{html.escape(site)}</a><ul>{nav}</ul></header><main><article>"
            f"<h1>{html.escape(title)}</h1>{dateline}{body}{extra}</article></main><footer><p>Copyright 2024 "
            f"{html.escape(site)}. All rights reserved.</p></footer></body></html>")


def make_pages(bodies: list[str], seed: int = 13) -> list[dict[str, Any]]:
    from provenance.article.credits import find_credits

    rng = random.Random(seed)
    # Bodies that credit a source of their own (an AP story) would have that outlet as their true origin.
    shuffled = [b for b in bodies if not find_credits("\n".join(_paragraphs(b)[:2] + _paragraphs(b)[-4:]))]
    rng.shuffle(shuffled)
    pages: list[dict[str, Any]] = []
    for f, body in enumerate(shuffled):
        paragraphs = _paragraphs(body)
        if len(paragraphs) < 3:
            continue
        orphan = f % 4 == 3
        day = 3 + f % 20
        title = f"Story {f}: " + " ".join(paragraphs[0].split()[:6])
        origin_site, origin_domain = f"Origin Herald {f}", f"originherald{f}.com"
        origin_url = f"https://www.{origin_domain}/2024/03/{day:02d}/story-{f}"
        roles = ["reprint", "backdated", "undated", "canonical", "rewrite"] if not orphan else ["reprint", "undated", "rewrite"]
        if not orphan:
            visible = None
            if f % 3 == 1:
                visible = f"{MONTHS[2]} {day}, 2024"
            elif f % 3 == 2:
                visible = f"{day} {MONTHS[2]} 2024"
            published = None if visible else f"2024-03-{day:02d}T09:00:00-05:00"
            pages.append({"family": f, "role": "origin", "domain": origin_domain, "date": f"2024-03-{day:02d}",
                          "html": _page(paragraphs, title=title, site=origin_site, own_url=origin_url,
                                        canonical=origin_url, published=published, visible=visible, notes=[], rng=rng)})
        for k, role in enumerate(roles):
            site, domain = f"Copy Desk {f}-{k}", f"copydesk{f}x{k}.net"
            own = f"https://{domain}/2024/story-{f}"
            text = _rewrite(paragraphs, rng) if role == "rewrite" else paragraphs
            date: str | None = f"2024-03-{day + 1 + k % 2:02d}"
            canonical: str | None = own
            notes: list[str] = []
            credit = origin_site if not orphan else f"Lost Ledger {f}"
            if role == "backdated":
                date = f"2024-03-{day - 2:02d}"
                notes = [f"This article was originally published by {credit}."]
            elif role == "undated" or (orphan and role != "rewrite"):
                date = None if role == "undated" else date
                notes = [f"Source: {credit}"]
            elif role == "canonical":
                date, canonical = None, origin_url
            elif orphan:
                notes = [f"Source: {credit}"]
            pages.append({"family": f, "role": "orphan-" + role if orphan else role, "domain": domain, "date": date,
                          "credit": credit if orphan else None,
                          "html": _page(text, title=title, site=site, own_url=own, canonical=canonical,
                                        published=f"{date}T10:00:00+00:00" if date else None, visible=None,
                                        notes=notes, rng=rng)})
    return pages


def evaluate(shared: Path, workdir: Path) -> dict[str, Any]:
    bodies, _ = distinct(load_bodies(shared))
    pages = make_pages(bodies)
    folder = workdir / "pages"
    folder.mkdir()
    for i, page in enumerate(pages):
        page["file"] = f"p{i:04d}.html"
        (folder / page["file"]).write_text(page["html"], encoding="utf-8")
    db = workdir / "origin.db"
    exe = str(Path(sys.executable).with_name("provenance"))
    subprocess.run([exe, "audit", str(folder), "--db", str(db), "-q"], stdout=subprocess.DEVNULL, check=False)
    conn = sqlite3.connect(db)
    rows = {Path(r[1]).name: r for r in conn.execute("SELECT id, location, domain, published, story_id FROM articles")}
    origins = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, origin_id, origin_unseen FROM stories")}
    primary = {r[0]: r[1] for r in conn.execute("SELECT article_id, source_id FROM copies WHERE is_primary = 1")}
    by_family: dict[int, dict[str, Any]] = defaultdict(dict)
    for page in pages:
        by_family[page["family"]][page["role"]] = page
    per_role: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    orphans = [0, 0]
    dates = [0, 0]
    domains = [0, 0]
    for page in pages:
        row = rows.get(page["file"])
        score = per_role[page["role"]]
        score[1] += 1
        if row is None:
            continue
        article_id, _loc, domain, published, story = row
        domains[0] += domain == page["domain"]
        domains[1] += 1
        if page["date"]:
            dates[0] += (published or "")[:10] == page["date"]
            dates[1] += 1
        origin = by_family[page["family"]].get("origin")
        origin_id = rows[origin["file"]][0] if origin and origin["file"] in rows else None
        story_origin, unseen = origins.get(story, (None, None)) if story is not None else (None, None)
        if page["role"] == "origin":
            score[0] += story_origin == article_id
        elif page["role"].startswith("orphan-"):
            score[0] += unseen == page["credit"]
        else:
            score[0] += primary.get(article_id) == origin_id and story_origin == origin_id
    for family in by_family.values():
        if "origin" not in family:
            orphans[1] += 1
            stories = {rows[p["file"]][4] for p in family.values() if p["file"] in rows}
            orphans[0] += all(s is not None and origins.get(s, (None, None))[1] == p["credit"]
                              for s in stories for p in list(family.values())[:1])
    total = [sum(v[0] for v in per_role.values()), sum(v[1] for v in per_role.values())]
    return {
        "pages": len(pages), "families": len(by_family),
        "origin_accuracy": round(total[0] / max(1, total[1]), 4),
        "origin_by_role": {k: f"{v[0]}/{v[1]} = {v[0] / max(1, v[1]):.3f}" for k, v in sorted(per_role.items())},
        "orphan_families": round(orphans[0] / max(1, orphans[1]), 4),
        "dates": round(dates[0] / max(1, dates[1]), 4), "domains": round(domains[0] / max(1, domains[1]), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Origin, dates and domains on copy families with hard cases.")
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"error: {args.shared}: no corpus here; pass --shared PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(args.shared, Path(tmp))
    print(json.dumps(result, indent=1) if args.json else "\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
