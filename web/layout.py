"""Where each card of a tree-shaped map goes (an org chart, a referral tree), and each node of a
map read left to right (a path map).

Computed here, not by vis-network, so that the same picture draws the same map on every load
and the cards never run into each other: every card is `CARD_W` pixels wide and its height is
estimated from its lines (a CJK character counts about twice a Latin one).

**The rule.** A tree is drawn top down, the manager (or the referrer) centred above the block of
their reports. A manager whose reports all have no reports of their own gets them stacked in
columns of up to `STACK` cards under them, as printed org charts do, instead of one wide row;
otherwise the reports' blocks stand side by side. Trees stand side by side, biggest first in the
picture's order; people in no tree at all (no manager, no reports) fill rows of `LONERS` cards
below, by level. Positions are the cards' centres, in pixels, as vis-network takes them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence

CARD_W = 200
HGAP = 40  # between cards side by side
VGAP = 50  # between a manager and their reports
SGAP = 14  # between stacked cards
STACK = 4
LONERS = 6
LINE_H = 17
PAD = 14
WRAP = CARD_W - 20


def text_width(text: str) -> float:
    """About how wide a line is at the map's 14-px font, in pixels."""
    return sum(14.0 if unicodedata.east_asian_width(ch) in "WF" else 7.6 for ch in text)


def card_height(label: str) -> float:
    """About how tall a card of this label is, its lines wrapped at the card's width."""
    lines = sum(max(1, math.ceil(text_width(line) / WRAP)) for line in label.split("\n"))
    return lines * LINE_H + PAD


type Block = tuple[float, float, list[tuple[str, float, float]]]


def tree_positions(
    ids: Sequence[str], labels: Mapping[str, str], parent: Mapping[str, str], levels: Mapping[str, int]
) -> tuple[dict[str, tuple[float, float]], float]:
    """The centre of each card, and the height of the whole drawing.

    `ids` in the picture's order; `parent`: each id's manager (or referrer), where drawn;
    `levels`: the org-chart level (or generation) of each id, for the people in no tree.
    """
    order = {i: n for n, i in enumerate(ids)}
    children: dict[str, list[str]] = {i: [] for i in ids}
    for child in ids:
        boss = parent.get(child)
        if boss in children and boss != child and not _cycle(child, parent):
            children[boss].append(child)
    has_parent = {c for kids in children.values() for c in kids}
    heights = {i: card_height(labels[i]) for i in ids}
    row = max(heights.values(), default=0.0) + VGAP

    def block(node: str) -> Block:
        kids = sorted(children[node], key=lambda k: order[k])
        h0 = heights[node]
        if not kids:
            return CARD_W, h0, [(node, CARD_W / 2, h0 / 2)]
        if len(kids) > 1 and all(not children[k] for k in kids):
            cols = math.ceil(len(kids) / STACK)
            width: float = cols * CARD_W + (cols - 1) * HGAP
            items = [(node, width / 2, h0 / 2)]
            bottom = h0
            for c in range(cols):
                y = row
                for kid in kids[c * STACK : (c + 1) * STACK]:
                    items.append((kid, c * (CARD_W + HGAP) + CARD_W / 2, y + heights[kid] / 2))
                    y += heights[kid] + SGAP
                bottom = max(bottom, y - SGAP)
            return width, bottom, items
        subs = [block(k) for k in kids]
        width = sum(w for w, _, _ in subs) + HGAP * (len(subs) - 1)
        items = [(node, width / 2, h0 / 2)]
        x = 0.0
        for w, _, sub in subs:
            items += [(i, x + dx, row + dy) for i, dx, dy in sub]
            x += w + HGAP
        return width, row + max(h for _, h, _ in subs), items

    trees = [i for i in ids if i not in has_parent and children[i]]
    alone = (i for i in ids if i not in has_parent and not children[i])
    loners = sorted(alone, key=lambda i: (levels.get(i, 0), order[i]))
    placed: dict[str, tuple[float, float]] = {}
    x, bottom = 0.0, 0.0
    for root in trees:
        w, h, items = block(root)
        placed.update({i: (x + dx, dy) for i, dx, dy in items})
        x += w + HGAP
        bottom = max(bottom, h)
    y = bottom + VGAP if trees else 0.0
    for start in range(0, len(loners), LONERS):
        chunk = loners[start : start + LONERS]
        tallest = max(heights[i] for i in chunk)
        for n, i in enumerate(chunk):
            placed[i] = (n * (CARD_W + HGAP) + CARD_W / 2, y + heights[i] / 2)
        y += tallest + SGAP + 10
        bottom = y
    return placed, bottom


def _cycle(start: str, parent: Mapping[str, str]) -> bool:
    """Whether following managers up from `start` comes back to it (bad data: drawn as a loner)."""
    seen = {start}
    node = parent.get(start)
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = parent.get(node)
    return False


LAYER_W = 260  # between the columns of a layered map
ROW_H = 110  # between the nodes of one column


def layered_positions(
    ids: Sequence[str], levels: Mapping[str, int]
) -> tuple[dict[str, tuple[float, float]], float]:
    """The centre of each node of a map read left to right by `levels` (a path map: our team on
    the left, the person to reach on the right), each column centred on the same line, nodes in
    the picture's order; and the height of the drawing."""
    columns: dict[int, list[str]] = {}
    for node in ids:
        columns.setdefault(levels.get(node, 0), []).append(node)
    places: dict[str, tuple[float, float]] = {}
    for level, members in columns.items():
        top = -(len(members) - 1) * ROW_H / 2
        for row, node in enumerate(members):
            places[node] = (float(level * LAYER_W), top + row * ROW_H)
    tallest = max((len(m) for m in columns.values()), default=0)
    return places, float(max(0, tallest - 1) * ROW_H + 60)
