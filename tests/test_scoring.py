from __future__ import annotations

import pytest

from provenance.rules.registry import Registry, SourceEntry
from provenance.corpus.scoring import PRIOR_WEIGHT, SourceStats, describe_score, score_sources

REGISTRY = Registry(
    (
        SourceEntry("Reuters", "wire-agency", ("reuters.com",), prior=0.9, prior_source="wikipedia-rsp-2021: generally reliable"),
        SourceEntry("Global Times", "state-media", ("globaltimes.cn",), prior=0.15, prior_source="wikipedia-rsp-2021: deprecated"),
        SourceEntry("Budapest Post", "aggregator"),
    )
)


def test_no_articles_scores_the_prior() -> None:
    scores = score_sources([SourceStats("reuters.com", "reuters.com", None, 0), SourceStats("x.example", "x.example", None, 0)], REGISTRY)
    by_key = {s.key: s for s in scores}
    assert by_key["reuters.com"].score == 90.0 and by_key["reuters.com"].registry_name == "Reuters"
    assert by_key["x.example"].score == 50.0 and by_key["x.example"].prior is None and by_key["x.example"].kind is None


def test_formula_by_hand() -> None:
    # 10 articles: 2 at error, 3 at warning, 1 at info; 2 disagreements; originated 1, copied 3; prior 0.15.
    stats = SourceStats("globaltimes.cn", "globaltimes.cn", "Global Times", 10, 2, 3, 1, 2, 1, 3)
    (score,) = score_sources([stats], REGISTRY)
    flag_penalty = 1.0 * 0.2 + 0.4 * 0.3 + 0.1 * 0.1
    quality = 1 - flag_penalty - 0.5 * 0.2
    blended = (PRIOR_WEIGHT * 0.15 + 10 * quality) / (PRIOR_WEIGHT + 10)
    expected = round(100 * (blended + 0.05 * (1 - 3) / 4), 1)
    assert score.score == expected
    assert score.reasons["flag_penalty"] == round(flag_penalty, 4)
    assert score.reasons["audit_quality"] == round(quality, 4)
    assert score.reasons["prior_source"] == "wikipedia-rsp-2021: deprecated"
    assert score.reasons["originality_term"] == -0.025
    assert score.kind == "state-media" and score.prior == 0.15


def test_worst_first_and_evidence_outweighs_the_prior() -> None:
    clean_unknown = SourceStats("harbour.example", "harbour.example", None, 40, originated=30, copied=2)
    spammy_reliable = SourceStats("reuters.com", "reuters.com", None, 40, flagged_error=30)
    mirror = SourceStats("mirror.example", "mirror.example", None, 5, flagged_warning=5, copied=5)
    scores = score_sources([clean_unknown, spammy_reliable, mirror], REGISTRY)
    assert [s.key for s in scores] == ["reuters.com", "mirror.example", "harbour.example"]
    assert scores[-1].score > 90 and scores[0].score < 40


@pytest.mark.parametrize(
    "stats",
    [
        SourceStats("a.example", "a.example", None, 3, flagged_error=3, disagreements=9, copied=3),
        SourceStats("b.example", "b.example", None, 3, originated=3),
    ],
)
def test_score_is_clamped(stats: SourceStats) -> None:
    (score,) = score_sources([stats], REGISTRY)
    assert 0.0 <= score.score <= 100.0


def test_lookup_by_name_key() -> None:
    (score,) = score_sources([SourceStats("name:budapest post", None, None, 2, flagged_warning=2)], REGISTRY)
    assert score.registry_name == "Budapest Post" and score.kind == "aggregator" and score.prior is None
    assert score.reasons["prior"] == 0.5 and score.reasons["prior_source"] is None


def test_describe_score() -> None:
    stats = SourceStats("globaltimes.cn", "globaltimes.cn", None, 4, flagged_error=1, flagged_info=2, disagreements=1, copied=2)
    (score,) = score_sources([stats], REGISTRY)
    text = describe_score(score)
    assert text.startswith("prior 0.15 (wikipedia-rsp-2021: deprecated); 4 articles: 1 at error, 2 at info")
    assert "1 disagreement(s)" in text and "originated 0, copied 2" in text
    (plain,) = score_sources([SourceStats("x.example", "x.example", None, 1)], REGISTRY)
    assert describe_score(plain) == "no prior (neutral 0.50); 1 article, none flagged"
