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
