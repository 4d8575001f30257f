"""Generated pages for ``rules_flags.py``: invented news pages with and without each feature.

Countries, towns, people and outlets are invented; real agencies appear only as
credits and real outlets only as the names a page claims. Each case function
returns a page and the categories it truly has. Positive phrasings and hard
negatives were written for this benchmark, apart from the rules' examples.
"""

from __future__ import annotations

import datetime as dt
import html
import random
from collections.abc import Callable
from dataclasses import dataclass, field

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)

COUNTRIES = [("Arvenia", "Arvenian"), ("Tessaly", "Tessalian"), ("Korvia", "Korvian"), ("Delmar", "Delmaran"), ("Ostrel", "Ostrelian")]
TOWNS = ["Orlan", "Keskar", "Minsel", "Pardo", "Lussac", "Tivar", "Brenna", "Solvik"]
PEOPLE = ["Ilka Morren", "Joran Vell", "Sela Korhonen", "Ana Ruiz", "Tomas Brec", "Mira Castell", "Ode Lamarr", "Lena Hart"]
SITES = [("Orlan Daily", "orlandaily.example.com"), ("Keskar Courier", "keskarcourier.example.net"),
         ("Coastline Bulletin", "coastline-bulletin.example.org"), ("Minsel Post", "minselpost.example.com")]  # fmt: skip
TOPICS = ["rail freight", "the power grid", "port capacity", "border crossings", "river transport", "water supply"]
PARAGRAPHS = [
    "{c1} and {c2} agreed on {day} to expand cooperation on {topic}, officials said after talks in {town} that lasted most of the day.",
    "The plan, which will cost about {n} million euros, is due to be finished by {fy}, officials from the {a1} ministry told reporters.",
    "{p1}, who chairs the joint committee, said the project would create {m} jobs and cut travel times between the capitals by almost an hour.",
    "Critics in the opposition said the deal had been rushed and called for a full debate in parliament before any money is spent.",
    "Trade between the two countries grew {pct} percent last year, making {c2} one of the largest trading partners of {c1}.",
    "Local businesses in {town} welcomed the announcement, saying years of delays had cost them customers and made deliveries unreliable.",
    "The two sides also agreed to set up a working group that will meet every three months to review progress and publish its findings.",
    "Forecasters warned that heavy rain could delay the first phase of the works, which is due to begin in the spring if funding is approved.",
    "A spokesman for the ministry declined to say how the costs would be shared, but said the details would be published next month.",
    "Residents of {town} have campaigned for better connections for more than a decade, collecting thousands of signatures in a petition.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@dataclass(frozen=True)
class Page:
    name: str
    kind: str
    content: str
    labels: frozenset[str]
    url: str | None = None
    published: str | None = None
    byline: str | None = None
    site_name: str | None = None
    note: str = ""


@dataclass
class Layout:
    title: str
    body: list[str]
    site: tuple[str, str]
    byline: str | None
    date: dt.date | None
    masthead: bool = False
    titles: int = 1
    teaser: bool = False
    inserts: dict[int, list[str]] = field(default_factory=dict)
    after_body: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    spam: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    nav: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    dateline: str = ""
    labels: set[str] = field(default_factory=set)
    url: str | None = None
    kind: str = "text"
    note: str = ""


def _fill(rng: random.Random, text: str) -> str:
    (c1, a1), (c2, _a2) = rng.sample(COUNTRIES, 2)
    values = {"c1": c1, "c2": c2, "a1": a1, "town": rng.choice(TOWNS), "topic": rng.choice(TOPICS), "day": rng.choice(DAYS),
              "p1": rng.choice(PEOPLE), "n": rng.randint(40, 900), "m": rng.randint(100, 4000), "pct": rng.randint(3, 30),
              "fy": rng.randint(2027, 2032)}  # fmt: skip
    return text.format(**values)


def base(rng: random.Random, *, has_byline: bool = True, has_date: bool = True) -> Layout:
    c1, c2 = rng.sample([c for c, _ in COUNTRIES], 2)
    title = f"{c1} and {c2} agree to expand {rng.choice(TOPICS)} links"
    body = [_fill(rng, p) for p in rng.sample(PARAGRAPHS, rng.randint(4, 6))]
    date = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 480))
    site = rng.choice(SITES)
    byline = f"By {rng.choice(PEOPLE)}" if has_byline else None
    layout = Layout(title, body, site, byline, date if has_date else None)
    layout.nav = ["Home / World / Europe"]
    layout.footer = [f"Copyright © {date.year} {site[0]}. All rights reserved.", "About us | Contact | Privacy policy"]
    layout.related = ["Related Articles", f"{rng.choice(TOWNS)} council approves new budget", f"Storm closes roads near {rng.choice(TOWNS)}"]
    if not (has_byline and has_date):
        layout.labels.add("metadata")
    return layout


def _date_text(rng: random.Random, date: dt.date) -> str:
    return rng.choice([date.isoformat() + " 09:15", date.strftime("%d %B %Y"), date.strftime("%B %d, %Y"), date.strftime("%d/%m/%Y 10:40")])


def render_text(rng: random.Random, layout: Layout) -> str:
    lines: list[str] = []
    if layout.masthead:
        lines += [layout.site[0], "", "News from the coast and the world", ""]
    lines += layout.nav + [""]
    if layout.teaser:
        lines += [layout.title, layout.body[0], ""]
    for _ in range(layout.titles):
        lines += [layout.title, ""]
    parts = [layout.byline] if layout.byline else []
    if layout.date:
        parts.append(("Updated: " if parts else "Published: ") + _date_text(rng, layout.date))
    if parts:
        lines += [" | ".join(parts), ""]
    for index, paragraph in enumerate(layout.body):
        lines += [(layout.dateline + paragraph) if index == 0 else paragraph, ""]
        for extra in layout.inserts.get(index, []):
            lines += [extra, ""]
    lines += layout.after_body + [""] + layout.related + [""] + layout.footer + layout.spam + layout.hidden
    return "\n".join(lines) + "\n"


def render_html(layout: Layout) -> str:
    e = html.escape
    meta = [f'<meta property="og:site_name" content="{e(layout.site[0])}">']
    if layout.byline:
        meta.append(f'<meta name="author" content="{e(layout.byline[3:])}">')
    if layout.date:
        meta.append(f'<meta property="article:published_time" content="{layout.date.isoformat()}T08:00:00+00:00">')
    paragraphs = []
    for index, paragraph in enumerate(layout.body):
        paragraphs.append(f"<p>{e((layout.dateline + paragraph) if index == 0 else paragraph)}</p>")
        paragraphs += [f"<p>{e(extra)}</p>" for extra in layout.inserts.get(index, [])]
    paragraphs += [f"<p>{e(extra)}</p>" for extra in layout.after_body]
    byline = " | ".join(filter(None, [layout.byline, layout.date.strftime("%d %B %Y") if layout.date else None]))
    return (
        f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{e(layout.title)}</title>{''.join(meta)}</head><body>"
        f"<header><nav>{''.join(f'<a href=/>{e(n)}</a> ' for n in layout.nav)}</nav></header><main><article>"
        f"<h1>{e(layout.title)}</h1>" + (f'<div class="byline">{e(byline)}</div>' if byline else "") + "".join(paragraphs)
        + "</article></main>" + "".join(f"<div style=\"display:none\">{e(h)}</div>" for h in layout.hidden)
        + f"<footer>{''.join(f'<p>{e(f)}</p>' for f in layout.footer + layout.spam)}</footer></body></html>"
    )  # fmt: skip


def page(rng: random.Random, name: str, layout: Layout) -> Page:
    content = render_html(layout) if layout.kind == "html" else render_text(rng, layout)
    return Page(name, layout.kind, content, frozenset(layout.labels), url=layout.url, note=layout.note)


def _own_url(layout: Layout) -> str:
    return f"https://www.{layout.site[1]}/news/{layout.title.lower().replace(' ', '-')[:40]}"


# Features ----------------------------------------------------------------------------------------

AI_DISCLOSURES = [
    "Note on AI: This report was compiled with the help of an AI system and reviewed by an editor.",
    "AI-generated article",
    "Artificial intelligence wrote this story using public statements; no reporter was involved.",
    "Disclosure: this summary was generated automatically by a language model.",
    "The text of this page was produced by generative AI from agency reports.",
    "We used an AI tool to write this article from the council's press release.",
    "This news digest is AI-generated and may contain errors.",
    "AI disclaimer - An artificial-intelligence engine assembled this page from several sources; mistakes are possible.",
    "This article has been translated from Tessalian with an AI translation tool.",
    "Generated by AI",
    "About this article: our AI model wrote this summary from public sources, and an editor checked it.",
    "Content generated with the assistance of AI",
    "This piece was created by our AI newsroom assistant and may be updated.",
    "Editor's note: parts of this story were drafted using ChatGPT before being checked by staff.",
    "Machine-written summary",
]
AI_NEWS = [
    "The agency said its AI system generated the flood maps used by emergency crews.",
    "A survey found that one in five local news sites now publish articles written by AI.",
    "Disclaimer: The author owns shares in the company mentioned in this article.",
    "AI-generated videos of the storm were shared thousands of times before being removed.",
    "None of our reporting is generated by AI, the editor-in-chief told staff at a meeting.",
    "This story was written by Ana Ruiz with additional reporting by Tomas Brec.",
    "The festival's poster, the organisers admitted, was created with an AI image tool.",
    "Lawmakers asked whether the article of the treaty was drafted using outdated language.",
    "An AI-generated summary of the budget, shared on social media, contained errors, the ministry said.",
    "The company disclosed that its chatbot wrote most of the answers on its help pages.",
    "Was this story written by AI? Readers asked after a strange error appeared in print.",
]
LEFTOVERS = [
    "As an AI developed to assist with writing, I cannot verify these numbers.",
    "I'm sorry, but I am unable to provide real-time updates on the negotiations.",
    "Sure, here is the article rewritten in a more formal style:",
    "Regenerate",
    "As of my latest training data, the stadium had not yet been completed.",
    "Rewrite the above article in a neutral, newsy style.",
    "I hope this meets your needs.",
    "[Insert quote from the mayor here]",
    "Let me know if you want me to make more edits.",
    "Note: As a language model, I can't access the council's latest minutes.",
    "I cannot fulfill this request as it goes against my guidelines.",
    "Here's a revised version of the news piece with improved flow:",
    "As an artificial intelligence, I do not hold political opinions about the vote.",
    "Certainly. Below is a concise news article about the council meeting.",
    "Here is your SEO-optimized article:",
    "Please note that as an AI language model, I cannot confirm the final figures.",
]
LEFTOVER_NEWS = [
    "\"As an AI, I don't vote,\" the chatbot answered when reporters asked about the election.",
    "The bank said its AI model generated more than half of the customer replies last month.",
    "Here is the revised list of polling stations, published by the election commission on Monday:",
    "Sure, the minister said, the bridge will open on time and within budget.",
    "\"I'm sorry, but I cannot comment on an ongoing investigation,\" the police spokesman said.",
    "Teachers asked pupils to rewrite the following paragraph in their own words.",
    "The regenerated wetland now hosts rare birds, conservationists said on Sunday.",
    "As an AI ethics researcher, Dr Brec has advised the government since 2022.",
    "Critics say phrases such as \"as of my last update\" reveal machine-written text.",
    "“As an AI, I can’t tell you who will win,” the assistant told users during the test.",
    "The museum hopes the new wing helps, and its director said the response had been warm.",
]
CJK_TERMS = ["无码", "中文字幕", "人妻", "一区二区", "东京热", "毛片", "偷拍", "熟妇", "国产精品", "在线观看", "免费视频", "午夜福利", "娱乐城", "百家乐", "六合彩", "时时彩", "彩金", "体育投注"]
CJK_FILL = ["高清", "专区", "最新", "精品", "视频", "在线", "免费", "播放"]
SYLLABLES = list("青白云北东南石金临长西花安平新华阳山河湖林")
EN_SPAM = ["best online casino", "casino bonus codes", "free spins today", "no deposit bonus", "cheap viagra", "buy cialis online",
           "payday loans fast", "replica watches sale", "online slots jackpot", "sports betting tips", "escort service",
           "buy instagram followers", "keto gummies", "male enhancement pills", "bitcoin doubler"]  # fmt: skip
SPAM_NEWS = [
    "Casino operators in Minsel said online casinos and sports betting grew last year, while revenue from slot machines fell again.",
    "The regulator approved a cheaper version of Viagra on Tuesday, and the maker of Cialis said it would cut prices without a prescription change.",
    "He said: \"我们坚决反对网络赌博，也会继续打击非法赌场。\" Officials in Orlan welcomed the statement.",
    "The sign at the border read \"欢迎来到我们的城市，祝您旅途愉快。\" in large red letters.",
]
MISSPELLED = [("(Reutres) - ", "dateline"), ("(Reuetrs) - ", "dateline"), (", Xinhau reports.", "tail"), (", according to Yonhpa.", "tail"),
              (", according to Anadolu Agnecy.", "tail"), (", Kyodo Nwes reported.", "tail"), (", a spokesman told Reutrs.", "tail"),
              (", according to the Asociated Press.", "tail"), (", Xinhuaa reports.", "tail"),
              (", according to Agence France-Prese.", "tail"), ("(Reuteres) - ", "dateline")]  # fmt: skip
CORRECT_CREDITS = [("(Reuters) - ", "dateline"), (", Xinhua reports.", "tail"), (", according to Kyodo.", "tail"),
                   (", according to Kyoto city officials.", "tail"), (", the Associated Press reported.", "tail"),
                   (", according to Tessaly's state broadcaster.", "tail"), (", a researcher at Kyoto University told Kyodo News.", "tail"),
                   (", according to Xinhua Li, a researcher in Orlan.", "tail"), (", Reuters Breakingviews reported.", "tail"),
                   (", according to Bernardo Ruiz of the port authority.", "tail"), ("(AFP) - ", "dateline")]  # fmt: skip
IMPOSTORS = [("China Daily", "chinadaily-asia-news.com"), ("Reuters", "reuters-news24.com"), ("CGTN", "cgtn-live.net"),
             ("Global Times", "globaltimes-world.net"), ("Xinhua", "xinhua-daily.info")]  # fmt: skip
GENUINE = [("China Daily", "chinadaily.com.cn"), ("Reuters", "reuters.com"), ("CGTN", "cgtn.com"), ("Global Times", "globaltimes.cn")]


def _first_tail(layout: Layout, credit: tuple[str, str]) -> None:
    text, where = credit
    if where == "dateline":
        layout.dateline = f"{rng_town(layout).upper()}, " + text
    else:
        layout.body[0] = layout.body[0].rstrip(".") + text


def rng_town(layout: Layout) -> str:
    return TOWNS[len(layout.title) % len(TOWNS)]


def _kind(rng: random.Random, layout: Layout, html_share: float = 0.3) -> None:
    if rng.random() < html_share:
        layout.kind = "html"


Case = Callable[[random.Random, str], Page]


def clean(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    _kind(rng, layout)
    return page(rng, name, layout)


def ai_disclosure(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    text = rng.choice(AI_DISCLOSURES)
    layout.after_body.append(text)
    layout.labels.add("ai-disclosure")
    layout.note = text
    _kind(rng, layout)
    return page(rng, name, layout)


def ai_news(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    layout.inserts[1] = [rng.choice(AI_NEWS)]
    layout.note = layout.inserts[1][0]
    _kind(rng, layout)
    return page(rng, name, layout)


def ai_leftover(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    text = rng.choice(LEFTOVERS)
    layout.inserts[rng.randint(0, len(layout.body) - 1)] = [text]
    layout.labels.add("ai-leftover")
    layout.note = text
    _kind(rng, layout)
    return page(rng, name, layout)


def leftover_news(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    layout.inserts[1] = [rng.choice(LEFTOVER_NEWS)]
    layout.note = layout.inserts[1][0]
    _kind(rng, layout)
    return page(rng, name, layout)


def _cjk_list(rng: random.Random) -> str:
    items = ["".join(rng.sample(CJK_TERMS, 2)) + rng.choice(CJK_FILL) for _ in range(rng.randint(8, 14))]
    return rng.choice(["| ", "|", " "]).join(items) + "|"


def _spider_pool(rng: random.Random) -> str:
    places = ["".join(rng.sample(SYLLABLES, 2)) + rng.choice("县市镇区") for _ in range(rng.randint(12, 24))]
    return rng.choice(["主站蜘蛛池模板： ", "主站蜘蛛池模板: "]) + "| ".join(places) + "|"


def seo_spam(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(4)
    if variant == 0:
        layout.spam.append(_cjk_list(rng))
    elif variant == 1:
        layout.spam.append(_spider_pool(rng))
    elif variant == 2:
        layout.spam.append(rng.choice([" | ", " · ", " | "]).join(rng.sample(EN_SPAM, rng.randint(6, 10))))
    else:
        layout.kind = "html"
        layout.hidden.append(" ".join(rng.sample(EN_SPAM, rng.randint(6, 10))))
    layout.labels.add("seo-spam")
    layout.note = (layout.spam or layout.hidden)[0][:60]
    if variant < 3:
        _kind(rng, layout, 0.2)
    return page(rng, name, layout)


def spam_news(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(4)
    if variant == 0:
        layout.nav.insert(0, "English | 中文 | Français | Español | Русский | 日本語")
    elif variant == 1:
        layout.inserts[1] = [rng.choice(SPAM_NEWS)]
    elif variant == 2:
        layout.related += ["Sports betting firms face new tax", "Online casinos hit by week-long outage", "Slot machines banned in bars"]
    else:
        layout.body[1] = (f"Casino operators in {rng.choice(TOWNS)} reported that online casinos and sports betting grew, "
                          "while slot machines lost ground to mobile games, the gaming board said.")
        layout.after_body.append("Tags: casino, online casinos, sports betting, slot machines, gaming regulation")
    layout.note = f"spam negative {variant}"
    _kind(rng, layout)
    return page(rng, name, layout)


def attribution(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    if rng.random() < 0.6:
        credit = rng.choice(MISSPELLED)
        _first_tail(layout, credit)
        layout.note = credit[0]
    else:
        claimed, domain = rng.choice(IMPOSTORS)
        layout.url = f"https://www.{domain}/world/{rng.randint(1000, 9999)}.html"
        layout.site = (claimed, domain)
        layout.footer[0] = f"Copyright © 2025 {claimed}. All rights reserved."
        layout.masthead = layout.kind == "text"
        layout.note = f"{claimed} on {domain}"
        _kind(rng, layout)
    layout.labels.add("attribution")
    return page(rng, name, layout)


def attribution_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    if rng.random() < 0.6:
        credit = rng.choice(CORRECT_CREDITS)
        _first_tail(layout, credit)
        layout.note = credit[0]
    else:
        claimed, domain = rng.choice(GENUINE)
        layout.url = f"https://www.{domain}/world/{rng.randint(1000, 9999)}.html"
        layout.site = (claimed, domain)
        layout.footer[0] = f"Copyright © 2025 {claimed}. All rights reserved."
        layout.masthead = True
        layout.after_body.append("Source: Xinhua")
        layout.note = f"{claimed} on its own {domain}"
    _kind(rng, layout)
    return page(rng, name, layout)


ANNIVERSARIES = [
    "The two governments marked the {n}th anniversary of diplomatic relations on {day}. Relations were established in {y}.",
    "Crowds gathered in {town} for the {n}th anniversary of the founding of the port, which opened in {y}.",
    "Officials said the {n}th anniversary of the treaty, signed in {y}, would be celebrated with a concert.",
]


def staleness(rng: random.Random, name: str) -> Page:
    undated = rng.random() < 0.5
    layout = base(rng, has_date=not undated)
    if rng.random() < 0.75:
        year = rng.randint(2012, NOW.year - 3 if undated else 2022)
        n = rng.choice([20, 25, 30, 40, 50, 60, 70, 75])
        text = rng.choice(ANNIVERSARIES).format(n=n, y=year - n, day=rng.choice(DAYS), town=rng.choice(TOWNS))
        layout.inserts[0] = [text]
    else:
        old = dt.date(rng.randint(2015, 2022), rng.randint(1, 12), rng.randint(1, 28))
        layout.dateline = f"{rng.choice(TOWNS).upper()}, {old.strftime('%b %d, %Y')} (Orlan Wire) - "
        text = layout.dateline
    layout.labels.add("staleness")
    layout.note = text
    _kind(rng, layout)
    return page(rng, name, layout)


def staleness_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng, has_date=rng.random() < 0.6)
    year = layout.date.year if layout.date else NOW.year
    n = rng.choice([20, 30, 50, 60, 70, 75])
    variant = rng.randrange(5)
    if variant == 0:
        text = rng.choice(ANNIVERSARIES).format(n=n, y=year - n, day=rng.choice(DAYS), town=rng.choice(TOWNS))
    elif variant == 4:
        text = f"The museum, which marked the {n}th anniversary of its founding in {year - 2 - n} two years ago, reopens on Friday."
    elif variant == 1:
        text = f"In {2019}, the city marked the {n}th anniversary of its founding in {2019 - n}, and the celebrations were repeated this year."
    elif variant == 2:
        text = f"Next year marks the {n}th anniversary of the treaty, which was signed in {year + 1 - n}."
    else:
        layout.dateline = f"{rng.choice(TOWNS).upper()}, {rng.choice(['May 4', 'Oct 12', 'Jan 30'])} (Orlan Wire) - "
        text = layout.dateline
    if variant != 3:
        layout.inserts[0] = [text]
    layout.note = text
    _kind(rng, layout)
    return page(rng, name, layout)


def metadata(rng: random.Random, name: str) -> Page:
    missing = rng.choice(["byline", "date", "both"])
    layout = base(rng, has_byline=missing == "date", has_date=missing == "byline")
    layout.note = f"missing {missing}"
    _kind(rng, layout)
    return page(rng, name, layout)


def metadata_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    if rng.random() < 0.4:
        layout.byline = "Source: Xinhua"
    layout.note = f"byline {layout.byline}"
    _kind(rng, layout)
    return page(rng, name, layout)


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("cp1252", errors="replace")


def encoding(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(4)
    if variant == 0:
        layout.inserts[1] = [_mojibake(f"The mayor’s office in Montréal said the café would reopen – officials confirmed on {rng.choice(DAYS)}.")]
    elif variant == 1:
        layout.nav.insert(0, rng.choice(["Global Edition 中文 Fran?ais Espa?ol", "Deutsch | Fran?ais | Portugu?s"]))
    elif variant == 2:
        layout.inserts[1] = [f"Residents of Montr\ufffdal and Z\ufffdrich joined the protest on {rng.choice(DAYS)}, organisers said."]
    else:
        layout.inserts[1] = [f"The delegation from Montr?al and Z?rich arrived on {rng.choice(DAYS)} for the talks, officials said."]
    layout.labels.add("encoding")
    layout.note = f"encoding {variant}"
    _kind(rng, layout)
    return page(rng, name, layout)


def encoding_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    layout.inserts[1] = [rng.choice([
        "SÃO PAULO, the largest city of Brazil, sent a delegation to the talks in Orlan on Monday.",
        "The café owners of Montréal and Zürich said the new rules would help them, according to officials.",
        "Details are online at https://www.orlan.example/plan?id=42&lang=en for anyone who wants to comment.",
        "What? Nobody told us, said one resident. Really? Yes, the works start next week.",
        "Visitors from Kraków, Gdańsk and Łódź joined the festival, which ran until Sunday night.",
        "Delegates from Hà Nội, İstanbul and Ålesund signed the Größe accord, the organisers said.",
        "¿Qué pasa? asked the banner carried by students from Pardo, who oppose the plan.",
    ])]  # fmt: skip
    layout.note = layout.inserts[1][0]
    _kind(rng, layout)
    return page(rng, name, layout)


def rights(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    layout.url = _own_url(layout)
    variant = rng.randrange(3)
    if variant == 0:
        layout.footer = ["Copyright ©1999-2025 Chinanews.com. All rights reserved.", "Reproduction in whole or in part without permission is prohibited."]
        layout.labels.add("attribution")  # the closing copyright line claims another outlet
    elif variant == 1:
        layout.after_body.append("This article first appeared in China Daily. The content belongs to China Daily Information Co and may not be republished without written authorization.")
    else:
        layout.after_body.append("© 2025 Reuters. Republication or redistribution of Reuters content is expressly prohibited without the prior written consent of Reuters.")
    layout.labels.add("rights")
    layout.note = f"rights {variant}"
    _kind(rng, layout, 0.2)
    return page(rng, name, layout)


def rights_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(4)
    if variant == 0:
        layout.url = f"https://www.ecns.cn/news/{rng.randint(100, 999)}.shtml"
        layout.site = ("China News Service", "ecns.cn")
        layout.footer = ["Copyright ©1999-2025 Chinanews.com. All rights reserved.", "Reproduction in whole or in part without permission is prohibited."]
    elif variant == 1:
        layout.url = _own_url(layout)
        layout.footer[0] = f"© 2025 {layout.site[0]} Media Ltd. Reproduction in whole or in part without permission is prohibited."
    elif variant == 2:
        layout.footer = ["Copyright ©1999-2025 Chinanews.com. All rights reserved.", "Reproduction in whole or in part without permission is prohibited."]
    else:
        layout.url = _own_url(layout)
        layout.footer[0] = "© 2025 Harbourline Holdings. Content may not be reproduced without permission."
    layout.note = f"rights negative {variant}"
    _kind(rng, layout, 0.2)
    return page(rng, name, layout)


BANNERS = [
    "We use cookies to personalise content and ads. By continuing to use this site you accept our use of cookies.",
    "Sign up to our weekly newsletter for the best of the coast, straight to your inbox.",
    "ADVERTISEMENT",
    "Story continues below advertisement",
    "Enter your email address to get our morning briefing.",
]


def scrape(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(3)
    if variant == 0:
        layout.titles = rng.choice([2, 3])
    elif variant == 1:
        layout.teaser = True
    else:
        layout.inserts[rng.randint(0, len(layout.body) - 2)] = [rng.choice(BANNERS)]
    layout.labels.add("scrape-artifact")
    layout.note = f"scrape {variant}"
    return page(rng, name, layout)


def scrape_negative(rng: random.Random, name: str) -> Page:
    layout = base(rng)
    variant = rng.randrange(4)
    if variant == 3:  # a publisher's own HTML page: its widgets are not a scrape artifact
        layout.kind = "html"
        layout.inserts[1] = [rng.choice(BANNERS)]
        layout.note = "banner in a publisher's HTML page"
        return page(rng, name, layout)
    if variant == 0:
        layout.nav.insert(0, "We use cookies on this website. Accept all | Manage settings")
    elif variant == 1:
        layout.inserts[1] = ["Bakers in Orlan sold more than 4,000 cookies at the harvest fair, organisers said on Sunday."]
    else:
        layout.inserts[1] = ["The paper's editor said readers who subscribe to the newsletter will get early access to festival tickets."]
    layout.note = f"scrape negative {variant}"
    _kind(rng, layout)
    return page(rng, name, layout)


CASES: list[tuple[str, Case]] = [
    ("clean", clean),
    ("ai-disclosure", ai_disclosure), ("ai-news", ai_news),
    ("ai-leftover", ai_leftover), ("leftover-news", leftover_news),
    ("seo-spam", seo_spam), ("spam-news", spam_news),
    ("attribution", attribution), ("attribution-negative", attribution_negative),
    ("staleness", staleness), ("staleness-negative", staleness_negative),
    ("metadata", metadata), ("metadata-negative", metadata_negative),
    ("encoding", encoding), ("encoding-negative", encoding_negative),
    ("rights", rights), ("rights-negative", rights_negative),
    ("scrape", scrape), ("scrape-negative", scrape_negative),
]  # fmt: skip
