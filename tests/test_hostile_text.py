"""Adversarial page text, stage by stage: every regex that reads page text is linear-time.

Each input is large enough (hundreds of KB of the run that made a pattern backtrack) that a
quadratic pattern would run for minutes: far past the per-input time budget, so the input would
be recorded as "timed out after N s in stage S". The test asserts that each one is audited, as an
article, within its budget; and that the budget itself turns an input that overruns it into an
errors row naming the stage, while the run goes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.engines.local import ArticleResult, AuditOptions, ProblemResult, RunResult, audit
from provenance.store.sqlite import AuditStore

BODY = (
    "The harbour council met on Tuesday and approved a budget of $240.1 billion for the new ferry terminal, "
    "officials said. More than 40 residents spoke at the meeting, which lasted three hours.\n\n"
    "The terminal will open in 2026, the council said, and will serve 1.5 million passengers a year.\n"
)
RUN = int(__import__("os").environ.get("HOSTILE_RUN", "300000"))

#: stage -> name, text: each puts a long run of what made one pattern backtrack next to a real article
HOSTILE = {
    "extract: a navigation line of dashes (zones)": "Harbour council approves ferry budget\n\n" + "-" * RUN + "\n\n" + BODY,
    "extract: blank lines before a word (wire credits)": BODY + "\n" * RUN + "x Reuters reports\n",
    "extract: punctuation then a letter (navigation)": BODY + "\n" + ",-" * (RUN // 2) + "x\n",
    "facts: a sentence of 40,000 numbers": BODY + "\nThe figures were " + " ".join(str(i % 997) for i in range(40_000)) + ".\n",
    "facts: a run of digits (money, percentages, counts)": BODY + "\n" + "1" * RUN + "\0 dollars\n",
    "facts: digits and dots": BODY + "\n" + "1." * (RUN // 2) + "\n",
    "facts: spaces after a number (ranges)": BODY + "\nThey counted 5" + " " * RUN + "x people.\n",
    "rules: spaces around a bar (segments)": BODY + "\ncasino" + " " * RUN + "x|y | z\n",
    "rules: a run of question marks": BODY + "\n" + "?" * RUN + "\n",
    "rules: stops before a letter (statement sentences)": BODY + "\n" + "?!" * (RUN // 2) + "x\n",
    "rules: a run of letters": BODY + "\n" + "a" * RUN + "\n",
    "rules: a sentence of agents and verbs (authorship statements)": BODY + "\n" + "AI wrote this article " * (RUN // 22) + "\n",
    "rules: a sentence of agents (named bodies)": BODY + "\n" + "AI " * (RUN // 3) + "\n",
    "rules: a run of digits before spam terms (spam cues, a word before a term)": (
        BODY + "\n" + "1" * RUN + "ing odds today | discount phentermine | no deposit casino codes | generic levitra cheap\n"
    ),
}


def _audit(paths: list[Path], **options: float) -> tuple[list[ArticleResult], list[ProblemResult]]:
    store = AuditStore.memory()
    try:
        events = list(audit([str(p) for p in paths], store, options=AuditOptions(jobs=1, **options)))  # type: ignore[arg-type]
    finally:
        store.close()
    assert isinstance(events[-1], RunResult)
    return [e for e in events if isinstance(e, ArticleResult)], [e for e in events if isinstance(e, ProblemResult)]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_is_audited_within_its_budget(tmp_path: Path, name: str) -> None:
    path = tmp_path / "page.txt"
    path.write_text(HOSTILE[name], encoding="utf-8")
    articles, problems = _audit([path])
    assert [p.problem.problem for p in problems if p.problem.severity == "error"] == []
    assert [a.location for a in articles] == [str(path)]


def test_an_input_over_its_budget_is_an_error_naming_the_stage_and_the_run_goes_on(tmp_path: Path) -> None:
    slow, fine = tmp_path / "a-slow.txt", tmp_path / "b-fine.txt"
    slow.write_text(BODY * 2000, encoding="utf-8")  # about 500 KB: far more than 1 ms of work
    fine.write_text(BODY, encoding="utf-8")
    articles, problems = _audit([slow], time_budget=0.0002)
    assert articles == [] and len(problems) == 1
    assert problems[0].problem.location == str(slow)
    # 0.0002 s per 100 KB of a 575 KB input
    assert problems[0].problem.problem == "timed out after 0.00115 s in stage extract"
    articles, problems = _audit([slow, fine], time_budget=0)  # 0: no limit
    assert len(articles) == 2 and problems == []


def _audit_with_rule(tmp_path: Path, rule_id: str, rule: str, page_text: str) -> tuple[list[ProblemResult], list[str]]:
    """Audit one page with one user rule (its YAML after the id); the problems and the rule's flag messages."""
    from provenance.rules.engine import load_rules

    rules = tmp_path / "rules" / "seo"
    rules.mkdir(parents=True)
    (rules / f"{rule_id}.yaml").write_text(f"id: {rule_id}\n{rule}", encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(page_text, encoding="utf-8")
    store = AuditStore.memory()
    try:
        options = AuditOptions(jobs=1, rules=load_rules([tmp_path / "rules"]))
        events = list(audit([str(page)], store, options=options))
        flags = [r["message"] for r in store.db.query("select message from flags where rule_id = ?", [rule_id])]
    finally:
        store.close()
    return [e for e in events if isinstance(e, ProblemResult)], flags


def test_a_catastrophic_user_rule_runs_in_linear_time_on_re2(tmp_path: Path) -> None:
    """(a+)+$ takes Python's re exponential time on a run of 'a' then 'b'; on RE2 it is one pass."""
    problems, flags = _audit_with_rule(
        tmp_path, "evil",
        "category: seo-spam\nseverity: info\ndescription: A pattern that backtracks.\n"
        "message: \"'{match}'\"\nzones: page\npatterns: ['(a+)+$']\n"
        "examples:\n  match: ['aaaa']\n  no-match: ['aaab']\n",
        BODY + "\n" + "a" * 50_000 + "b\n" + "a" * 30 + "\n",
    )
    assert problems == []
    assert flags == ["'" + "a" * 30 + "'"]


def test_a_catastrophic_term_in_a_check_lexicon_runs_in_linear_time_on_re2(tmp_path: Path) -> None:
    """A check's terms are user data as much as patterns are: (a+)+$ in ``terms`` must not hang."""
    problems, flags = _audit_with_rule(
        tmp_path, "evil-terms",
        "category: seo-spam\nseverity: info\ndescription: Terms that backtrack.\n"
        "message: \"{count} terms\"\nzones: page\ncheck: spam-block\n"
        "params: {min-terms: 2, terms: ['(a+)+$', 'casino', 'poker']}\n"
        "examples:\n  match: ['aaaa | casino | poker']\n  no-match: ['a quiet town']\n",
        BODY + "\n" + "a" * 50_000 + "b\n\nCheap casino | free poker | aaaa\n",
    )
    assert problems == []
    assert flags == ["3 terms"]
