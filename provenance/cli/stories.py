"""``provenance story`` and ``provenance show``: a story's derivation, an article's findings."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .common import DbOption, clip, fail, open_read_only

PassagesOption = Annotated[int, typer.Option("--passages", help="Matching passages shown per link.", min=0)]


def story_command(story_id: Annotated[int, typer.Argument(help="Story id (articles.story_id).")], db: DbOption = None,
                  passages: PassagesOption = 2) -> None:
    """Print a story's articles in time order as a derivation tree, with matching passages."""
    store = open_read_only(db)
    story = store.story_row(story_id)
    if story is None:
        raise fail(f"story {story_id}: no such story", "Try `provenance show ARTICLE` to find an article's story.")
    members = store.story_members(story_id)
    store.close()
    typer.echo(f"Story {story_id}: {story['title'] or '(no title)'}")
    span = " to ".join(dict.fromkeys(d for d in (story["first_published"], story["last_published"]) if d)) or "no dates"
    typer.echo(f"  {story['articles']} article(s), {span}")
    origin = f"#{story['origin_id']}" if story["origin_id"] else "unknown"
    typer.echo(f"  origin: {origin} ({story['origin_reason']})\n")
    children: dict[int | None, list[dict[str, Any]]] = {}
    ids = {m["id"] for m in members}
    for member in members:
        parent = member["source_id"] if member["source_id"] in ids else None
        children.setdefault(parent, []).append(member)
    for root in children.get(None, []):
        _print_tree(root, children, "", passages, is_root=True)


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


def show_command(article: Annotated[str, typer.Argument(help="Article id, input location or URL.")], db: DbOption = None,
                 passages: PassagesOption = 3) -> None:
    """Print an article: metadata, zones, its copies and the passages that match."""
    store = open_read_only(db)
    article_id = store.find_article(article)
    if article_id is None:
        raise fail(f"{article}: no such article in the audit database")
    row = store.article_row(article_id)
    zones = store.db.execute(
        "SELECT kind, count(*) FROM zones WHERE article_id = ? GROUP BY kind ORDER BY min(start_offset)", [article_id]
    ).fetchall()
    links = store.links_of(article_id)
    store.close()
    typer.echo(f"#{row['id']} {row['title'] or '(no title)'}")
    for label, key in (("location", "location"), ("url", "url"), ("outlet", "site_name"), ("domain", "domain"),
                       ("byline", "byline"), ("published", "published"), ("story", "story_id")):
        if row[key] is not None:
            extra = f" (from {row['published_source']})" if key == "published" else ""
            typer.echo(f"  {label:<10} {row[key]}{extra}")
    typer.echo(f"  {'words':<10} {row['word_count']}")
    typer.echo(f"  {'zones':<10} " + ", ".join(f"{kind} ×{count}" for kind, count in zones))
    if not links:
        typer.echo("\nNo copies found.")
    for link in links:
        mine = link["article_id"] == article_id
        other = link["source_id"] if mine else link["article_id"]
        title = link["source_title"] if mine else link["article_title"]
        role = {("derived", True): "copied from", ("derived", False): "copied by"}.get((link["direction"], mine), "linked with")
        star = " [primary source]" if link["is_primary"] and mine else ""
        typer.echo(f"\n{link['relation']} — {role} #{other} {clip(title or '(no title)', 60)}{star}")
        typer.echo(f"  similarity {link['similarity']:.2f}, containment {link['containment']:.2f} / "
                   f"{link['source_containment']:.2f}: {link['reason']}")
        for pair in _best(json.loads(link["evidence"] or "{}").get("aligned", []), passages):
            this, that = (pair["sentence"], pair["other_sentence"]) if mine else (pair["other_sentence"], pair["sentence"])
            typer.echo(f"    > {clip(this, 110)}")
            typer.echo(f"    < {clip(that, 110)}  ({pair['score']:.0f})")


def _best(pairs: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    return sorted(pairs, key=lambda p: -float(p["score"]))[:count]

