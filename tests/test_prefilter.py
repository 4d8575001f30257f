from __future__ import annotations

import re

import pytest

from provenance.rules.engine import load_rules
from provenance.rules.prefilter import may_match, required_literals


@pytest.mark.parametrize(
    ("patterns", "literals"),
    [
        ([r"\bas an? AI language model\b"], [[{"as a"}, {" ai language model"}]]),
        ([r"\b(?:regenerate|stop generating)\b", r"ChatGPT can make mistakes"],
         [[{"regenerate", "stop generating"}], [{"chatgpt can make mistakes"}]]),
        ([r"\bwe (?:and our partners )?use cookies\b"], [[{"we "}, {"use cookies"}]]),
        ([r"(?:cookies?)+ policy"], [[{"cookie"}, {" policy"}]]),
        ([r"\b(?:this|the following) (?:article|story) was (?:written|generated)"],
         [[{"article", "story"}, {" was "}, {"written", "generated"}]]),  # the parser splits this|the at 't'

        ([r"\d{4}-\d\d"], None),  # no literal: the pattern always runs
        ([r"\bad\b"], None),  # too short to be worth a test
        ([r"(?:foo)?bar\b"], [[{"bar"}]]),  # the optional part is not required
        ([r"\ufffd+"], [[{"\ufffd"}]]),
        ([r"蜘蛛池(?:模板)?\s*[:：]"], [[{"蜘蛛池"}]]),
        ([r"\b(?:abc|de)\b"], None),  # one branch has no usable literal
        # letters beyond ASCII that lower-case plainly ("según", "согласно") are literals too
        ([r"\b(?:laut|según|согласно)\s+\w+"], [[{"laut", "según", "согласно"}]]),
        ([r"\bσύμφωνα με\b"], None),  # a sigma: the text's final "ς" would not be found as "σ"
    ],
)
def test_required_literals(patterns: list[str], literals: list[list[set[str]]] | None) -> None:
    compiled = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in patterns]
    found = required_literals(compiled)
    assert ([[set(c) for c in clauses] for clauses in found] if found is not None else None) == literals


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("As an AI LANGUAGE MODEL, I cannot.", True),
        ("As an AI language\nmodel, I cannot.", False),  # the pattern's space is a literal space
        ("We uſe cookies to improve this site", True),  # long s: case-insensitive matching folds it onto s
        ("Nothing to see here.", False),
        ("We all use cookies.", False),  # both words are there, but not as the pattern needs them: the patterns decide
        ("Use cookies? We do.", False),
    ],
)
def test_may_match_agrees_with_the_patterns(page: str, expected: bool) -> None:
    patterns = [re.compile(r"\bas an? AI language model\b", re.IGNORECASE), re.compile(r"\bwe use cookies\b", re.IGNORECASE)]
    literals = required_literals(patterns)
    assert any(p.search(page) for p in patterns) is expected
    if expected:
        assert may_match(literals, page)
    assert not may_match(literals, "Nothing about it here.")


def test_no_match_example_of_a_rule_is_lost_to_the_prefilter() -> None:
    """Every embedded match example passes the prefilter of its rule (the rule examples test the findings)."""
    checked = 0
    for rule in load_rules().rules:
        for example in rule.examples.get("match", ()):
            text = example.text if hasattr(example, "text") else str(example)
            assert may_match(rule.prefilter, text), (rule.id, text)
            checked += rule.prefilter is not None
    assert checked > 20


@pytest.mark.parametrize("page", ["SEGÚN la agencia", "Según Reuters", "СОГЛАСНО данным", "laut Reuters"])
def test_a_capital_beyond_ascii_passes_the_prefilter(page: str) -> None:
    pattern = re.compile(r"\b(?:laut|según|согласно)\s+\w+", re.IGNORECASE)
    assert pattern.search(page)
    assert may_match(required_literals([pattern]), page)
    assert not may_match(required_literals([pattern]), "Sources close to the agency said so.")
