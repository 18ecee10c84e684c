"""The relationship diagram of a case, drawn on the server as SVG (readable without JavaScript).

People sit on a circle, the case's primary person first; each relationship is an arrow from the
person to the related person, labelled with the relationship (e.g. "Parent": the arrow points at
the parent). Only pseudonyms and coded statuses are drawn, never names. Colours are presentation
attributes, not inline styles, so the strict CSP allows the markup and the file stands alone.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH, HEIGHT = 720, 480
NODE_W, NODE_H = 150, 46
DETENTION_FILL, DEFAULT_FILL = "#fde2e1", "#eef3fb"


@dataclass(frozen=True)
class Node:
    """A person in the diagram: id, pseudonym, latest status label, whether detained."""

    person_id: int
    pseudonym: str
    status: str | None = None
    detained: bool = False


@dataclass(frozen=True)
class Edge:
    """A relationship: ``related_id`` is the ``label`` of ``person_id``."""

    person_id: int
    related_id: int
    label: str


def positions(nodes: Sequence[Node]) -> dict[int, tuple[float, float]]:
    """Node centres on a circle (one node sits in the middle), first node at the left."""
    if len(nodes) == 1:
        return {nodes[0].person_id: (WIDTH / 2, HEIGHT / 2)}
    radius_x, radius_y = WIDTH / 2 - NODE_W / 2 - 10, HEIGHT / 2 - NODE_H - 10
    return {node.person_id: (WIDTH / 2 - radius_x * math.cos(2 * math.pi * i / len(nodes)),
                             HEIGHT / 2 - radius_y * math.sin(2 * math.pi * i / len(nodes)))
            for i, node in enumerate(nodes)}


def render_diagram(nodes: Sequence[Node], edges: Sequence[Edge], title: str,
                   link: Callable[[int], str] | None = None) -> Markup:
    """The SVG document for these people and relationships."""
    where = positions(nodes)
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
                    'class="relationship-diagram" font-family="sans-serif" font-size="13">').format(WIDTH, HEIGHT),
             Markup("<title>{}</title>").format(title),
             Markup('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
                    'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/>'
                    "</marker></defs>")]
    parts += [_edge(edge, where) for edge in edges if edge.person_id in where and edge.related_id in where]
    parts += [_node(node, where[node.person_id], link) for node in nodes]
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _edge(edge: Edge, where: dict[int, tuple[float, float]]) -> Markup:
    """An arrow from the person to the related person, stopping at the box edge, with its label."""
    (x1, y1), (x2, y2) = where[edge.person_id], where[edge.related_id]
    dx, dy = x2 - x1, y2 - y1
    # Shorten the line so the arrow head touches the related person's box, not its centre.
    scale = min((NODE_W / 2) / abs(dx) if dx else math.inf, (NODE_H / 2) / abs(dy) if dy else math.inf, 1)
    ex, ey = x2 - dx * scale, y2 - dy * scale
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    return Markup('<line x1="{:.0f}" y1="{:.0f}" x2="{:.0f}" y2="{:.0f}" stroke="#444" stroke-width="1.5" '
                  'marker-end="url(#arrow)"/><text x="{:.0f}" y="{:.0f}" text-anchor="middle" fill="#222" '
                  'paint-order="stroke" stroke="#fff" stroke-width="3">{}</text>'
                  ).format(x1, y1, ex, ey, mx, my - 4, edge.label)


def _node(node: Node, centre: tuple[float, float], link: Callable[[int], str] | None) -> Markup:
    """A box with the pseudonym and the latest status, linking to the person's page."""
    x, y = centre[0] - NODE_W / 2, centre[1] - NODE_H / 2
    fill = DETENTION_FILL if node.detained else DEFAULT_FILL
    box = Markup('<rect x="{:.0f}" y="{:.0f}" width="{}" height="{}" rx="6" fill="{}" stroke="#345"/>'
                 '<text x="{:.0f}" y="{:.0f}" text-anchor="middle" font-weight="bold" fill="#123">{}</text>'
                 ).format(x, y, NODE_W, NODE_H, fill, centre[0], centre[1] - 5, node.pseudonym)
    if node.status:
        box += Markup('<text x="{:.0f}" y="{:.0f}" text-anchor="middle" fill="#333">{}</text>').format(
            centre[0], centre[1] + 14, node.status)
    if link is None:
        return Markup("<g>{}</g>").format(box)
    return Markup('<a href="{}">{}</a>').format(link(node.person_id), box)
