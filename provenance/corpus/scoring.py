"""Reliability score of each source (domain), from what its audits found.

``score_sources(stats, registry)`` is a pure function: the store counts, this
module weighs. For a source with ``n`` audited articles:

1. **Findings.** Only findings charged to the source count (see
   ``FindingsStore.source_stats``: what the article's own text carries, and the page
   around it when the source is the domain that served it), one per block of the page
   however many rules flag it, none that a reviewer dismissed. An article's findings
   add up, ``1.0`` an error, ``0.4`` a warning and ``0.1`` an info, to at most 1, so
   an AI-written, undated page presenting an old story as new (three warnings, 1.0)
   weighs as much as a block of injected links (one error)::

       article_penalty = min(1, 1.0 * errors + 0.4 * warnings + 0.1 * infos)
       flag_penalty = sum(article_penalty) / n

   Without per-article findings, each flagged article counts once at its worst flag.

2. **Disagreements.** Factual disagreements of its articles with other copies
   of the same story, per article, capped at 1::

       disagreement_penalty = 0.5 * min(1, disagreements / n)

3. **Audit quality**, from 0 to 1::

       quality = max(0, 1 - flag_penalty - disagreement_penalty)

4. **Prior.** The registry's prior ``p`` for the domain (or the name), else a
   neutral 0.5. It weighs as much as ``PRIOR_WEIGHT`` (5) audited articles::

       blended = (PRIOR_WEIGHT * p + n * quality) / (PRIOR_WEIGHT + n)

5. **Originality.** Of the source's articles found in a story with others,
   ``originated`` were the story's origin and ``copied`` derived from
   another. Originating earns up to 5 points, copying costs up to 5::

       originality = (originated - copied) / (originated + copied)    (0 when neither)
       score = 100 * clamp(blended + 0.05 * originality, 0, 1)

A source with no audited article scores ``100 * p``. Every term is kept in
``reasons`` so that a score can be explained and recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..rules.registry import Registry, SourceEntry

__all__ = [
    "PRIOR_WEIGHT",
    "SEVERITY_WEIGHTS",
    "SourceScore",
    "SourceStats",
    "describe_score",
    "explain_score",
    "score_sources",
]

PRIOR_WEIGHT = 5.0
NEUTRAL_PRIOR = 0.5
SEVERITY_WEIGHTS = {"error": 1.0, "warning": 0.4, "info": 0.1}
DISAGREEMENT_WEIGHT = 0.5
ORIGINALITY_WEIGHT = 0.05

Reason = float | int | str | None


@dataclass(frozen=True, slots=True)
class SourceStats:
    """What the audits found for one source. ``flagged_*`` count articles at their worst flag."""

    key: str
    domain: str | None
    name: str | None
    articles: int
    flagged_error: int = 0
    flagged_warning: int = 0
    flagged_info: int = 0
    disagreements: int = 0
    originated: int = 0
    copied: int = 0
    #: Findings in the page around an article served by an unknown host: charged to no one.
    uncharged: int = 0
    #: The findings charged to its articles, by severity.
    findings_error: int = 0
    findings_warning: int = 0
    findings_info: int = 0
    #: The sum of its articles' penalties (each min(1, findings weighed by SEVERITY_WEIGHTS)); None: weigh each flagged article at its worst flag.
    penalty: float | None = None


@dataclass(frozen=True, slots=True)
class SourceScore:
    """A source's score from 0 (worst) to 100, with the registry's view and every term."""

    key: str
    score: float
    kind: str | None
    registry_name: str | None
    prior: float | None
    reasons: dict[str, Reason] = field(default_factory=dict)


def score_sources(stats: Sequence[SourceStats], registry: Registry) -> list[SourceScore]:
    """Score every source, worst first (ties by key)."""
    scores = [_score(item, _entry(item, registry)) for item in stats]
    return sorted(scores, key=lambda s: (s.score, s.key))


def _entry(stats: SourceStats, registry: Registry) -> SourceEntry | None:
    entry = registry.for_domain(stats.domain)
    if entry is None and stats.name:
        entry = registry.for_name(stats.name)
    if entry is None and stats.key.startswith("name:"):
        entry = registry.for_name(stats.key[5:])
    return entry


def _score(stats: SourceStats, entry: SourceEntry | None) -> SourceScore:
    n = max(0, stats.articles)
    prior = entry.prior if entry is not None else None
    p = prior if prior is not None else NEUTRAL_PRIOR
    shares = {sev: (count / n if n else 0.0) for sev, count in _flag_counts(stats).items()}
    if stats.penalty is not None:
        flag_penalty = min(1.0, stats.penalty / n) if n else 0.0
    else:
        flag_penalty = sum(SEVERITY_WEIGHTS[sev] * share for sev, share in shares.items())
    disagreement_rate = min(1.0, stats.disagreements / n) if n else 0.0
    disagreement_penalty = DISAGREEMENT_WEIGHT * disagreement_rate
    quality = max(0.0, 1.0 - flag_penalty - disagreement_penalty)
    blended = (PRIOR_WEIGHT * p + n * quality) / (PRIOR_WEIGHT + n)
    in_stories = stats.originated + stats.copied
    originality = (stats.originated - stats.copied) / in_stories if in_stories else 0.0
    score = round(100.0 * min(1.0, max(0.0, blended + ORIGINALITY_WEIGHT * originality)), 1)
    reasons: dict[str, Reason] = {
        "articles": n,
        "prior": p,
        "prior_source": entry.prior_source if entry is not None and prior is not None else None,
        "prior_weight": PRIOR_WEIGHT,
        "error_share": round(shares["error"], 4),
        "warning_share": round(shares["warning"], 4),
        "info_share": round(shares["info"], 4),
        "findings_error": stats.findings_error,
        "findings_warning": stats.findings_warning,
        "findings_info": stats.findings_info,
        "uncharged": stats.uncharged,
        "flag_penalty": round(flag_penalty, 4),
        "disagreements": stats.disagreements,
        "disagreement_penalty": round(disagreement_penalty, 4),
        "audit_quality": round(quality, 4),
        "originated": stats.originated,
        "copied": stats.copied,
        "originality": round(originality, 4),
        "originality_term": round(ORIGINALITY_WEIGHT * originality, 4),
        "score": score,
    }
    return SourceScore(
        key=stats.key,
        score=score,
        kind=entry.kind if entry is not None else None,
        registry_name=entry.name if entry is not None else None,
        prior=prior,
        reasons=reasons,
    )


def _flag_counts(stats: SourceStats) -> dict[str, int]:
    return {"error": stats.flagged_error, "warning": stats.flagged_warning, "info": stats.flagged_info}


def describe_score(score: SourceScore) -> str:
    """The reasons of a score in one line, for ``provenance sources``."""
    r = score.reasons
    n = int(r.get("articles") or 0)
    parts = []
    if score.prior is not None:
        parts.append(f"prior {score.prior:.2f} ({r.get('prior_source')})")
    else:
        parts.append("no prior (neutral 0.50)")
    flagged = [
        f"{round(float(r.get(f'{sev}_share') or 0) * n)} at {sev}"
        for sev in ("error", "warning", "info")
        if r.get(f"{sev}_share")
    ]
    parts.append(f"{n} article{'s' if n != 1 else ''}" + (f": {', '.join(flagged)}" if flagged else ", none flagged"))
    found = [f"{r[f'findings_{sev}']} {sev}" for sev in SEVERITY_WEIGHTS if r.get(f"findings_{sev}")]
    if found:
        parts.append("findings charged: " + ", ".join(found))
    if r.get("uncharged"):
        parts.append(f"{r['uncharged']} finding(s) in pages of an unknown host not charged")
    if r.get("disagreements"):
        parts.append(f"{r['disagreements']} disagreement(s) with other copies")
    if r.get("originated") or r.get("copied"):
        parts.append(f"originated {r['originated']}, copied {r['copied']}")
    return "; ".join(parts)


def explain_score(reasons: dict[str, Reason]) -> list[tuple[str, str]]:
    """Each term of a score, in plain words: (term, what it means for this source)."""
    r = reasons
    n = int(r.get("articles") or 0)
    found = ", ".join(f"{r[f'findings_{sev}']} {sev}" for sev in SEVERITY_WEIGHTS if r.get(f"findings_{sev}")) or "none"
    lines = [
        ("starting point", f"prior {float(r.get('prior') or 0):.2f}"
         + (f" from {r['prior_source']}" if r.get("prior_source") else " (neutral: not in the registry)")
         + f", weighing as much as {float(r.get('prior_weight') or PRIOR_WEIGHT):g} audited articles"),
        ("findings", f"{n} article(s) audited; findings charged to it: {found}; "
         f"costing {float(r.get('flag_penalty') or 0):.2f} of 1 per article (1.0 an error, 0.4 a warning, "
         "0.1 an info, one per block of the page, at most 1 per article)"),
    ]
    if r.get("uncharged"):
        lines.append(("not charged", f"{r['uncharged']} finding(s) in the page around its text (spam blocks, "
                      "navigation) of pages whose host is unknown: they tell about that host, not this outlet"))
    lines += [
        ("disagreements", f"{r.get('disagreements') or 0} factual disagreement(s) with other copies, costing "
         f"{float(r.get('disagreement_penalty') or 0):.2f}"),
        ("audit quality", f"{float(r.get('audit_quality') or 0):.2f} of 1, blended with the prior"),
        ("originality", f"originated {r.get('originated') or 0} and copied {r.get('copied') or 0} story article(s): "
         f"{float(r.get('originality_term') or 0) * 100:+.1f} points"),
        ("score", f"{r.get('score')} of 100"),
    ]
    return lines
