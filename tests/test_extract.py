from __future__ import annotations

import pytest

from provenance.errors import ExtractError
from provenance.article.extract import extract_article, registered_domain, render_html_text

from .conftest import FIXTURES, document, page


def _html_article() -> object:
    html = (FIXTURES / "articles" / "harbour-daily.html").read_text(encoding="utf-8")
    return extract_article(document(html, kind="html", location="harbour-daily.html"))


def test_html_metadata_and_body() -> None:
    article = _html_article()
    assert article.title == "Norland, Vesta pledge to deepen port ties"  # type: ignore[attr-defined]
    assert article.byline == "Lin Qiao"  # type: ignore[attr-defined]
    assert article.published == "2024-10-03T07:43:00+08:00"  # type: ignore[attr-defined]
    assert article.published_source == "html-meta"  # type: ignore[attr-defined]
    assert article.site_name == "Harbour Daily"  # type: ignore[attr-defined]
    assert article.canonical_url == "https://www.harbourdaily.co.uk/world/2024/10/03/norland-vesta-port-ties"  # type: ignore[attr-defined]
    assert article.domain == "harbourdaily.co.uk"  # type: ignore[attr-defined]
    text = article.text  # type: ignore[attr-defined]
    assert text.startswith("As Wednesday marked the 60th anniversary")
    assert text.rstrip().endswith("backbone of the region's shipping trade.")
    for junk in ("cookies", "casino", "Privacy Policy", "tracking", "Tram line"):
        assert junk not in text


def test_html_page_text_keeps_hidden_blocks_and_boilerplate_in_zones() -> None:
    article = _html_article()
    zones = {z.kind: article.zone_text(z) for z in reversed(article.zones)}  # type: ignore[attr-defined]
    assert "cheap viagra online" in zones["spam"]
    assert "We use cookies" in zones["banner"]
    assert "All rights reserved" in zones["footer"]
    assert zones["title"] == "Norland, Vesta pledge to deepen port ties"
    assert "do not show this" not in article.page_text  # type: ignore[attr-defined]
    body = [article.zone_text(z) for z in article.zones if z.kind == "body"]  # type: ignore[attr-defined]
    assert len(body) == 6


def test_record_hints_win_over_the_page() -> None:
    html = (FIXTURES / "articles" / "harbour-daily.html").read_text(encoding="utf-8")
    doc = document(html, kind="html", url="https://mirror.example.net/copy", published="2024-10-05T01:00:00Z",
                   title="Mirrored")
    article = extract_article(doc)
    assert (article.url, article.domain, article.title) == ("https://mirror.example.net/copy", "example.net", "Mirrored")
    assert article.canonical_url == "https://www.harbourdaily.co.uk/world/2024/10/03/norland-vesta-port-ties"
    assert (article.published, article.published_source) == ("2024-10-05T01:00:00+00:00", "record")


def test_text_dump_article() -> None:
    article = extract_article(document(page("wire-daily.txt"), location="wire-daily.txt"))
    assert article.title == "Norland, Vesta pledge to deepen port ties"
    assert (article.published, article.published_source, article.published_raw) == (
        "2024-10-03", "dateline", "2024-10-03 07:43")
    assert article.text.count("\n\n") == 5
    assert article.domain is None and article.url is None


def test_date_from_url_when_nothing_else_has_one() -> None:
    body = "\n\n".join(["The festival opened on Saturday with a choir singing the old harbour song."] * 3)
    article = extract_article(document(body, kind="record", url="https://news.example.com/2023/07/14/festival"))
    assert (article.published, article.published_source) == ("2023-07-14", "url")


@pytest.mark.parametrize(
    ("content", "kind", "problem"),
    [
        ("<html><body><nav>Home</nav></body></html>", "html", "no article text"),
        ("Home\nMenu\nLog in\n", "text", "no article text"),
    ],
)
def test_pages_without_an_article_raise(content: str, kind: str, problem: str) -> None:
    with pytest.raises(ExtractError, match=problem) as info:
        extract_article(document(content, kind=kind, location="empty-page"))
    assert info.value.source == "empty-page"


def test_deeply_nested_html_does_not_crash_the_renderer() -> None:
    import lxml.html

    html = "<div>" * 240 + "<p>The festival opened on Saturday with a choir singing.</p>" + "</div>" * 240
    tree = lxml.html.fromstring(html)
    assert "The festival opened" in render_html_text(tree)


def test_html_nested_past_the_parser_limit_is_an_extract_error_not_a_crash() -> None:
    html = "<div>" * 20000 + "<p>The festival opened on Saturday with a choir singing.</p>" + "</div>" * 20000
    with pytest.raises(ExtractError):
        extract_article(document(html, kind="html"))


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
        ("http://english.news.cn/20241002/abc.htm", "news.cn"),
        ("https://edition.cnn.com/2024/10/02/asia", "cnn.com"),
        ("https://example.com.au/x", "example.com.au"),
        ("not a url", None),
        (None, None),
    ],
)
def test_registered_domain_works_offline(url: str | None, domain: str | None) -> None:
    assert registered_domain(url) == domain


def test_cjk_article_is_not_mistaken_for_an_empty_page() -> None:
    body = "港口扩建协议周二在首都签署，两国交通部长出席了签字仪式。" * 4
    article = extract_article(document(body, kind="record", title="港口扩建"))
    assert article.text == body


def test_record_without_prose_keeps_its_whole_text_as_body() -> None:
    table = "Round 1 | Interlagos | 12 March\nRound 2 | Goiania | 26 March\nRound 3 | Cascavel | 9 April\n"
    article = extract_article(document(table, kind="record", title="Calendar"))
    assert article.text == table.strip()
    assert [z.kind for z in article.zones] == ["body"]
    assert "whole text" in article.notes[-1]


_BODY = "".join(
    f"<p>{s}</p>" for s in (
        "The port board approved the plan to double the container terminal on Monday after a long debate.",
        "Work on the new quay is expected to start next spring and to last about three years in all.",
        "This article was originally published by Harbour Ledger.",
    )
)


@pytest.mark.parametrize(
    ("head", "domain", "canonical"),
    [
        # og:url names the page when it has no canonical link
        ('<meta property="og:url" content="https://www.kellpost.example.com/a">', "example.com",
         "https://www.kellpost.example.com/a"),
        # a canonical link to another outlet than the page's own og:url: the page is the og:url's
        ('<link rel="canonical" href="https://ledger.example.org/a"><meta property="og:url" content="https://copies.example.net/a">',
         "example.net", "https://ledger.example.org/a"),
        # nothing but the site name: the registry names the outlet's domain
        ('<meta property="og:site_name" content="Reuters">', "reuters.com", None),
    ],
)
def test_the_outlet_of_a_page_without_its_url(head: str, domain: str, canonical: str | None) -> None:
    from provenance.rules.engine import load_rules

    html = f"<html><head>{head}</head><body><article>{_BODY}</article></body></html>"
    article = extract_article(document(html, kind="html", location="a.html"), load_rules().registry)
    assert article.domain == domain
    assert article.canonical_url == canonical
    assert article.credits == ("Harbour Ledger",)


@pytest.mark.parametrize(("lang", "published"), [("en-US", "2021-12-10"), ("en-GB", "2021-10-12")])
def test_a_numeric_date_is_read_in_the_order_of_the_page_language(lang: str, published: str) -> None:
    html = (f'<html lang="{lang}"><head><title>Port plan</title></head><body><article><h1>Port plan</h1>'
            f'<div class="byline">By Jane Roe | 12/10/2021</div>{_BODY}</article></body></html>')
    article = extract_article(document(html, kind="html", location="a.html"))
    assert article.published == published
