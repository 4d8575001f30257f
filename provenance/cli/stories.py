"""``provenance story`` and ``provenance show``: a story's derivation, an article's findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from .common import DbOption, clip, fail, open_read_only

PassagesOption = Annotated[int, typer.Option("--passages", metavar="N", help="Matching passages shown per link.", min=0)]


def story_command(
    story_id: Annotated[int, typer.Argument(help="Story id (articles.story_id).", metavar="STORY_ID")],
    db: DbOption = None,
    passages: PassagesOption = 2,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON document.")] = False,
    graph: Annotated[Path | None, typer.Option(
        "--graph", help="Write the derivation graph as an SVG picture to this file.", metavar="FILE.svg",
        dir_okay=False, show_default=False)] = None,
) -> None:
    """Print a story's derivation tree with each link's evidence, and its disagreements side by side."""
    from ..outputs.graph import load_story_graph, render_svg

    store = open_read_only(db)
    story = store.story_row(story_id)
    if story is None:
        store.close()
        raise fail(f"story {story_id}: no such story", "Try `provenance show ARTICLE` to find an article's story.")
    members = store.story_members(story_id)
    disagreements = store.disagreements_of(story_id=story_id)
    picture = load_story_graph(store.db.conn, story_id)
    store.close()
    if graph is not None and picture is not None:
        try:
            graph.write_text(render_svg(picture), encoding="utf-8")
        except OSError as exc:
            raise fail(f"{graph}: cannot write the graph ({exc.strerror or exc})") from None
    if as_json:
        for member in members:
            member["evidence"] = json.loads(member["evidence"] or "{}").get("aligned", [])[:passages]
        typer.echo(json.dumps({"story": story, "members": members, "disagreements": disagreements,
                               "graph": str(graph) if graph else None}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"Story {story_id}: {story['title'] or '(no title)'}")
    span = " to ".join(dict.fromkeys(d for d in (story["first_published"], story["last_published"]) if d)) or "no dates"
    typer.echo(f"  {story['articles']} article(s), {span}")
    origin = f"#{story['origin_id']}" if story["origin_id"] else "unseen common source"
    typer.echo(f"  origin: {origin} ({story['origin_reason']})\n")
    children: dict[int | None, list[dict[str, Any]]] = {}
    ids = {m["id"] for m in members}
    for member in members:
        parent = member["source_id"] if member["source_id"] in ids else None
        children.setdefault(parent, []).append(member)
    for root in children.get(None, []):
        _print_tree(root, children, "", passages, is_root=True)
    _print_disagreements(disagreements)
    if graph is not None:
        typer.echo(f"\nGraph written to {graph}")


def _print_tree(member: dict[str, Any], children: dict[int | None, list[dict[str, Any]]], indent: str,
                passages: int, *, is_root: bool = False, is_last: bool = True) -> None:
    date = (member["published"] or "no date")[:10]
    head = f"{date:<10}  #{member['id']:<5} {clip(member['outlet'] or '(unknown outlet)', 24):<24} {clip(member['title'] or '(no title)', 60)}"
    branch = "" if is_root else ("└─ " if is_last else "├─ ")
    typer.echo(f"{indent}{branch}{head}")
    inner = indent + ("" if is_root else ("   " if is_last else "│  "))
    if member["relation"] and not is_root:
        typer.echo(f"{inner}   {member['relation']} of #{member['source_id']}, similarity {member['similarity']:.2f}: "
                   f"{member['reason']}; {member['primary_reason']}")
        for pair in _best(json.loads(member["evidence"] or "{}").get("aligned", []), passages):
            typer.echo(f"{inner}     > {clip(pair['sentence'], 100)}")
            typer.echo(f"{inner}     < {clip(pair['other_sentence'], 100)}  ({pair['score']:.0f})")
    if member["unordered"]:
        linked = ", ".join(f"{part.split()[0]} with #{part.split()[1]}" for part in member["unordered"].split(", "))
        typer.echo(f"{inner}   direction unknown: {linked}")
    kids = children.get(member["id"], [])
    for i, child in enumerate(kids):
        _print_tree(child, children, inner, passages, is_last=i == len(kids) - 1)


def show_command(
    article: Annotated[str, typer.Argument(help="Article id, input location or URL.", metavar="ARTICLE")],
    db: DbOption = None,
    passages: PassagesOption = 3,
    as_json: Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON document.")] = False,
) -> None:
    """Print an article: metadata, flags with their evidence, facts, disagreements and copies."""
    store = open_read_only(db)
    article_id = store.find_article(article)
    if article_id is None:
        store.close()
        raise fail(f"{article}: no such article in the audit database")
    row = store.article_row(article_id)
    zones = store.db.execute(
        "SELECT kind, count(*) FROM zones WHERE article_id = ? GROUP BY kind ORDER BY min(start_offset)", [article_id]
    ).fetchall()
    links = store.links_of(article_id)
    flags = store.flags_of(article_id)
    facts = store.fact_rows(article_id)
    disagreements = store.disagreements_of(article_id)
    store.close()
    if as_json:
        meta = {k: v for k, v in row.items() if k not in ("text",)}
        for link in links:
            link["evidence"] = json.loads(link["evidence"] or "{}").get("aligned", [])[:passages]
        typer.echo(json.dumps({"article": meta, "zones": dict(zones), "flags": flags, "facts": facts,
                               "disagreements": disagreements, "copies": links}, ensure_ascii=False, indent=2))
        return
    typer.echo(f"#{row['id']} {row['title'] or '(no title)'}")
    for label, key in (("location", "location"), ("url", "url"), ("outlet", "site_name"), ("domain", "domain"),
                       ("byline", "byline"), ("published", "published"), ("story", "story_id")):
        if row[key] is not None:
            extra = f" (from {row['published_source']})" if key == "published" else ""
            typer.echo(f"  {label:<10} {row[key]}{extra}")
    typer.echo(f"  {'words':<10} {row['word_count']}")
    typer.echo(f"  {'zones':<10} " + ", ".join(f"{kind} ×{count}" for kind, count in zones))
    _print_flags(flags, row["location"])
    _print_facts(facts)
    _print_disagreements(disagreements)
    copies = [link for link in links if link["relation"] != "related"]
    related = [link for link in links if link["relation"] == "related"]
    typer.echo(f"\nCopies ({len(copies)})" if copies else "\nCopies: none found.")
    for link in copies:
        _print_link(link, article_id, passages)
    if related:
        typer.echo(f"\nSame topic, not copies ({len(related)})")
        for link in related:
            mine = link["article_id"] == article_id
            other = link["source_id"] if mine else link["article_id"]
            title = link["source_title"] if mine else link["article_title"]
            typer.echo(f"  related to #{other} {clip(title or '(no title)', 60)} (similarity {link['similarity']:.2f})")


def _print_link(link: dict[str, Any], article_id: int, passages: int) -> None:
    mine = link["article_id"] == article_id
    other = link["source_id"] if mine else link["article_id"]
    title = link["source_title"] if mine else link["article_title"]
    outlet = link["source_outlet"] if mine else link["article_outlet"]
    role = {("derived", True): "derives from", ("derived", False): "copied by"}.get(
        (link["direction"], mine), "shares a text with (direction unknown)")
    star = " [primary source]" if link["is_primary"] and mine else ""
    typer.echo(f"  {link['relation']} — {role} #{other} {clip(outlet or '(unknown outlet)', 24)}: "
               f"{clip(title or '(no title)', 60)}{star}")
    typer.echo(f"    why: {link['reason']}; similarity {link['similarity']:.2f}, containment "
               f"{link['containment']:.2f} / {link['source_containment']:.2f}")
    for pair in _best(json.loads(link["evidence"] or "{}").get("aligned", []), passages):
        this, that = (pair["sentence"], pair["other_sentence"]) if mine else (pair["other_sentence"], pair["sentence"])
        typer.echo(f"      > {clip(this, 110)}")
        typer.echo(f"      < {clip(that, 110)}  ({pair['score']:.0f})")


def _print_flags(flags: list[dict[str, Any]], location: str) -> None:
    if not flags:
        typer.echo("\nFlags: none.")
        return
    typer.echo(f"\nFlags ({len(flags)})")
    for flag in flags:
        review = f"  [{flag['review']} by {flag['reviewer']}" + (f": {flag['review_note']}" if flag["review_note"] else "") \
            + "]" if flag["review"] else ""
        typer.echo(f"  {flag['severity']}[{flag['rule_id']}] {flag['message']}  (flag {flag['id']}){review}")
        where = f"in the {flag['zone']} zone" if flag["zone"] else "the article as a whole"
        offsets = f":{flag['start_offset']}-{flag['end_offset']}" if flag["start_offset"] is not None else ""
        typer.echo(f"    --> {location}{offsets}, {where}")
        if flag["matched"]:
            typer.echo(f"    evidence: {clip(' '.join(str(flag['matched']).split()), 110)!r}")


def _print_facts(facts: list[dict[str, Any]]) -> None:
    if not facts:
        typer.echo("\nFacts: none extracted.")
        return
    typer.echo(f"\nFacts ({len(facts)})")
    for fact in facts:
        unit = f" {fact['unit']}" if fact["unit"] and fact["kind"] in ("money", "count", "duration", "percent") else ""
        qualifier = f"{fact['qualifier']} " if fact["qualifier"] else ""
        resolved = f"  (dates to {fact['resolved']})" if fact["resolved"] and fact["resolved"] != fact["value"] else ""
        typer.echo(f"  {fact['kind']:<12} {clip(repr(fact['text']), 40):<40} = {qualifier}{fact['value']}{unit}{resolved}")


def _print_disagreements(items: list[dict[str, Any]]) -> None:
    if not items:
        typer.echo("\nDisagreements: none.")
        return
    typer.echo(f"\nDisagreements and inconsistencies ({len(items)})")
    for item in items:
        review = f" [{item['review']}]" if item["review"] else ""
        if item["other_article_id"] is None:
            typer.echo(f"  inconsistency in #{item['article_id']} ({item['kind']}, {item['rule_id']}, "
                       f"confidence {item['confidence']:.2f}, disagreement {item['id']}){review}")
            typer.echo(f"    implies {item['value']}: {item['reason']}")
            typer.echo(f"    > {clip(item['sentence'] or '', 110)}")
            continue
        typer.echo(f"  {item['status']}: {item['kind']} (confidence {item['confidence']:.2f}, "
                   f"disagreement {item['id']}){review}")
        left = f"#{item['article_id']} {item['outlet'] or ''} {(item['published'] or '')[:10]}".strip()
        right = f"#{item['other_article_id']} {item['other_outlet'] or ''} {(item['other_published'] or '')[:10]}".strip()
        typer.echo(f"    {clip(left, 40):<40} | {clip(right, 40)}")
        typer.echo(f"    {clip(str(item['value']), 40):<40} | {clip(str(item['other_value']), 40)}")
        typer.echo(f"    > {clip(item['sentence'] or '', 110)}")
        typer.echo(f"    < {clip(item['other_sentence'] or '', 110)}")
        typer.echo(f"    why: {item['reason']}")


def _best(pairs: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    return sorted(pairs, key=lambda p: -float(p["score"]))[:count]

