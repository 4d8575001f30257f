"""The story graph: layers, the unseen common source, edges by direction, SVG and PNG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from provenance.outputs.graph import GraphEdge, GraphNode, StoryGraph, render_png, render_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _graph(origin: int | None) -> StoryGraph:
    nodes = (GraphNode(1, "Eastwire", "2024-10-02", "Sixty years", 2, origin == 1),
             GraphNode(2, "Korsa Daily", "2024-10-03", "Pledge <deeper> ties\u202e", 0, False),
             GraphNode(3, "Digest", None, "Six decades", 1, False))
    edges = [GraphEdge(1, 2, "rewrite", "derived", 0.52, True), GraphEdge(3, 1, "rewrite", "unknown", 0.36, False)]
    return StoryGraph(7, "Sixty years", origin, "every other copy derives from it", nodes, tuple(edges))


def _rects(svg: str) -> dict[int, float]:
    root = ET.fromstring(svg)
    return {int(g.get("data-article", "0")): float(g.find("s:rect", NS).get("y", "0"))  # type: ignore[union-attr]
            for g in root.iterfind(".//s:g", NS) if g.get("data-article")}


def test_a_copy_sits_a_layer_below_its_source_and_edges_show_their_direction() -> None:
    svg = render_svg(_graph(1))
    y = _rects(svg)
    assert y[2] > y[1] and y[3] == y[1]  # #2 derives from #1; #3 is not ordered against it
    root = ET.fromstring(svg)
    edges = {g.get("data-copy"): g for g in root.iterfind(".//s:g", NS) if (g.get("class") or "").startswith("edge ")}
    assert edges["2"].find("s:polyline", NS).get("marker-end") == "url(#arrow)"  # type: ignore[union-attr]
    assert edges["1"].find("s:polyline", NS).get("stroke-dasharray")  # type: ignore[union-attr]
    assert "\u202e" not in svg and "&lt;deeper&gt;" in svg
    assert [g.get("data-article") for g in root.iterfind(".//s:g", NS) if g.get("class") == "node origin"] == ["1"]


def test_no_origin_draws_an_unseen_common_source_above_the_roots() -> None:
    svg = render_svg(_graph(None))
    root = ET.fromstring(svg)
    (unseen,) = [g for g in root.iterfind(".//s:g", NS) if g.get("class") == "node unseen-source"]
    top = float(unseen.find("s:ellipse", NS).get("cy", "0"))  # type: ignore[union-attr]
    assert all(y > top for y in _rects(svg).values())


def test_png_is_the_same_picture_for_mail_clients() -> None:
    png = render_png(_graph(None), scale=1)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    root = ET.fromstring(render_svg(_graph(None)))
    assert (width, height) == (int(float(root.get("width", "0"))), int(float(root.get("height", "0"))))
