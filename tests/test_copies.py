from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from provenance.corpus.copies import align_sentences, classify, measure
from provenance.article.sentences import split_sentences
from provenance.engines.local import ArticleResult, audit
from provenance.store.sqlite import AuditStore

from .conftest import page

PORT = [
    "The port of Kell will double its container capacity by 2028 under a plan approved by the harbour board on Monday.",
    "The board said the expansion would cost $1.2 billion and create about 3,000 jobs in the region.",
    "Work on a new deep-water quay is due to start in the spring, once the final environmental permits are issued.",
    "Shipping lines have asked for the quay to be ready before the winter season, when traffic peaks.",
    "The mayor of Kell, Ines Borowa, called the decision a turning point for the city's economy.",
    "Opponents said dredging the channel would harm fish nurseries and promised to appeal the permits in court.",
    "The harbour board will publish the full plan on its website next week, a spokesman said.",
]
REWRITE = [
    "Kell's harbour board on Monday approved a plan that doubles the port's container capacity by 2028.",
    "According to the board, the expansion will cost $1.2 billion and bring roughly 3,000 jobs to the region.",
    "Construction of a deep-water quay should begin in the spring after the last environmental permits are granted.",
    "Ines Borowa, the mayor, described the decision as a turning point for the economy of the city.",
    "Critics warned that dredging would damage fish nurseries and vowed to challenge the permits in court.",
]
OTHER = [
    "The city council of Kell voted on Tuesday to extend night bus services to the outer districts from January.",
    "The trial will run for six months and cost about 400,000 euros, the transport department said.",
    "Night workers and students had asked for the change for years, council members said.",
    "Buses will leave the central station every 30 minutes between midnight and 5 a.m.",
]


def test_sentences_do_not_split_on_abbreviations() -> None:
    text = "Talks began on Oct. 2 in the U.S. capital. Mr. Reyna said they went well! Next year they meet again."
    assert [text[a:b] for a, b in split_sentences(text)] == [
        "Talks began on Oct. 2 in the U.S. capital.",
        "Mr. Reyna said they went well!",
        "Next year they meet again.",
    ]


def test_alignment_pairs_reworded_sentences_one_to_one() -> None:
    pairs = align_sentences(" ".join(PORT), " ".join(REWRITE))
    assert len(pairs) >= 3
    assert len({p.other_start for p in pairs}) == len(pairs)
    for pair in pairs:
        assert " ".join(PORT)[pair.start : pair.end] == pair.sentence
        assert pair.score >= 62
    mayor = [p for p in pairs if "Borowa" in p.sentence]
    assert mayor and "Borowa" in mayor[0].other_sentence


@pytest.mark.parametrize(
    ("left", "right", "relation"),
    [
        (PORT, PORT, "reprint"),
        (PORT, PORT[:-1] + ["The harbour board will publish the full plan online next week, a spokesman said."], "reprint"),
        (PORT[:3], PORT, "excerpt"),
        (REWRITE, PORT, "rewrite"),
        (OTHER, PORT, None),
    ],
)
def test_classify(left: list[str], right: list[str], relation: str | None) -> None:
    assert classify(measure(" ".join(left), " ".join(right))) == relation


def _record(text: list[str], url: str, published: str, title: str = "Kell port plan", **extra: str) -> str:
    import json

    return json.dumps({"url": url, "title": title, "published": published, "text": "\n\n".join(text), **extra})


def _audit(store: AuditStore, path: str, clock: Callable[[], dt.datetime]) -> list[ArticleResult]:
    return [e for e in audit([path], store, now=clock) if isinstance(e, ArticleResult)]


def test_matching_is_incremental_across_runs(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    first = tmp_path / "monday.jsonl"
    first.write_text(_record(PORT, "https://kellpost.example.com/a", "2024-03-04") + "\n")
    second = tmp_path / "next-week.jsonl"
    second.write_text(_record(REWRITE, "https://coastnews.example.org/b", "2024-03-11") + "\n")
    (a,) = _audit(store, str(first), clock)
    (b,) = _audit(store, str(second), clock)
    (row,) = store.db["copies"].rows
    assert (row["article_id"], row["source_id"], row["relation"], row["direction"]) == (b.article_id, a.article_id, "rewrite", "derived")
    assert row["is_primary"] == 1 and "only earlier copy" in row["primary_reason"]
    assert "2024-03-04" in row["reason"]
    story = {r["id"]: r["story_id"] for r in store.db["articles"].rows}
    assert story[a.article_id] == story[b.article_id] is not None


def test_two_rewrites_of_an_unseen_wire_story_get_no_invented_direction(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "same-day.jsonl"
    credit = " The plan was first reported by Xinhua."
    path.write_text(
        _record(PORT[:-1] + [PORT[-1] + credit], "https://kellpost.example.com/a", "2024-03-04") + "\n"
        + _record(REWRITE[:-1] + [REWRITE[-1] + credit], "https://coastnews.example.org/b", "2024-03-04") + "\n"
    )
    _audit(store, str(path), clock)
    (row,) = store.db["copies"].rows
    assert row["direction"] == "unknown"
    assert "common unseen source" in row["reason"] and "Xinhua" in row["reason"]
    assert (row["decided_by"], row["unseen_source"]) == ("credit", "Xinhua News Agency")
    # Both credit an outlet that is not in the database: it is the story's origin, unseen.
    (story,) = store.db["stories"].rows
    assert story["origin_id"] is None and story["origin_unseen"] == "Xinhua News Agency"
    assert story["origin_reason"].startswith("unseen: Xinhua News Agency")


def test_a_copy_credited_to_the_other_outlet_points_at_it(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "credited.jsonl"
    path.write_text(
        _record(PORT, "https://kellpost.example.com/a", "2024-03-04", site_name="Kell Post") + "\n"
        + _record(REWRITE[:-1] + [REWRITE[-1] + " The story was first published by Kell Post."],
                  "https://coastnews.example.org/b", "2024-03-04") + "\n"
    )
    _audit(store, str(path), clock)
    (row,) = store.db["copies"].rows
    assert row["direction"] == "derived" and "credits" in row["reason"]


def test_same_topic_different_text_is_related_not_a_copy(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    a = page("wire-daily.txt")
    b = page("agency-credit.txt")
    path = tmp_path / "topic.jsonl"
    import json

    path.write_text(
        json.dumps({"url": "https://a.example.com/1", "published": "2024-10-03", "text": a}) + "\n"
        + json.dumps({"url": "https://b.example.com/2", "published": "2024-05-16", "text": b}) + "\n"
    )
    _audit(store, str(path), clock)
    relations = {r["relation"] for r in store.db["copies"].rows}
    assert relations <= {"related"}
    assert all(r["story_id"] is None for r in store.db["articles"].rows)


def test_stories_do_not_grow_by_chaining(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    """A ~ B and B ~ C but A !~ C: C must not join A's story through B."""
    a = PORT
    b = PORT[:4] + OTHER
    c = OTHER + ["Separately, the ferry company said its summer timetable would start on the first of May.",
                 "Tickets for the new routes go on sale next month, with discounts for residents of the islands.",
                 "The company expects passenger numbers to rise by a tenth compared with last summer."]
    path = tmp_path / "chain.jsonl"
    path.write_text(
        _record(a, "https://one-news.example/a", "2024-03-04") + "\n"
        + _record(b, "https://two-news.example/b", "2024-03-05") + "\n"
        + _record(c, "https://three-news.example/c", "2024-03-06") + "\n"
    )
    results = _audit(store, str(path), clock)
    ids = [r.article_id for r in results]
    links = {(r["article_id"], r["source_id"]) for r in store.db["copies"].rows if r["relation"] != "related"}
    assert (ids[1], ids[0]) in links and (ids[2], ids[1]) in links and (ids[2], ids[0]) not in links
    story = {r["id"]: r["story_id"] for r in store.db["articles"].rows}
    assert story[ids[0]] == story[ids[1]]
    assert story[ids[2]] != story[ids[0]]


def test_a_backdated_copy_that_credits_its_source_is_the_copy(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    """The credit outranks the date: a scraper that backdates its copy still names where it took it."""
    path = tmp_path / "backdated.jsonl"
    path.write_text(
        _record(PORT, "https://kellpost.example.com/a", "2024-03-04", site_name="Kell Post") + "\n"
        + _record(PORT + ["This article was originally published by Kell Post."],
                  "https://scrapes.example.net/b", "2024-02-20") + "\n"
    )
    original, scraper = (r.article_id for r in _audit(store, str(path), clock))
    (row,) = store.db["copies"].rows
    assert (row["article_id"], row["source_id"], row["direction"]) == (scraper, original, "derived")
    assert row["decided_by"] == "credit" and row["weight"] == 0.9 and "Kell Post" in row["reason"]
    (story,) = store.db["stories"].rows
    assert story["origin_id"] == original


def test_undated_copies_of_an_unseen_original_point_to_the_credited_outlet(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "orphans.jsonl"
    credit = "Source: Harbour Ledger"
    path.write_text(
        _record([credit, *PORT], "https://one.example.com/a", "") + "\n"
        + _record([credit, *PORT], "https://two.example.org/b", "2024-03-05") + "\n"
        + _record([*REWRITE, "This story originally appeared on Harbour Ledger."], "https://three.example.net/c", "")
        + "\n"
    )
    _audit(store, str(path), clock)
    rows = list(store.db["copies"].rows)
    assert rows and all(r["direction"] == "unknown" and r["unseen_source"] == "Harbour Ledger" for r in rows)
    (story,) = store.db["stories"].rows
    assert story["origin_id"] is None and story["origin_unseen"] == "Harbour Ledger"
    assert story["origin_reason"].startswith("unseen: Harbour Ledger: credited by 3 of the 3 copies")


def test_a_canonical_link_to_another_outlet_names_the_source(tmp_path, store: AuditStore, clock) -> None:  # type: ignore[no-untyped-def]
    body = "".join(f"<p>{p}</p>" for p in PORT)
    original = tmp_path / "kellpost.html"
    original.write_text(
        '<html><head><link rel="canonical" href="https://kellpost.example.com/2024/kell-port">'
        f'<meta property="og:site_name" content="Kell Post"></head><body><article>{body}</article></body></html>'
    )
    copy = tmp_path / "mirror.html"
    copy.write_text(  # undated, and its canonical link is the original's URL, its og:url its own
        '<html><head><link rel="canonical" href="https://kellpost.example.com/2024/kell-port">'
        '<meta property="og:url" content="https://mirror.example.net/kell-port"></head>'
        f"<body><article>{body}</article></body></html>"
    )
    results = _audit(store, str(original), clock) + _audit(store, str(copy), clock)
    domains = {r["id"]: r["domain"] for r in store.db["articles"].rows}
    assert [domains[r.article_id] for r in results] == ["example.com", "example.net"]
    (row,) = store.db["copies"].rows
    assert (row["article_id"], row["source_id"]) == (results[1].article_id, results[0].article_id)
    assert row["direction"] == "derived" and row["decided_by"] == "canonical"
