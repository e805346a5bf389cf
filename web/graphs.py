"""Turn a `graphcrm.picture.Picture` into vis-network data, built with pyvis, and style its legend.

pyvis makes the node and edge records and options; we render them with our own template and
serve vis-network from pyvis's own package (`/vendor/...`), because pyvis's HTML links
Bootstrap and vis-network from a public CDN in every mode (measured with pyvis 0.3.2).
Tooltips stay plain text: graph.js puts them into the page with textContent.

**Stable layouts.** The same picture draws the same map: hierarchical maps (org charts, the
referral tree) take their levels from the picture; the others start physics from a fixed
`randomSeed`. graph.js switches physics off once stabilised, pushes apart labels that overlap,
and puts back a layout the user saved (in the browser's localStorage, keyed by page).

**Cards.** `cards=True` draws each node as a box of its name, its `detail` (a job title) and its
mark in words: the account map reads as an org chart. Informal ties get a checkbox each
(`toggles`), generated from the kinds of line drawn.

**Height.** `height` fits what is drawn: the levels of a hierarchical map, else the number of
nodes (one node does not sit alone on a tall canvas); an empty map shows a sentence instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from graphcrm.picture import MEANINGS, Key, Node, Picture

from .layout import CARD_W, layered_positions, tree_positions

VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"

STANCE_COLOURS = {
    "champion": "#1a9850",
    "supporter": "#91cf60",
    "neutral": "#bdbdbd",
    "enemy": "#fc8d59",
    "blocker": "#d73027",
}
GROUP_COLOURS = {
    **STANCE_COLOURS,
    "hidden": "#7b3294",
    "gatekeeper": "#f1a340",
    "figurehead": "#999999",
    "decider": "#2c7bb6",
    "rep": "#35978f",
    "target": "#d7191c",
    "flagged": "#fdae61",
    "ego": "#ffd92f",
    "root": "#4575b4",
    "won": "#1a9850",
    "open": "#fee08b",
    "lost": "#d73027",
}
# The groups of the person (or account) a map is about: drawn with a thick border, bold.
FOCUS_GROUPS = frozenset({"ego", "target", "root"})
KIND_COLOURS = {
    "person": "#9ecae1",
    "rep": "#35978f",
    "account": "#fee08b",
    "org": "#d9d9d9",
    "competitor": "#e34a33",
    "opportunity": "#c2a5cf",
}
ROLE_SHAPES = {"D": "star", "E": "diamond", "S": "triangle", "U": "square"}
KIND_SHAPES = {"account": "box", "org": "box", "competitor": "box", "opportunity": "ellipse"}
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "KNOWS": {"color": "#9e9e9e"},
    "ALLY": {"color": "#1a9850", "width": 3},
    "OPPOSES": {"color": "#d73027", "width": 3, "dashes": True},
    "KIN": {"color": "#8c510a", "width": 2, "dashes": [2, 4]},
    "INFLUENCES": {"color": "#7b3294", "arrows": "to"},
    "REPORTS_TO": {"color": "#4d4d4d", "arrows": "to"},
    "TIED_TO": {"color": "#e34a33", "dashes": True, "arrows": "to"},
    "REFERRED": {"color": "#2c7bb6", "arrows": "to"},
    "WORKS_AT": {"color": "#d9d9d9", "arrows": "to"},
    "PATH": {"color": "#2c7bb6", "width": 3, "arrows": "to"},
}

# The page of a node by its kind: a person's, an organisation's (accounts and others alike), an
# opportunity's. `_graph.html` gives graph.js the address of each.
PAGES = {
    "person": "person",
    "rep": "person",
    "account": "account",
    "org": "account",
    "competitor": "account",
    "opportunity": "opportunity",
}

LEGEND_TITLES = {"group": "Marks", "kind": "Nodes", "role": "Roles", "edge": "Ties"}


def vis_data(
    picture: Picture, hierarchical: bool = False, cards: bool = False, layered: bool = False
) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, its legend, the toggles of its informal ties,
    the height that fits it, and the notice of a truncated view. `hierarchical`: a tree of cards
    (`tree_positions`); `layered`: columns by level, read left to right (`layered_positions`)."""
    net = Network(directed=True, cdn_resources="local")
    # labels at about 13-16 px on screen: a map laid out by physics is fitted to its canvas at
    # about half size, a layered or tree map nearly at full size
    font_size = 14 if cards or hierarchical else 18 if layered else 26
    for node in picture.nodes:
        colour = GROUP_COLOURS.get(node.group or "") or KIND_COLOURS.get(node.kind, "#9ecae1")
        shape = ROLE_SHAPES.get(node.role or "") or KIND_SHAPES.get(node.kind, "dot")
        extra: dict[str, Any] = {"level": node.level} if node.level is not None else {}
        label = node.label
        if cards or hierarchical:
            shape = "box"
            label = card_label(node)
            extra["widthConstraint"] = {"minimum": CARD_W, "maximum": CARD_W}
        if node.group in FOCUS_GROUPS:
            extra.update(
                borderWidth=4, font={"bold": True, "size": 16 if cards or hierarchical else font_size + 4}
            )
            extra["color"] = {"background": colour, "border": "#000000"}
        else:
            extra["color"] = colour
        net.add_node(
            node.id,
            label=label,
            title=node.title,
            shape=shape,
            size=10 + 6 * node.size,
            mark=node.group or node.kind,  # not "group": vis would colour by group
            name=node.label,  # the side panel's heading
            person=node.kind in ("person", "rep"),
            page=PAGES.get(node.kind),  # which page opens it: graph.js takes the pattern from the map
            **extra,
        )
    for index, edge in enumerate(picture.edges):
        style = EDGE_STYLES.get(edge.type, {})
        net.add_edge(
            edge.source,
            edge.target,
            id=f"e{index}",
            title=edge.title,
            label=edge.label or "",
            kind=edge.type,
            **{"arrows": "", **style},
        )
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 100},
        "layout": {"randomSeed": 7, "improvedLayout": True},
        "physics": {
            "solver": "barnesHut",
            "barnesHut": {"avoidOverlap": 1, "springLength": 160, "gravitationalConstant": -4000},
            "stabilization": {"iterations": 400, "fit": True},
        },
        "edges": {"smooth": False, "font": {"size": 14, "background": "#ffffff"}},
        "nodes": {"font": {"size": font_size}},
    }
    drawn_height = height(picture)
    if hierarchical:
        labels = {n["id"]: n["label"] for n in net.nodes}
        levels = {n.id: n.level or 0 for n in picture.nodes}
        places, tall = tree_positions([n.id for n in picture.nodes], labels, tree_parents(picture), levels)
        for record in net.nodes:
            record["x"], record["y"] = places[record["id"]]
        options["layout"] = {"randomSeed": 7, "improvedLayout": False}
        options["physics"] = {"enabled": False}
        options["edges"]["font"] = {"size": 12}
        drawn_height = min(900, max(160, int(tall) + 120))
    elif layered:
        places, tall = layered_positions(
            [n.id for n in picture.nodes], {n.id: n.level or 0 for n in picture.nodes}
        )
        for record in net.nodes:
            record["x"], record["y"] = places[record["id"]]
        options["layout"] = {"randomSeed": 7, "improvedLayout": False}
        options["physics"] = {"enabled": False}
        drawn_height = min(720, max(200, int(tall) + 140))
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "notice": picture.notice,
        "truncated": picture.truncated,
        "total": picture.total_nodes,
        "legend": legend(picture),
        "toggles": toggles(picture) if cards else [],
        "height": drawn_height,
    }


def card_label(node: Node) -> str:
    """A card: the name, the job title (shortened), the mark in words, and how our team reaches them."""
    lines = [node.label]
    if node.detail:
        lines.append(node.detail if len(node.detail) <= 40 else node.detail[:39] + "…")
    if node.group:
        lines.append(f"[{MEANINGS['group'].get(node.group, node.group)}]")
    if node.note:
        lines.append(node.note)
    return "\n".join(lines)


def height(picture: Picture) -> int:
    """The canvas height in pixels that fits a map laid out by physics: growing with the square
    root of the number of nodes, from 160 to 720 (0 when there is nothing to draw)."""
    if not picture.nodes:
        return 0
    return min(720, max(160, int(120 * len(picture.nodes) ** 0.5) + 80))


def tree_parents(picture: Picture) -> dict[str, str]:
    """Each node's parent in a tree-shaped map: the manager it REPORTS_TO, else the account
    that REFERRED it (the first referral drawn)."""
    parents: dict[str, str] = {}
    for edge in picture.edges:
        if edge.type == "REPORTS_TO":
            parents.setdefault(edge.source, edge.target)
        elif edge.type == "REFERRED":
            parents.setdefault(edge.target, edge.source)
    return parents


# Ties that can be shown or hidden over an org chart: the informal ones.
INFORMAL = ("INFLUENCES", "ALLY", "OPPOSES", "KIN", "KNOWS")


def toggles(picture: Picture) -> list[dict[str, Any]]:
    """A checkbox for each kind of informal line drawn, in the legend's order."""
    drawn = {e.type for e in picture.edges}
    return [
        {"kind": kind, "text": MEANINGS["edge"][kind], "line": EDGE_STYLES[kind]["color"]}
        for kind in MEANINGS["edge"]
        if kind in INFORMAL and kind in drawn
    ]


def legend(picture: Picture) -> list[dict[str, Any]]:
    """The picture's legend as the page shows it: sections (marks, nodes, roles, ties), each
    entry with its colour, shape or line. A node is coloured by its group where the group has a
    colour, else by its kind: only the colours actually drawn are listed."""
    coloured = {("group", n.group) if n.group in GROUP_COLOURS else ("kind", n.kind) for n in picture.nodes}
    sections: dict[str, list[dict[str, Any]]] = {}
    for key in picture.legend:
        entry = _entry(key)
        if entry is not None and (key.facet in ("role", "edge") or (key.facet, key.value) in coloured):
            sections.setdefault(key.facet, []).append(entry)
    return [{"title": LEGEND_TITLES[facet], "entries": entries} for facet, entries in sections.items()]


def _entry(key: Key) -> dict[str, Any] | None:
    """A legend entry: its text and how it is drawn, or None for a mark drawn no differently."""
    which = {"facet": key.facet, "value": key.value, "text": key.meaning}
    if key.facet == "group":
        colour = GROUP_COLOURS.get(key.value)
        return {**which, "colour": colour} if colour else None
    if key.facet == "kind":
        shape = KIND_SHAPES.get(key.value)
        return {**which, "colour": KIND_COLOURS.get(key.value, "#9ecae1"), "shape": shape}
    if key.facet == "role":
        return {**which, "shape": ROLE_SHAPES.get(key.value, "dot")}
    style = EDGE_STYLES.get(key.value, {})
    return {**which, "line": style.get("color", "#9e9e9e"), "dashed": bool(style.get("dashes"))}
