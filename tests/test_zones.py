from __future__ import annotations

from typing import Any

import pytest

from provenance.models import Metadata
from provenance.article.zones import zone_page

from .conftest import page

CASES: list[dict[str, Any]] = [
    {
        "page": "wire-daily.txt",
        "title": "Norland, Vesta pledge to deepen port ties",
        "byline": "Lin Qiao",
        "published": "2024-10-03",
        "site_name": "Harbour Daily",
        "body_starts": "As Wednesday marked the 60th anniversary",
        "body_ends": "backbone of the region's shipping trade.",
        "kinds": {"navigation", "title", "standfirst", "byline", "share", "caption", "body", "footer", "spam"},
        "spam": "日韩无码久久精品免费",
    },
    {
        "page": "ai-aggregator.txt",
        "title": "Ministers call port accord a model for the region",
        "byline": None,
        "published": None,
        "site_name": "Lakeside Ledger",
        "body_starts": "The maritime accord between Norland and Vesta",
        "body_ends": "investment in the new northern quay.",
        "kinds": {"masthead", "title", "standfirst", "body", "disclaimer", "banner", "related", "navigation"},
        "zone": ("disclaimer", "AI Disclaimer: This article was produced"),
    },
    {
        "page": "agency-credit.txt",
        "title": "Norland, Vesta sign port cooperation plan",
        "byline": "Xinhua",
        "published": "2024-05-16",
        "credits": ("Xinhua", "Xinhue"),
        "body_starts": "Norland's trade minister Ada Ferrant held talks",
        "body_ends": "open a new ferry route next year.",
        "kinds": {"title", "standfirst", "caption", "byline", "body", "banner"},
    },
    {
        "page": "glued-dateline.txt",
        "title": None,
        "published": "2024-10-02",
        "body_starts": "Norland trade minister Ada Ferrant on Wednesday",
        "body_ends": "never been busier than they are today.",
        "kinds": {"byline", "body"},
        "zone": ("byline", "date 2024-10-02"),
    },
    {
        "page": "spider-pool.txt",
        "title": "Norland minister eyes steady growth of port partnership",
        "byline": "Xinhua",
        "published": "2020-12-29",
        "site_name": "Northwire.com",
        "body_starts": "Norland's trade minister said Monday",
        "body_ends": "expand cooperation to smaller harbours.",
        "kinds": {"navigation", "share", "title", "byline", "body", "related", "footer", "spam"},
        "spam": "主站蜘蛛池模板",
    },
]


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_zoner_finds_metadata_and_body(case: dict[str, Any]) -> None:
    text = page(case["page"])
    layout = zone_page(text)
    body = "\n".join(text[z.start : z.end] for z in layout.zones if z.kind == "body")
    assert layout.title == case["title"]
    for field in ("byline", "site_name", "credits"):
        if field in case:
            assert getattr(layout, field) == case[field], field
    assert (layout.published.iso if layout.published else None) == case["published"]
    assert body.startswith(case["body_starts"])
    assert body.endswith(case["body_ends"])
    assert {z.kind for z in layout.zones} == case["kinds"]
    if "spam" in case:
        spam = [text[z.start : z.end] for z in layout.zones if z.kind == "spam"]
        assert any(case["spam"] in s for s in spam)
    if "zone" in case:
        kind, start = case["zone"]
        assert any(text[z.start : z.end].startswith(start) for z in layout.zones if z.kind == kind)


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_zones_cover_every_line_once_in_order(case: dict[str, Any]) -> None:
    text = page(case["page"])
    zones = zone_page(text).zones
    assert all(0 <= z.start < z.end <= len(text) for z in zones)
    assert all(a.end <= b.start for a, b in zip(zones, zones[1:]))
    covered = "".join(text[z.start : z.end] for z in zones)
    assert "".join(text.split()) == "".join(covered.split())


def test_body_leaves_out_boilerplate_that_looks_like_prose() -> None:
    text = page("wire-daily.txt")
    body = " ".join(text[z.start : z.end] for z in zone_page(text).zones if z.kind == "body")
    for words in ("All rights reserved", "Share - WeChat", "Photo/IC", "BACK TO THE TOP", "无码", "By Lin Qiao"):
        assert words not in body


def test_repeated_title_is_zoned_each_time() -> None:
    text = page("agency-credit.txt")
    titles = [z for z in zone_page(text).zones if z.kind == "title"]
    assert len(titles) == 3
    assert {text[z.start : z.end] for z in titles} == {"Norland, Vesta sign port cooperation plan"}


def test_hints_win_over_what_the_page_shows() -> None:
    text = page("glued-dateline.txt")
    layout = zone_page(text, Metadata(title="Ferrant ready to widen port cooperation", byline="Desk", site_name="Wire"))
    assert (layout.title, layout.byline, layout.site_name) == ("Ferrant ready to widen port cooperation", "Desk", "Wire")


def test_quotation_in_another_language_is_body_not_spam() -> None:
    text = (
        "Harbour festival opens with song\n\n"
        "The festival opened on Saturday with a choir from the sister city singing the harbour song.\n\n"
        "The choir sang the first verse in Chinese, \u201c海港的灯光照亮回家的路\u201d, which means the harbour lights show the way home.\n\n"
        "Organisers said more than 20,000 visitors were expected over the weekend along the old quay.\n"
    )
    zones = zone_page(text).zones
    assert not [z for z in zones if z.kind == "spam"]
    assert sum(1 for z in zones if z.kind == "body") == 3


def test_english_keyword_stuffing_is_spam() -> None:
    text = (
        "Harbour festival opens with song\n\n"
        "The festival opened on Saturday with a choir from the sister city singing the harbour song.\n\n"
        "Organisers said more than 20,000 visitors were expected over the weekend along the old quay.\n\n"
        "best online casino bonus | cheap viagra online | payday loans fast | live casino slots | buy cialis now\n"
    )
    kinds = [z.kind for z in zone_page(text).zones]
    assert kinds[-1] == "spam"


def test_empty_and_whitespace_pages_have_no_zones() -> None:
    assert zone_page("").zones == ()
    assert zone_page("  \n\n\t\n").zones == ()
