"""Source scores on the five seed pages (and the bundled examples): charged findings against raw flags.

Audits ``shared/seeds/*.txt`` and ``examples/`` into a temporary database with the real pipeline,
then prints each source's score as the audit computes it (findings charged to the serving domain,
one per block of the page, an article's findings added up) next to the score the earlier formula
gave from the same flags (every flag charged to the article's outlet, each article counted once at
its worst flag), and checks the order a standards editor expects: the AI-written, undated
republication of an old story (Budapest Post, Meridian Digest) does not score above the pages whose
spam came from an unknown host (China Daily, Eastwire-news.com).

Usage::

    python benchmarks/scores_seeds.py [--shared PATH]

Exit status 0 when the order holds, 1 when it does not, 2 when the seeds are missing.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from provenance.corpus.scoring import SourceStats, score_sources  # noqa: E402
from provenance.engines.local import audit  # noqa: E402
from provenance.rules.engine import load_rules  # noqa: E402
from provenance.store.sqlite import AuditStore  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# The source statistics of the earlier formula: every flag of an article charged to its outlet.
_RAW_STATS = """WITH worst AS (
    SELECT article_id, min(CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END) AS rank
    FROM flags GROUP BY article_id)
SELECT s.key, s.domain, s.name, count(a.id), sum(w.rank = 0), sum(w.rank = 1), sum(w.rank = 2),
       (SELECT count(*) FROM disagreements d JOIN articles x ON x.id IN (d.article_id, d.other_article_id)
         WHERE x.source_id = s.id AND d.status = 'disagreement'),
       (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.source_id WHERE x.source_id = s.id AND c.is_primary = 1),
       (SELECT count(*) FROM copies c JOIN articles x ON x.id = c.article_id WHERE x.source_id = s.id AND c.is_primary = 1)
FROM sources s LEFT JOIN articles a ON a.source_id = s.id LEFT JOIN worst w ON w.article_id = a.id GROUP BY s.id"""

PAIRS = [("Budapest Post", "China Daily"), ("Meridian Digest", "Eastwire-news.com")]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    seeds = args.shared / "seeds"
    if not seeds.is_dir():
        print(f"error: {seeds}: no seed pages here; give --shared", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        store = AuditStore.open(Path(tmp) / "audit.db")
        for _ in audit([str(seeds), str(ROOT / "examples")], store):
            pass
        store.close()
        conn = sqlite3.connect(Path(tmp) / "audit.db")
        now = {name: (score, reasons) for name, score, reasons in
               conn.execute("SELECT coalesce(registry_name, name, key), score, score_reasons FROM sources")}
        raw = [SourceStats(*(v or 0 if i > 2 else v for i, v in enumerate(row))) for row in conn.execute(_RAW_STATS)]
        conn.close()
    registry = load_rules().registry
    before = {(s.registry_name or next(r.name or r.key for r in raw if r.key == s.key)): s.score
              for s in score_sources(raw, registry)}
    print(f"{'source':<28} {'before':>7} {'after':>7}")
    for name, (score, _) in sorted(now.items(), key=lambda item: item[1][0]):
        print(f"{name:<28} {before.get(name, float('nan')):7.1f} {score:7.1f}")
    ok = True
    for low, high in PAIRS:
        if low in now and high in now:
            holds = now[low][0] <= now[high][0]
            ok &= holds
            print(f"{low} ({now[low][0]}) <= {high} ({now[high][0]}): {'yes' if holds else 'NO'}"
                  f"  (before: {before.get(low)} vs {before.get(high)})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
