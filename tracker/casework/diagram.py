"""The relationship diagram of a case, drawn on the server as SVG (readable without JavaScript).

People sit in a grid, grouped: the case's primary person and their relatives first, then each
group (the Hong Kong 47...) in its own framed block with its members, so 100 people stay
readable and no two boxes overlap (issue 12 item 3). Each relationship outside a group is an
arrow from the person to the related person, labelled with the relationship (e.g. "Parent": the
arrow points at the parent); membership is shown by the frame, not by 100 arrows. Only
pseudonyms and coded statuses are drawn, never names. Boxes show the latest custody status and,
below it, the latest contact status, since both hold at once. Colours are presentation
attributes, not inline styles, so the strict CSP allows the markup and the file stands alone.

The SVG is a group of links (role="group"), not an image: an image's children are hidden from
assistive technology, and these boxes are links to each person's page.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

WIDTH = 720
NODE_W, NODE_H = 150, 46
GAP_X, GAP_Y = 24, 34
MARGIN, HEADING = 12, 22
COLUMNS = (WIDTH - 2 * MARGIN + GAP_X) // (NODE_W + GAP_X)
DETENTION_FILL, DEFAULT_FILL = "#fde2e1", "#eef3fb"


@dataclass(frozen=True)
class Node:
    """A person in the diagram: id, pseudonym, latest custody status, whether detained, cluster, contact."""

    person_id: int
    pseudonym: str
    status: str | None = None
    detained: bool = False
    cluster: str = ""
    contact: str | None = None


@dataclass(frozen=True)
class Edge:
    """A relationship: ``related_id`` is the ``label`` of ``person_id``."""

    person_id: int
    related_id: int
    label: str


@dataclass(frozen=True)
class Layout:
    """Where each box's centre is, the clusters' frames (label, x, y, w, h) and the drawing's height."""

    centres: dict[int, tuple[float, float]]
    frames: list[tuple[str, float, float, float, float]]
    height: float


def layout(nodes: Sequence[Node]) -> Layout:
    """Each cluster as rows of ``COLUMNS`` boxes under its heading; clusters stacked in order of first node."""
    clusters: dict[str, list[Node]] = {}
    for node in nodes:
        clusters.setdefault(node.cluster, []).append(node)
    centres: dict[int, tuple[float, float]] = {}
    frames = []
    top = MARGIN
    for label, members in clusters.items():
        heading = HEADING if label else 0
        rows = math.ceil(len(members) / COLUMNS)
        for index, node in enumerate(members):
            row, column = divmod(index, COLUMNS)
            centres[node.person_id] = (MARGIN + column * (NODE_W + GAP_X) + NODE_W / 2,
                                       top + heading + row * (NODE_H + GAP_Y) + NODE_H / 2)
        height = heading + rows * NODE_H + (rows - 1) * GAP_Y
        if label:
            frames.append((label, MARGIN / 2, top - MARGIN / 2, WIDTH - MARGIN, height + MARGIN))
        top += height + GAP_Y + MARGIN
    return Layout(centres, frames, max(top - GAP_Y, NODE_H + 2 * MARGIN))


def render_diagram(nodes: Sequence[Node], edges: Sequence[Edge], title: str,
                   link: Callable[[int], str] | None = None) -> Markup:
    """The SVG document for these people and relationships."""
    where = layout(nodes)
    parts = [Markup('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {:.0f}" role="group" '
                    'aria-label="{}" class="relationship-diagram" font-family="sans-serif" font-size="13">'
                    ).format(WIDTH, where.height, title),
             Markup("<title>{}</title>").format(title),
             Markup('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
                    'markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/>'
                    "</marker></defs>")]
    parts += [_frame(*frame) for frame in where.frames]
    parts += [_edge(edge, where.centres) for edge in edges
              if edge.person_id in where.centres and edge.related_id in where.centres]
    parts += [_node(node, where.centres[node.person_id], link) for node in nodes]
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _frame(label: str, x: float, y: float, width: float, height: float) -> Markup:
    """A group's frame with its name (a pseudonym and its size) as the heading."""
    return Markup('<rect x="{:.0f}" y="{:.0f}" width="{:.0f}" height="{:.0f}" rx="8" fill="none" stroke="#99a" '
                  'stroke-dasharray="4 3"/><text x="{:.0f}" y="{:.0f}" fill="#334" font-weight="bold">{}</text>'
                  ).format(x, y, width, height, x + 8, y + 16, label)


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
    """A box with the pseudonym, the custody status and the contact status, linking to the person's page."""
    x, y = centre[0] - NODE_W / 2, centre[1] - NODE_H / 2
    fill = DETENTION_FILL if node.detained else DEFAULT_FILL
    box = Markup('<rect x="{:.0f}" y="{:.0f}" width="{}" height="{}" rx="6" fill="{}" stroke="#345"/>'
                 '<text x="{:.0f}" y="{:.0f}" text-anchor="middle" font-weight="bold" fill="#123">{}</text>'
                 ).format(x, y, NODE_W, NODE_H, fill, centre[0], centre[1] - 8, node.pseudonym)
    lines = [text for text in (node.status, node.contact) if text]
    for offset, text in zip((7, 20), lines, strict=False):
        box += Markup('<text x="{:.0f}" y="{:.0f}" text-anchor="middle" fill="#333" font-size="11">{}</text>'
                      ).format(centre[0], centre[1] + offset, _short(text))
    if link is None:
        return Markup("<g>{}</g>").format(box)
    return Markup('<a href="{}">{}</a>').format(link(node.person_id), box)


def _short(text: str, limit: int = 24) -> str:
    """A label cut to fit its box (the person's page has it in full)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
