"""A report rendered five ways: plain text (the email's text part), Markdown, HTML (the email's
HTML part), a JSON object, and rich tables for the terminal.

Titles, messages, sentences and evidence come from articles and are untrusted: every
renderer makes them one line without control or bidirectional-override characters, and
escapes them for its format (HTML entities, Markdown backslashes, rich ``Text`` rather
than markup). Links point at rows of the database in Datasette when a base URL is known.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .graph import StoryGraph, render_svg
from .report import DisagreementItem, FlagItem, Report, SourceLine, StoryItem

__all__ = ["clean", "render_html", "render_markdown", "render_rich", "render_text", "report_json", "report_subject"]


_UNSAFE = re.compile("[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean(text: object, width: int = 300) -> str:
    """One line of untrusted text: no control, line-breaking or bidi-override characters; clipped."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    value = " ".join(_UNSAFE.sub(" ", value).split())
    return value if len(value) <= width else value[: width - 1] + "…"


def _md(text: object, width: int = 300) -> str:
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&])", r"\\\1", clean(text, width))


def _h(text: object, width: int = 300) -> str:
    return html.escape(clean(text, width), quote=True)


# --- shared wording -------------------------------------------------------------


def _when(stamp: str | None) -> str:
    return f"{stamp[:10]} {stamp[11:16]} UTC" if stamp and len(stamp) >= 16 else (stamp or "")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def report_subject(report: Report) -> str:
    """The email subject: counts only, nothing taken from an article."""
    if report.is_empty:
        return f"[provenance] nothing new in {clean(report.database, 40)}"
    severities = report.severity_counts()
    parts = [_plural(n, name) for name, n in severities.items() if n and name != "info"]
    parts += [_plural(severities["info"], "info flag")] if severities["info"] else []
    parts += [_plural(len(report.disagreements), "disagreement")] if report.disagreements else []
    parts += [_plural(len(report.stories), "new story", "new stories")] if report.stories else []
    return f"[provenance] {clean(report.database, 40)}: " + ", ".join(parts)


def _scope(report: Report) -> str:
    if report.since_utc:
        window = f"Since {_when(report.since_utc)}"
    elif report.last_report_utc:
        window = f"New since the last report ({_when(report.last_report_utc)})"
    else:
        window = "Everything not yet reported"
    level = "" if report.min_severity == "info" else f", severity {report.min_severity} and above"
    return f"{window}{level}"


def _summary(report: Report) -> str:
    severities = report.severity_counts()
    detail = ", ".join(_plural(n, name, "info" if name == "info" else None) for name, n in severities.items() if n)
    flags = _plural(len(report.flags), "flag") + (f" ({detail})" if detail else "")
    stories = _plural(len(report.stories), "new story", "new stories")
    return f"{flags}, {_plural(len(report.disagreements), 'disagreement')}, {stories}."


def _article(title: str | None, outlet: str | None, article_id: int | None, published: str | None = None) -> str:
    bits = [clean(outlet, 60) or "unknown outlet"] + ([published[:10]] if published else [])
    return f"#{article_id} {clean(title, 120) or '(no title)'} ({', '.join(bits)})"


def _more(report: Report, kind: str, total: int) -> tuple[str, str | None]:
    hidden = total - report.shown
    link = None
    if report.links:
        params = {"since": report.since_utc or report.last_report_utc or "", "severity": report.min_severity}
        link = {
            "flags": report.links.query("flags_since", **params),
            "disagreements": report.links.database + "/disagreement_details?_sort_desc=disagreement_id",
            "stories": report.links.database + "/stories?_sort_desc=id",
        }[kind]
    return f"… and {hidden} more", link


def _article_link(report: Report, article_id: int | None) -> str | None:
    return report.links.row("articles", article_id) if report.links and article_id is not None else None


def _flag_link(report: Report, item: FlagItem) -> str | None:
    return report.links.row("flags", item.id) if report.links else None


def _disagreement_link(report: Report, item: DisagreementItem) -> str | None:
    if not report.links:
        return None
    if item.story_id is not None:
        return report.links.query("story_disagreements", story=str(item.story_id))
    return report.links.row("disagreements", item.id)


def _story_link(report: Report, item: StoryItem) -> str | None:
    return report.links.query("story_derivation", story=str(item.id)) if report.links else None


def _source_link(report: Report, item: SourceLine) -> str | None:
    return report.links.query("domain_articles", domain=item.key.removeprefix("name:")) if report.links else None


def _source_findings(item: SourceLine) -> str:
    bits = [_plural(n, word) for n, word in ((item.errors, "error"), (item.warnings, "warning"),
                                              (item.infos, "info flag"), (item.disagreements, "disagreement")) if n]
    score = "no score" if item.score is None else f"score {item.score:.0f}"
    return f"{', '.join(bits)}; {score}, {_plural(item.articles, 'article')} audited"


# --- plain text -----------------------------------------------------------------


def render_text(report: Report) -> str:
    """Plain text: the email's text part and ``--dry-run``."""
    out = [f"provenance report for {clean(report.database, 60)}, {_when(report.generated_utc)}", _scope(report) + ":"]
    if report.is_empty:
        out.append("Nothing new.")
        return "\n".join(out) + "\n"
    out.append(_summary(report))
    if report.flags:
        out += ["", "FLAGS"]
        for flag in report.flags[: report.shown]:
            out.append(f"  {flag.severity:<8} [{clean(flag.rule_id, 60)}] {clean(flag.message, 200)}")
            out.append(f"           {_article(flag.title, flag.outlet, flag.article_id, flag.published)}")
            if flag.matched:
                out.append(f"           matched: \"{clean(flag.matched, 160)}\"")
            if link := _flag_link(report, flag):
                out.append(f"           {link}")
        out += _text_more(report, "flags", len(report.flags))
    if report.disagreements:
        out += ["", "DISAGREEMENTS"]
        for item in report.disagreements[: report.shown]:
            if item.is_inconsistency:
                out.append(f"  {clean(item.kind, 40)}: the article implies {clean(item.value, 60)} (inconsistency within it)")
            else:
                out.append(f"  {clean(item.kind, 40)}: {clean(item.value, 60)} against {clean(item.other_value, 60)}"
                           f" ({clean(item.status, 20)})")
            if item.reason:
                out.append(f"    why: {clean(item.reason, 300)}")
            out.append(f"    {_article(item.title, item.outlet, item.article_id)}")
            out.append(f"      \"{clean(item.sentence, 240)}\"")
            if item.other_article_id is not None or item.other_sentence:
                out.append(f"    {_article(item.other_title, item.other_outlet, item.other_article_id)}")
                out.append(f"      \"{clean(item.other_sentence, 240)}\"")
            if link := _disagreement_link(report, item):
                out.append(f"    {link}")
        out += _text_more(report, "disagreements", len(report.disagreements))
    if report.stories:
        out += ["", "NEW STORIES"]
        for story in report.stories[: report.shown]:
            span = " to ".join(dict.fromkeys(d for d in (story.first_published, story.last_published) if d))
            out.append(f"  #{story.id} {clean(story.title, 120) or '(no title)'}")
            origin = f"origin #{story.origin_id} ({clean(story.origin_outlet, 60) or 'unknown outlet'})" \
                if story.origin_id else "origin unknown"
            out.append(f"    {_plural(story.articles, 'article')}, {span or 'no dates'}; {origin}")
            if link := _story_link(report, story):
                out.append(f"    {link}")
        out += _text_more(report, "stories", len(report.stories))
    if report.sources:
        out += ["", "WORST SOURCES"]
        for source in report.sources:
            out.append(f"  {clean(source.outlet, 60)}: {_source_findings(source)}")
            if link := _source_link(report, source):
                out.append(f"    {link}")
    return "\n".join(out) + "\n"


def _text_more(report: Report, kind: str, total: int) -> list[str]:
    if total <= report.shown:
        return []
    words, link = _more(report, kind, total)
    return [f"  {words}" + (f": {link}" if link else "")]


# --- Markdown -------------------------------------------------------------------


def _md_link(text: str, url: str | None) -> str:
    return f"[{text}](<{url}>)" if url else text


def render_markdown(report: Report) -> str:
    out = [f"# provenance report: {_md(report.database, 60)}", "", f"{_md(_scope(report))}: {_md(_summary(report))}"
           if not report.is_empty else f"{_md(_scope(report))}: nothing new."]
    if report.flags:
        out += ["", "## Flags", "", "| severity | rule | message | article | matched |", "|---|---|---|---|---|"]
        for flag in report.flags[: report.shown]:
            out.append(
                f"| {_md_link(flag.severity, _flag_link(report, flag))} | {_md(flag.rule_id, 60)} | "
                f"{_md(flag.message, 200)} | {_md(_article(flag.title, flag.outlet, flag.article_id, flag.published))} | "
                f"{_md(flag.matched, 120)} |"
            )
        out += _md_more(report, "flags", len(report.flags))
    if report.disagreements:
        out += ["", "## Disagreements", "", "| kind | value | sentence | other value | other sentence |", "|---|---|---|---|---|"]
        for item in report.disagreements[: report.shown]:
            kind = _md_link(_md(item.kind, 40), _disagreement_link(report, item))
            if item.is_inconsistency:
                other = f"within the article: {_md(item.reason, 300)}"
                out.append(f"| {kind} | {_md(item.value, 60)} | {_md(_article(item.title, item.outlet, item.article_id))}: "
                           f"{_md(item.sentence, 240)} | (inconsistency) | {other} |")
                continue
            out.append(
                f"| {kind} | {_md(item.value, 60)} | {_md(_article(item.title, item.outlet, item.article_id))}: "
                f"{_md(item.sentence, 240)} | {_md(item.other_value, 60)} | "
                f"{_md(_article(item.other_title, item.other_outlet, item.other_article_id))}: {_md(item.other_sentence, 240)} |"
            )
        out += _md_more(report, "disagreements", len(report.disagreements))
    if report.stories:
        out += ["", "## New stories", ""]
        for story in report.stories[: report.shown]:
            span = " to ".join(dict.fromkeys(d for d in (story.first_published, story.last_published) if d))
            title = _md_link(_md(story.title, 120) or "(no title)", _story_link(report, story))
            out.append(f"- {title}: {_plural(story.articles, 'article')}, {_md(span or 'no dates')}")
        out += _md_more(report, "stories", len(report.stories))
    if report.sources:
        out += ["", "## Worst sources", ""]
        for source in report.sources:
            out.append(f"- {_md_link(_md(source.outlet, 60), _source_link(report, source))}: {_md(_source_findings(source))}")
    return "\n".join(out) + "\n"


def _md_more(report: Report, kind: str, total: int) -> list[str]:
    if total <= report.shown:
        return []
    words, link = _more(report, kind, total)
    return ["", _md_link(_md(words), link)]


# --- HTML -----------------------------------------------------------------------

_CSS = (
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;max-width:960px}"
    "table{border-collapse:collapse;width:100%;margin:0 0 1em}"
    "th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top;font-size:14px}"
    "th{background:#f4f6f8}.sev{padding:1px 6px;border-radius:4px;font-weight:600;font-size:12px}"
    ".error{background:#fde2e1;color:#9b1c1c}.warning{background:#fdf0cd;color:#7a4d00}.info{background:#e4eefb;color:#1d4f91}"
    ".muted{color:#666;font-size:12px}mark{background:#fff3b0}"
)


def _a(text: str, url: str | None) -> str:
    """``text`` (already escaped) linked to ``url`` when there is one."""
    return f'<a href="{html.escape(url, quote=True)}">{text}</a>' if url else text


def render_html(report: Report, graph_src: Callable[[StoryGraph], str] | None = None) -> str:
    """A whole HTML document with inline styles: the email's HTML part and ``--html``.

    Each story graph is an ``<img>`` whose source ``graph_src`` gives (the email: a ``cid:`` of
    an attached PNG), else the SVG drawn inline.
    """
    title = f"provenance report: {_h(report.database, 60)}"
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title><style>{_CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{_h(_scope(report))}: {_h(_summary(report)) if not report.is_empty else 'nothing new.'}</p>",
    ]
    if report.flags:
        out += ["<h2>Flags</h2>", "<table><tr><th>severity</th><th>finding</th><th>article</th></tr>"]
        for flag in report.flags[: report.shown]:
            sev = f'<span class="sev {_h(flag.severity, 10)}">{_h(flag.severity, 10)}</span>'
            matched = f'<br><mark>{_h(flag.matched, 160)}</mark>' if flag.matched else ""
            out.append(
                f"<tr><td>{_a(sev, _flag_link(report, flag))}</td>"
                f"<td>{_h(flag.message, 200)}{matched}<br><span class=\"muted\">{_h(flag.rule_id, 60)}</span></td>"
                f"<td>{_a(_h(_article(flag.title, flag.outlet, flag.article_id, flag.published)), _article_link(report, flag.article_id))}</td></tr>"
            )
        out.append("</table>")
        out += _html_more(report, "flags", len(report.flags))
    if report.disagreements:
        out += ["<h2>Disagreements</h2>", "<table><tr><th>fact</th><th>one copy</th><th>the other</th></tr>"]
        for item in report.disagreements[: report.shown]:
            out.append(
                f"<tr><td>{_a(_h(item.kind, 40), _disagreement_link(report, item))}<br>"
                f"<span class=\"muted\">{_h(item.status, 20)}</span></td>"
                f"<td><strong>{_h(item.value, 60)}</strong><br>{_h(item.sentence, 240)}<br>"
                f"<span class=\"muted\">{_a(_h(_article(item.title, item.outlet, item.article_id)), _article_link(report, item.article_id))}</span></td>"
                + (f"<td><em>inconsistency within the article</em><br>{_h(item.reason, 300)}</td></tr>"
                   if item.is_inconsistency else
                   f"<td><strong>{_h(item.other_value, 60)}</strong><br>{_h(item.other_sentence, 240)}<br>"
                   f"<span class=\"muted\">{_a(_h(_article(item.other_title, item.other_outlet, item.other_article_id)), _article_link(report, item.other_article_id))}</span></td></tr>")
            )
        out.append("</table>")
        out += _html_more(report, "disagreements", len(report.disagreements))
    if report.stories:
        out += ["<h2>New stories</h2>", "<table><tr><th>story</th><th>articles</th><th>origin</th></tr>"]
        for story in report.stories[: report.shown]:
            span = " to ".join(dict.fromkeys(d for d in (story.first_published, story.last_published) if d))
            origin = (f"#{story.origin_id} {_h(story.origin_outlet, 60)}" if story.origin_id else "unknown")
            out.append(
                f"<tr><td>{_a(_h(story.title, 120) or '(no title)', _story_link(report, story))}</td>"
                f"<td>{story.articles}<br><span class=\"muted\">{_h(span or 'no dates')}</span></td>"
                f"<td>{origin}<br><span class=\"muted\">{_h(story.origin_reason, 160)}</span></td></tr>"
            )
        out.append("</table>")
        for graph in report.graphs:
            alt = _h(f"Derivation graph of story {graph.story_id}: {graph.title}", 200)
            if graph_src is None:
                out.append(f'<figure class="story-graph">{render_svg(graph)}<figcaption>{alt}</figcaption></figure>')
            else:
                out.append(f'<p><img src="{html.escape(graph_src(graph), quote=True)}" alt="{alt}" '
                           f'style="max-width:100%;height:auto"></p>')
        out += _html_more(report, "stories", len(report.stories))
    if report.sources:
        out += ["<h2>Worst sources</h2>", "<table><tr><th>outlet</th><th>in this report</th></tr>"]
        for source in report.sources:
            out.append(f"<tr><td>{_a(_h(source.outlet, 60), _source_link(report, source))}</td>"
                       f"<td>{_h(_source_findings(source))}</td></tr>")
        out.append("</table>")
    out += [f'<p class="muted">Generated {_h(_when(report.generated_utc))} by provenance.</p>', "</body></html>"]
    return "\n".join(out) + "\n"


def _html_more(report: Report, kind: str, total: int) -> list[str]:
    if total <= report.shown:
        return []
    words, link = _more(report, kind, total)
    return [f"<p>{_a(html.escape(words), link)}</p>"]


# --- JSON and the terminal --------------------------------------------------------


def report_json(report: Report) -> dict[str, Any]:
    """Every item (not only the shown ones), with its Datasette link when a base URL is known."""
    data: dict[str, Any] = {
        "generated_utc": report.generated_utc, "database": report.database, "min_severity": report.min_severity,
        "since_utc": report.since_utc, "last_report_utc": report.last_report_utc,
        "counts": {"flags": len(report.flags), "disagreements": len(report.disagreements),
                   "stories": len(report.stories), **report.severity_counts()},
    }
    data["flags"] = [{**asdict(f), "link": _flag_link(report, f)} for f in report.flags]
    data["disagreements"] = [{**asdict(d), "link": _disagreement_link(report, d)} for d in report.disagreements]
    data["stories"] = [{**asdict(s), "link": _story_link(report, s)} for s in report.stories]
    data["worst_sources"] = [{**asdict(s), "link": _source_link(report, s)} for s in report.sources]
    return data


_STYLES = {"error": "bold red", "warning": "yellow", "info": "blue"}


def _cell(text: object, width: int = 120, link: str | None = None) -> Text:
    return Text(clean(text, width), style=f"link {link}" if link else "")


def render_rich(report: Report) -> RenderableType:
    """Rich tables for the terminal. Untrusted text goes in ``Text`` objects, never in markup."""
    parts: list[RenderableType] = [Text(f"{_scope(report)}: " + (_summary(report) if not report.is_empty else "nothing new."))]
    if report.flags:
        table = Table(title="Flags", title_justify="left", show_lines=True)
        for column, ratio in (("severity", None), ("finding", 3), ("article", 2)):
            table.add_column(column, overflow="fold", ratio=ratio)
        for flag in report.flags[: report.shown]:
            finding = _cell(flag.message, 200, _flag_link(report, flag))
            finding.append(f"\n{clean(flag.rule_id, 60)}", style="dim")
            if flag.matched:
                finding.append(f"\n“{clean(flag.matched, 120)}”", style="italic")
            table.add_row(Text(clean(flag.severity, 10), style=_STYLES.get(flag.severity, "")), finding,
                          _article_cell(flag.title, flag.outlet, flag.article_id, flag.published))
        parts.append(table)
        parts += _rich_more(report, "flags", len(report.flags))
    if report.disagreements:
        table = Table(title="Disagreements", title_justify="left", show_lines=True)
        for column, ratio in (("fact", None), ("one copy", 1), ("the other", 1)):
            table.add_column(column, overflow="fold", ratio=ratio)
        for item in report.disagreements[: report.shown]:
            one = Text(clean(item.value, 60), style="bold")
            one.append("\n").append_text(_article_cell(item.title, item.outlet, item.article_id))
            if item.is_inconsistency:
                other = Text("inconsistency within the article", style="italic")
                other.append("\n" + clean(item.reason, 300))
            else:
                other = Text(clean(item.other_value, 60), style="bold")
                other.append("\n").append_text(_article_cell(item.other_title, item.other_outlet, item.other_article_id))
            table.add_row(_cell(item.kind, 40, _disagreement_link(report, item)), one, other)
        parts.append(table)
        parts += _rich_more(report, "disagreements", len(report.disagreements))
    if report.stories:
        table = Table(title="New stories", title_justify="left")
        for column in ("story", "title", "articles", "dates", "origin"):
            table.add_column(column, overflow="fold")
        for story in report.stories[: report.shown]:
            span = " to ".join(dict.fromkeys(d for d in (story.first_published, story.last_published) if d))
            table.add_row(_cell(f"#{story.id}", 12, _story_link(report, story)), _cell(story.title),
                          str(story.articles), span or "no dates",
                          _cell(f"#{story.origin_id} {clean(story.origin_outlet, 60) or 'unknown outlet'}" if story.origin_id else "unknown"))
        parts.append(table)
        parts += _rich_more(report, "stories", len(report.stories))
    if report.sources:
        table = Table(title="Worst sources", title_justify="left")
        for column in ("outlet", "errors", "warnings", "disagreements", "score"):
            table.add_column(column, overflow="fold")
        for source in report.sources:
            table.add_row(_cell(source.outlet, 60, _source_link(report, source)), str(source.errors),
                          str(source.warnings), str(source.disagreements),
                          "—" if source.score is None else f"{source.score:.0f}")
        parts.append(table)
    return Group(*parts)


def _article_cell(title: str | None, outlet: str | None, article_id: int | None, published: str | None = None) -> Text:
    text = Text(f"#{article_id} {clean(title, 120) or '(no title)'}")
    where = ", ".join([clean(outlet, 60) or "unknown outlet"] + ([published[:10]] if published else []))
    text.append(f"\n{where}", style="dim")
    return text


def _rich_more(report: Report, kind: str, total: int) -> list[RenderableType]:
    if total <= report.shown:
        return []
    words, link = _more(report, kind, total)
    return [_cell(words + (f": {link}" if link else ""), 400)]
