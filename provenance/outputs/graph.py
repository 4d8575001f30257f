"""A story's derivation graph as an SVG picture, laid out in pure Python (no graphviz).

Nodes are the story's articles (outlet, date, id, headline), in layers: the origin (or a
node standing for an unseen common source, when no copy can be shown to be first) at the
top, each copy one layer below the article it derives from, and within a layer in time
order. Edges are the copy links between members: an arrow from source to copy for a known
direction (thick for the primary source, thin for another earlier copy), a dashed line
without arrowhead when the direction is unknown; each is labelled with its relation and
similarity, and drawn wider the more similar the texts. ``related`` links are not copies
and are not drawn.
"""

from __future__ import annotations

import math
import sqlite3
import unicodedata
from dataclasses import dataclass
from html import escape
from typing import Any

__all__ = ["GraphEdge", "GraphNode", "StoryGraph", "load_story_graph", "render_png", "render_svg"]

_NODE_W, _NODE_H, _GAP_X, _GAP_Y, _MARGIN = 230, 58, 40, 70, 20
_COLORS = {"duplicate": "#7a1f1f", "reprint": "#b5472b", "excerpt": "#c27c0e", "rewrite": "#1f5f8b"}


@dataclass(frozen=True, slots=True)
class GraphNode:
    id: int
    outlet: str
    published: str | None
    title: str
    flags: int = 0
    is_origin: bool = False


@dataclass(frozen=True, slots=True)
class GraphEdge:
    source_id: int
    article_id: int
    relation: str
    direction: str  # derived | unknown
    similarity: float
    is_primary: bool


@dataclass(frozen=True, slots=True)
class StoryGraph:
    story_id: int
    title: str
    origin_id: int | None
    origin_reason: str
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


def load_story_graph(conn: sqlite3.Connection, story_id: int) -> StoryGraph | None:
    """A story's members and the copy links between them, read from the audit database."""
    story = conn.execute("SELECT title, origin_id, origin_reason FROM stories WHERE id = ?", [story_id]).fetchone()
    if story is None:
        return None
    members = conn.execute(
        """SELECT a.id, coalesce(a.site_name, a.domain, '(unknown outlet)'), a.published, coalesce(a.title, '(no title)'),
                  (SELECT count(*) FROM flags f WHERE f.article_id = a.id AND f.review IS NOT 'dismissed')
           FROM articles a WHERE a.story_id = ? ORDER BY a.published IS NULL, a.published, a.id""",
        [story_id],
    ).fetchall()
    ids = [m[0] for m in members]
    marks = ",".join("?" * len(ids))
    links = conn.execute(
        f"""SELECT source_id, article_id, relation, direction, similarity, is_primary FROM copies
            WHERE relation != 'related' AND article_id IN ({marks}) AND source_id IN ({marks}) ORDER BY id""",
        [*ids, *ids],
    ).fetchall() if ids else []
    nodes = tuple(GraphNode(m[0], m[1], m[2], m[3], m[4], m[0] == story[1]) for m in members)
    edges = tuple(GraphEdge(int(s), int(a), r, d, float(sim or 0), bool(p)) for s, a, r, d, sim, p in links)
    return StoryGraph(story_id, story[0] or "(no title)", story[1], story[2] or "", nodes, edges)


def _layers(graph: StoryGraph) -> list[list[GraphNode]]:
    by_id = {n.id: n for n in graph.nodes}
    parent = {e.article_id: e.source_id for e in graph.edges if e.is_primary and e.direction == "derived"}
    depth: dict[int, int] = {}

    def depth_of(node_id: int, seen: frozenset[int] = frozenset()) -> int:
        if node_id not in depth:
            up = parent.get(node_id)
            depth[node_id] = 0 if up is None or up not in by_id or up in seen else depth_of(up, seen | {node_id}) + 1
        return depth[node_id]

    shift = 1 if graph.origin_id is None else 0
    layers: list[list[GraphNode]] = []
    for node in graph.nodes:
        level = depth_of(node.id) + shift
        while len(layers) <= level:
            layers.append([])
        layers[level].append(node)
    return layers


@dataclass(frozen=True, slots=True)
class _Layout:
    layers: list[list[GraphNode]]
    pos: dict[int, tuple[float, float]]
    width: float
    height: float
    unseen: bool


def _layout(graph: StoryGraph) -> _Layout:
    """Where each node goes: layers top to bottom, each centred, nodes in time order."""
    layers = _layers(graph)
    unseen = graph.origin_id is None
    if unseen and not layers:
        layers = [[]]
    widest = max([len(layer) for layer in layers] + [1])
    width = max(640, _MARGIN * 2 + widest * _NODE_W + (widest - 1) * _GAP_X)
    height = _MARGIN * 2 + 30 + len(layers) * _NODE_H + (len(layers) - 1) * _GAP_Y + 90
    pos: dict[int, tuple[float, float]] = {}
    for level, layer in enumerate(layers):
        row_w = len(layer) * _NODE_W + (len(layer) - 1) * _GAP_X
        x0 = (width - row_w) / 2
        for i, node in enumerate(layer):
            pos[node.id] = (x0 + i * (_NODE_W + _GAP_X), _MARGIN + 30 + level * (_NODE_H + _GAP_Y))
    return _Layout(layers, pos, width, height, unseen)


def render_svg(graph: StoryGraph) -> str:
    """The graph as a standalone SVG document (no scripts, no external resources)."""
    layout = _layout(graph)
    layers, pos, width, height, unseen = layout.layers, layout.pos, layout.width, layout.height, layout.unseen
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" class="story-graph" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">',
        f"<title>Story {graph.story_id}: {escape(_clip(graph.title, 300))}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="12" markerHeight="12" markerUnits="userSpaceOnUse" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{_MARGIN}" y="{_MARGIN + 8}" font-size="14" font-weight="bold">'
        f"Story {graph.story_id}: {escape(_clip(graph.title, 90))}</text>",
    ]
    if unseen:
        cx = width / 2
        out.append(f'<g class="node unseen-source"><ellipse cx="{cx:.0f}" cy="{_MARGIN + 30 + _NODE_H / 2:.0f}" '
                   f'rx="{_NODE_W / 2:.0f}" ry="{_NODE_H / 2:.0f}" fill="#f4f4f4" stroke="#888" stroke-dasharray="5 4"/>'
                   f'<text x="{cx:.0f}" y="{_MARGIN + 30 + _NODE_H / 2 - 4:.0f}" text-anchor="middle" font-style="italic">'
                   'unseen common source</text>'
                   f'<text x="{cx:.0f}" y="{_MARGIN + 30 + _NODE_H / 2 + 12:.0f}" text-anchor="middle" fill="#666">'
                   'none shown to be first</text></g>')
        for node in layers[1] if len(layers) > 1 else []:
            x, y = pos[node.id]
            out.append(f'<line class="edge edge-unseen" x1="{cx:.0f}" y1="{_MARGIN + 30 + _NODE_H:.0f}" '
                       f'x2="{x + _NODE_W / 2:.0f}" y2="{y:.0f}" stroke="#aaa" stroke-dasharray="5 4"/>')
    labels = _place_labels(graph, pos)
    for index, edge in enumerate(graph.edges):
        if index in labels:
            out.append(_edge(edge, pos[edge.source_id], pos[edge.article_id], labels[index]))
    for node in graph.nodes:
        out.append(_node(node, *pos[node.id]))
    legend_y = height - _MARGIN - 18
    out.append(f'<text class="legend" x="{_MARGIN}" y="{legend_y:.0f}" fill="#555">arrow: source → copy (thick: primary '
               'source); dashed: direction unknown; line width: similarity</text>')
    out.append(f'<text class="legend" x="{_MARGIN}" y="{legend_y + 16:.0f}" fill="#555">origin: '
               f'{escape(_clip(graph.origin_reason, 90))}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _edge_points(source: tuple[float, float], copy: tuple[float, float]) -> list[tuple[float, float]]:
    """The line of an edge: straight between layers; within a layer, a curve under the boxes between them."""
    sx, sy = source[0] + _NODE_W / 2, source[1]
    cx, cy = copy[0] + _NODE_W / 2, copy[1]
    if sy < cy:
        return [(sx, sy + _NODE_H), (cx, cy)]
    if sy > cy:
        return [(sx, sy), (cx, cy + _NODE_H)]
    bottom = sy + _NODE_H
    dip = bottom + min(_GAP_Y - 20, 22 + 8 * abs(cx - sx) / (_NODE_W + _GAP_X))
    mx = (sx + cx) / 2
    steps = 16
    return [((1 - k) ** 2 * sx + 2 * (1 - k) * k * mx + k ** 2 * cx,
             (1 - k) ** 2 * bottom + 2 * (1 - k) * k * dip + k ** 2 * bottom)
            for k in (i / steps for i in range(steps + 1))]


def _edge_style(edge: GraphEdge) -> tuple[str, float, str]:
    """Colour, width and label of an edge."""
    known = edge.direction == "derived"
    color = _COLORS.get(edge.relation, "#444") if known else "#8a8a8a"
    width = 1 + 3 * max(0.0, min(1.0, edge.similarity)) * (1 if edge.is_primary else 0.4) + (1 if edge.is_primary else 0)
    label = f"{edge.relation} {edge.similarity:.2f}"  # dashed or grey: direction unknown (the legend says so)
    return color, width, label


def _place_labels(graph: StoryGraph, pos: dict[int, tuple[float, float]]) -> dict[int, tuple[float, float]]:
    """Where each edge's label goes (by edge index): the first place along its line that covers neither a
    box nor a label placed before it, so that the labels of crossing edges stay readable."""
    taken = [(x, y, x + _NODE_W, y + _NODE_H) for x, y in pos.values()]
    placed: dict[int, tuple[float, float]] = {}
    for index, edge in enumerate(graph.edges):
        if edge.source_id not in pos or edge.article_id not in pos:
            continue
        points = _edge_points(pos[edge.source_id], pos[edge.article_id])
        width = 7.0 * len(_edge_style(edge)[2])
        if len(points) > 2:
            candidates = [(x, y + 12) for x, y in points[4:-4]]
            candidates.sort(key=lambda p: abs(p[0] - points[len(points) // 2][0]))
        else:
            (x1, y1), (x2, y2) = points
            candidates = [(x1 + (x2 - x1) * at, y1 + (y2 - y1) * at) for at in (0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85)]
        best = candidates[0]
        for x, y in candidates:
            box = (x + 6, y - 11, x + 6 + width, y + 3)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
                best = (x, y)
                break
        placed[index] = best
        taken.append((best[0] + 6, best[1] - 11, best[0] + 6 + width, best[1] + 3))
    return placed


def _edge(edge: GraphEdge, source: tuple[float, float], copy: tuple[float, float], at: tuple[float, float]) -> str:
    points = _edge_points(source, copy)
    color, width, label = _edge_style(edge)
    known = edge.direction == "derived"
    style = ' marker-end="url(#arrow)"' if known else ' stroke-dasharray="6 4"'
    opacity = "" if edge.is_primary or not known else ' opacity="0.6"'
    mx, my = at
    line = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
    return (f'<g class="edge edge-{edge.relation}" data-source="{edge.source_id}" data-copy="{edge.article_id}"{opacity}>'
            f'<title>#{edge.article_id} {escape(label)} of #{edge.source_id}{"" if known else ", direction unknown"}</title>'
            f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="{width:.1f}"{style}/>'
            f'<text x="{mx + 6:.0f}" y="{my:.0f}" fill="{color}">{escape(label)}</text></g>')


def _node(node: GraphNode, x: float, y: float) -> str:
    fill, stroke = ("#fff4d6", "#c27c0e") if node.is_origin else ("#eef3f8", "#1f5f8b")
    date = (node.published or "no date")[:10]
    head = f"#{node.id} {node.outlet}"
    tag = " · origin" if node.is_origin else ""
    flags = f" · {node.flags} flag{'s' if node.flags != 1 else ''}" if node.flags else ""
    return (f'<g class="node{" origin" if node.is_origin else ""}" data-article="{node.id}">'
            f'<title>{escape(_clip(node.title, 300))}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{_NODE_W}" height="{_NODE_H}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{2 if node.is_origin else 1}"/>'
            f'<text x="{x + 8:.0f}" y="{y + 17:.0f}" font-weight="bold">{escape(_clip(head, 32))}</text>'
            f'<text x="{x + 8:.0f}" y="{y + 33:.0f}" fill="#333">{escape(date + tag + flags)}</text>'
            f'<text x="{x + 8:.0f}" y="{y + 49:.0f}" fill="#555">{escape(_clip(node.title, 34))}</text></g>')


def _clip(text: str, width: int) -> str:
    """Untrusted text (headlines, outlets) made one line, without control or bidi-override characters, clipped."""
    text = " ".join("".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_png(graph: StoryGraph, *, scale: int = 2) -> bytes:
    """The same picture as a PNG (for email: mail clients show PNG, not SVG), drawn with Pillow."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    layout = _layout(graph)
    image = Image.new("RGB", (int(layout.width * scale), int(layout.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=12 * scale)
    bold = ImageFont.load_default(size=14 * scale)

    def s(*values: float) -> list[float]:
        return [v * scale for v in values]

    def text(x: float, y: float, words: str, fill: str = "#222", big: bool = False) -> None:
        draw.text((x * scale, y * scale), words, fill=fill, font=bold if big else font, anchor="ls")

    text(_MARGIN, _MARGIN + 8, f"Story {graph.story_id}: {_clip(graph.title, 90)}", big=True)
    if layout.unseen:
        cx, top = layout.width / 2, _MARGIN + 30
        draw.ellipse(s(cx - _NODE_W / 2, top, cx + _NODE_W / 2, top + _NODE_H), fill="#f4f4f4", outline="#888",
                     width=scale)
        draw.text((cx * scale, (top + _NODE_H / 2 - 4) * scale), "unseen common source", fill="#222", font=font, anchor="ms")
        draw.text((cx * scale, (top + _NODE_H / 2 + 12) * scale), "none shown to be first", fill="#666", font=font, anchor="ms")
        for node in layout.layers[1] if len(layout.layers) > 1 else []:
            x, y = layout.pos[node.id]
            draw.line(s(cx, top + _NODE_H, x + _NODE_W / 2, y), fill="#aaaaaa", width=scale)
    labels = _place_labels(graph, layout.pos)
    for index, edge in enumerate(graph.edges):
        if index in labels:
            _draw_edge(draw, edge, layout.pos[edge.source_id], layout.pos[edge.article_id], scale, font, labels[index])
    for node in graph.nodes:
        x, y = layout.pos[node.id]
        fill, stroke = ("#fff4d6", "#c27c0e") if node.is_origin else ("#eef3f8", "#1f5f8b")
        draw.rounded_rectangle(s(x, y, x + _NODE_W, y + _NODE_H), radius=6 * scale, fill=fill, outline=stroke,
                               width=(2 if node.is_origin else 1) * scale)
        flags = f" · {node.flags} flag{'s' if node.flags != 1 else ''}" if node.flags else ""
        text(x + 8, y + 17, _clip(f"#{node.id} {node.outlet}", 32), big=False)
        text(x + 8, y + 33, (node.published or "no date")[:10] + (" · origin" if node.is_origin else "") + flags, "#333")
        text(x + 8, y + 49, _clip(node.title, 34), "#555")
    text(_MARGIN, layout.height - _MARGIN - 18,
         "arrow: source -> copy (thick: primary source); grey: direction unknown; line width: similarity", "#555")
    text(_MARGIN, layout.height - _MARGIN - 2, f"origin: {_clip(graph.origin_reason, 90)}", "#555")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _draw_edge(draw: Any, edge: GraphEdge, source: tuple[float, float], copy: tuple[float, float], scale: int,
               font: Any, at: tuple[float, float]) -> None:
    points = _edge_points(source, copy)
    color, width, label = _edge_style(edge)
    known = edge.direction == "derived"
    if not edge.is_primary and known:
        color = "#b9b9b9"
    draw.line([(x * scale, y * scale) for x, y in points], fill=color, width=round(width * scale), joint="curve")
    if known:  # arrowhead at the copy, along the last stretch of the line
        (ax, ay), (cx, cy) = points[-2], points[-1]
        length = math.hypot(cx - ax, cy - ay) or 1.0
        ux, uy = (cx - ax) / length, (cy - ay) / length
        head = [(cx, cy), (cx - 12 * ux + 5 * uy, cy - 12 * uy - 5 * ux), (cx - 12 * ux - 5 * uy, cy - 12 * uy + 5 * ux)]
        draw.polygon([(px * scale, py * scale) for px, py in head], fill=color)
    mx, my = at
    draw.text(((mx + 6) * scale, my * scale), label, fill=color, font=font, anchor="ls")
