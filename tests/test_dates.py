from __future__ import annotations

import pytest

from provenance.article.dates import find_dates


@pytest.mark.parametrize(
    ("text", "iso", "raw"),
    [
        ("Updated: 2024-10-03 07:43", "2024-10-03", "2024-10-03 07:43"),
        ("2020-12-29 00:29:06Xinhua Editor", "2020-12-29", "2020-12-29 00:29:06"),
        ("Eurasia/Xinhua 16/05/2024 17:54", "2024-05-16", "16/05/2024 17:54"),
        (" date 2024-10-02 Chinese President", "2024-10-02", "2024-10-02"),
        ("founding on Oct 1, 1949.", "1949-10-01", "Oct 1, 1949"),
        ("Published October 2nd, 2024", "2024-10-02", "October 2nd, 2024"),
        ("Wed 2 Oct 2024 09.00 BST", "2024-10-02", "2 Oct 2024 09.00"),
        ("on 1 October 2024 at 10:30 UTC", "2024-10-01T10:30:00+00:00", "1 October 2024 at 10:30 UTC"),
        ("2024-10-02T09:30:00+08:00", "2024-10-02T09:30:00+08:00", "2024-10-02T09:30:00+08:00"),
        ("2024年10月2日", "2024-10-02", "2024年10月2日"),
        ("Sept. 14, 2023", "2023-09-14", "Sept. 14, 2023"),
        ("05/16/2024", "2024-05-16", "05/16/2024"),
    ],
)
def test_find_dates_reads_the_shapes_of_news_pages(text: str, iso: str, raw: str) -> None:
    found = find_dates(text)
    assert found, text
    assert found[0].iso == iso
    assert found[0].raw == raw
    assert text[found[0].start : found[0].end] == raw


@pytest.mark.parametrize("text", ["2024-13-45", "31/02/2024", "version 1.2.3", "call 555-1234", "in 1949 alone"])
def test_find_dates_ignores_what_is_not_a_date(text: str) -> None:
    assert find_dates(text) == []


def test_day_month_ambiguity_is_reported() -> None:
    (found,) = find_dates("03/04/2024")
    assert found.iso == "2024-04-03"
    assert found.is_ambiguous
    (clear,) = find_dates("16/05/2024")
    assert not clear.is_ambiguous


_BODY = "".join(
    f"<p>The harbour council met again and approved part {n} of the ferry terminal plan after a long debate, "
    f"with more than {40 + n} residents speaking at the meeting held in the old town hall.</p>"
    for n in range(6)
)


def _published(head: str, body_extra: str = "", url: str = "https://www.harbourdaily.example/news/ferry") -> str | None:
    from provenance.article.extract import extract_article

    from .conftest import document

    html = (f"<html lang='en'><head><title>Ferry plan approved</title>{head}</head><body><article>"
            f"<h1>Ferry plan approved</h1>{body_extra}{_BODY}</article></body></html>")
    article = extract_article(document(html, kind="html", location="page.html", url=url))
    return article.published


@pytest.mark.parametrize(
    ("head", "extra", "url", "day"),
    [
        # an evening story in the Americas: UTC stamp in the markup, the same instant in local time beside it
        ('<script type="application/ld+json">{"datePublished":"2023-11-09T01:09:55Z"}</script>',
         '<time datetime="2023-11-08 18:09:55">November 8, 2023 at 6:09 p.m.</time>', None, "2023-11-08"),
        # the same instant with its own offset
        ('<meta property="article:published_time" content="2023-11-09T01:09:55+00:00">',
         '<time datetime="2023-11-08T20:09:55-05:00">November 8</time>', None, "2023-11-08"),
        # a local stamp that is not the same instant (other seconds) is another date, not a twin
        ('<meta property="article:published_time" content="2023-11-09T01:09:55+00:00">',
         '<time datetime="2023-11-08 18:10:30">November 8</time>', None, "2023-11-09"),
        # the day in the URL, the evening before the UTC day
        ('<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">', "",
         "https://pagesix.example/2020/02/24/myers-exits/", "2020-02-24"),
        # ... but not when the UTC hour cannot be the evening before anywhere
        ('<meta property="article:published_time" content="2020-02-25T15:25:54+00:00">', "",
         "https://pagesix.example/2020/02/24/myers-exits/", "2020-02-25"),
        # a date without a time stored as midnight in Central Europe
        ('<meta property="article:published_time" content="2021-11-04T23:00Z">', "", None, "2021-11-05"),
        ('<meta property="article:published_time" content="2021-11-04T23:14:09Z">', "", None, "2021-11-04"),
    ],
)
def test_a_utc_stamp_is_read_on_the_day_the_publisher_printed(head: str, extra: str, url: str | None, day: str) -> None:
    published = _published(head, extra, url or "https://www.harbourdaily.example/news/ferry")
    assert published is not None and published[:10] == day
