"""Layouts for the server-rendered SVG diagrams (no JavaScript): an entity's neighbourhood in its
hierarchy, and the class hierarchy as an indented tree. Pure geometry; templates draw it."""

from __future__ import annotations

from dataclasses import dataclass, field

CHAR = 7.2  # average glyph width of the diagram font, px
BOX_H = 26
GAP = 10


@dataclass
class Box:
    x: float
    y: float
    w: float
    label: str
    href: str
    current: bool = False
    h: float = BOX_H


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass
class Diagram:
    width: float
    height: float
    title: str
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


def _width(label: str) -> float:
    return max(60.0, len(label) * CHAR + 16)


def neighbourhood(label: str, href: str, parents: list[tuple[str, str]], children: list[tuple[str, str]],
                  title: str | None = None) -> Diagram:
    """Broader terms on the left, the entity in the middle, narrower terms on the right; ``title``
    says so in the interface language."""
    columns = [parents, [(label, href)], children]
    widths = [max((_width(l) for l, _ in column), default=0.0) for column in columns]
    rows = max(len(column) for column in columns)
    height = rows * (BOX_H + GAP) + GAP
    x = GAP
    diagram = Diagram(width=0, height=height, title=title or f"{label}: broader and narrower terms")
    placed: list[list[Box]] = []
    for index, column in enumerate(columns):
        top = (height - len(column) * (BOX_H + GAP) + GAP) / 2
        boxes = [Box(x, top + i * (BOX_H + GAP), widths[index], text, link, current=(index == 1))
                 for i, (text, link) in enumerate(column)]
        placed.append(boxes)
        diagram.boxes.extend(boxes)
        x += widths[index] + (60 if widths[index] else 0)
    diagram.width = x - 60 + GAP if children else x - (60 if not children else 0) + GAP
    centre = placed[1][0]
    for parent in placed[0]:
        diagram.lines.append(Line(parent.x + parent.w, parent.y + BOX_H / 2, centre.x, centre.y + BOX_H / 2))
    for child in placed[2]:
        diagram.lines.append(Line(centre.x + centre.w, centre.y + BOX_H / 2, child.x, child.y + BOX_H / 2))
    return diagram


def indented_tree(roots, label_of, href_of, title: str) -> Diagram:
    """A forest drawn as an indented list with elbow connectors, one box per row."""
    diagram = Diagram(width=0, height=0, title=title)
    row = 0

    def place(node, depth: int, parent: Box | None) -> None:
        nonlocal row
        label = label_of(node)
        box = Box(GAP + depth * 28, GAP + row * (BOX_H + 6), _width(label), label, href_of(node))
        row += 1
        diagram.boxes.append(box)
        diagram.width = max(diagram.width, box.x + box.w + GAP)
        if parent is not None:
            elbow_x = parent.x + 12
            diagram.lines.append(Line(elbow_x, parent.y + BOX_H, elbow_x, box.y + BOX_H / 2))
            diagram.lines.append(Line(elbow_x, box.y + BOX_H / 2, box.x, box.y + BOX_H / 2))
        for child in node.children:
            place(child, depth + 1, box)

    for root in roots:
        place(root, 0, None)
    diagram.height = GAP + row * (BOX_H + 6) + GAP
    return diagram
