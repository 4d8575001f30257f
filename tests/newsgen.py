"""A small deterministic news stream for tests: originals, copy families and their figures.

Every original is new text (sentences drawn from a vocabulary, with names, dates and figures that
the facts stage reads), so two originals share no 5-word shingle by accident. Most records have no
copy; the others form families of a few copies (and one of many) on other outlets, published
hours to days later:

* ``reprint``: the whole body, sometimes with a credit line to the origin's outlet;
* ``excerpt``: the first paragraphs;
* ``rewrite``: sentences reordered and some dropped, a few words changed;
* ``figure``: a reprint with one figure changed (a factual disagreement);
* ``orphan``: families whose origin is not in the stream, every copy crediting an agency.

Some copies have no date. The same seed gives the same records.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

_WORDS = """
harbour council ferry terminal budget residents meeting minister agreement project officials
committee railway freight cargo port expansion shipping route transport border trade talks
delegation ministry statement report investment energy pipeline grain export import market
prices farmers harvest drought rainfall reservoir bridge tunnel highway construction workers
contract tender company board shareholders profit revenue quarter forecast growth inflation
bank interest loan debt bond currency exchange tariff customs inspection warehouse container
vessel crew captain coast guard storm warning flood rescue hospital clinic doctors nurses
patients vaccine school teachers students university campus library museum festival lantern
concert theatre gallery exhibition archive history anniversary ceremony parade square city
town village district province region capital embassy ambassador treaty cooperation summit
leaders parliament election vote coalition opposition party candidate campaign court judge
ruling appeal lawyer police officers arrest investigation suspect fraud audit accounts
""".split()
_VERBS = "said announced approved signed reported confirmed rejected proposed opened delayed expanded reviewed".split()
_LINKS = "the a this their its our new local regional national".split()
_NAMES = """Valdoria Seravand Pelmeth Velsund Korsa Tidewater Saltmarsh Kettleby Marrow Ostend Brackley
Halvern Dunmore Ashgrove Quillon Renfield Sorrel Tamsin Ulverby Wexcombe Yarrow Zennor""".split()
_PEOPLE = "Petra Vallin|Oskar Demirel|Lena Marsh|Tomas Reyes|Ada Okafor|Ivan Brook|Mira Holt|Sam Quist".split("|")
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday".split()
_AGENCIES = ("Xinhua", "Reuters", "Associated Press", "Agence France-Presse")
_SYNONYMS = {"said": "stated", "announced": "declared", "approved": "backed", "project": "scheme",
             "officials": "authorities", "meeting": "session", "residents": "locals", "workers": "staff"}
_TLDS = ("com", "net", "org", "co.uk")
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def _sentence(rng: random.Random, cast: list[str]) -> str:
    """One sentence: a subject, a verb, an object, and sometimes a figure the facts stage reads."""
    name = rng.choice(cast)
    words = [rng.choice(_LINKS)] + rng.sample(_WORDS, rng.randint(2, 4))
    tail = rng.sample(_WORDS, rng.randint(3, 6))
    figure = rng.choice([
        "",
        f" worth ${rng.randint(2, 950)} million",
        f" after prices rose {rng.randint(2, 40)} percent",
        f" on {rng.choice(_WEEKDAYS)}",
        f" with more than {rng.randint(11, 900)} people",
        f" in {rng.randint(1990, 2023)}",
    ])
    return f"{name} {' '.join(words)} {rng.choice(_VERBS)} {' '.join(tail)}{figure}."


def _body(rng: random.Random) -> list[list[str]]:
    cast = rng.sample(_NAMES, 3) + rng.sample(_PEOPLE, 2)
    return [[_sentence(rng, cast) for _ in range(rng.randint(2, 4))] for _ in range(rng.randint(3, 6))]


def _text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _rewrite(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    out = []
    for p in paragraphs:
        kept = [s for s in p if rng.random() > 0.2] or p[:1]
        rng.shuffle(kept)
        out.append([" ".join(_SYNONYMS.get(w, w) for w in s.split()) for s in kept])
    return out


def _change_figure(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]] | None:
    for i, p in enumerate(paragraphs):
        for j, s in enumerate(p):
            if " million" in s:
                head, _, rest = s.rpartition("$")
                number, _, after = rest.partition(" ")
                changed = str(int(number) + rng.randint(3, 40))
                copy = [list(q) for q in paragraphs]
                copy[i][j] = f"{head}${changed} {after}"
                return copy
    return None


def news_records(n: int, seed: int = 1) -> list[dict[str, Any]]:
    """About ``n`` JSON Lines records in publication order."""
    rng = random.Random(seed)
    records: list[tuple[dt.datetime, dict[str, Any]]] = []
    outlet = 0
    made = 0
    while made < n:
        outlet += 1
        published = EPOCH + dt.timedelta(minutes=rng.randint(0, 180 * 24 * 60))
        paragraphs = _body(rng)
        title = " ".join(paragraphs[0][0].split()[:8]).rstrip(".")
        origin = {"url": f"https://news{outlet}.{_TLDS[outlet % 4]}/{made}", "title": title, "byline": rng.choice(_PEOPLE),
                  "published": published.isoformat(), "text": _text(paragraphs)}
        roll = rng.random()
        size = 0 if roll < 0.6 else (rng.choice([1, 1, 1, 2, 2, 3, 5]) if roll < 0.985 else rng.randint(12, 30))
        orphan = size > 0 and rng.random() < 0.1
        agency = rng.choice(_AGENCIES)
        if not orphan:
            records.append((published, origin))
            made += 1
        for k in range(size):
            outlet += 1
            kind = rng.choice(["reprint", "reprint", "excerpt", "rewrite", "figure"])
            body = paragraphs
            if kind == "excerpt":
                body = paragraphs[: max(1, len(paragraphs) // 2)]
            elif kind == "rewrite":
                body = _rewrite(rng, paragraphs)
            elif kind == "figure":
                body = _change_figure(rng, paragraphs) or paragraphs
            text = _text(body)
            if orphan:
                text += f"\n\nOriginally published by {agency}."
            elif rng.random() < 0.3:
                text += f"\n\nThis article first appeared on news{outlet - k - 1}.{_TLDS[(outlet - k - 1) % 4]}."
            when = published + dt.timedelta(hours=rng.randint(1, 96))
            record = {"url": f"https://copy{outlet}.{_TLDS[outlet % 4]}/{made}-{k}", "title": title, "text": text}
            if rng.random() < 0.85:
                record["published"] = when.isoformat()
            records.append((when, record))
            made += 1
    records.sort(key=lambda pair: pair[0])
    return [record for _, record in records]


def write_news(path: Path, n: int, seed: int = 1) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in news_records(n, seed)), encoding="utf-8")
    return path
