from __future__ import annotations

import pytest

from provenance.article.credits import credits_of_links, find_credits
from provenance.article.dates import structured_dates

# Invented lines in the shapes newsrooms use (the real ones are in benchmarks/data/credits/).
CASES = [
    ("KELLBY, March 4 (Harbour Wire) - The port board approved the plan.", ["Harbour Wire"]),
    ("NORTH FENWICK (AP) — The council voted on Tuesday.", ["AP"]),
    ("Dorrin (dpa/lni) – Unbekannte haben einen Lastwagen geleert.", ["dpa"]),
    ("This article was originally published by the Fenwick Observer, a nonprofit newsroom.", ["Fenwick Observer"]),
    ("The post Tide tables for the week appeared first on Coastline Daily | Harbour Edition.",
     ["Coastline Daily | Harbour Edition"]),
    ("Source: Vantage Post / Xinhua", ["Vantage Post", "Xinhua"]),
    ("Quelle: kathpress", ["kathpress"]),
    ("By Jane Roe, Kellby Tribune, North Fenwick", ["Kellby Tribune"]),
    ("By AP and KT staff", ["AP", "KT"]),
    ("Harbour Radio's Tom Hale contributed to this report.", ["Harbour Radio"]),
    ("Read the full story at Vantage Post: https://www.vantagepost.eu/asia/2024/05/21/port/", ["Vantage Post"]),
    ("continua a leggere su: https://www.radiokell.it/programmi/", ["www.radiokell.it"]),
    ("[Fenwick Times] The board met on Monday.", ["Fenwick Times"]),
    # not credits: quoting a claim, people, photo lines, navigation
    ("Prices rose, according to Reuters.", []),
    ("By Jane Roe and John Doe", []),
    ("Continue reading the main story", []),
    ("Updated: 5 March 2024", []),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_credit_lines(line: str, expected: list[str]) -> None:
    assert find_credits(line) == expected


def test_a_link_in_a_credit_block_credits_its_site() -> None:
    links = [
        ("https://www.kellpost.example/2024/port", "Kell Post", "This story first appeared on Kell Post."),
        ("https://www.kellpost.example/2024/port", "here", "Read the original article here."),
        ("https://ads.example/x", "Buy now", "Buy now and save"),
    ]
    assert credits_of_links(links) == ["Kell Post", "kellpost.example"]


def test_structured_dates_keep_published_apart_from_modified() -> None:
    import lxml.html

    tree = lxml.html.fromstring(
        '<html><head><script type="application/ld+json">{"datePublished": "2021-12-10T08:00:00-05:00",'
        ' "dateModified": "2022-01-03"}</script><meta property="article:modified_time" content="2022-01-04">'
        '</head><body><p>Text</p><time datetime="2019-01-01">old</time></body></html>'
    )
    dates = structured_dates(tree)
    assert (dates.published, dates.published_from, dates.modified) == ("2021-12-10T08:00:00-05:00", "json-ld", "2022-01-03")
