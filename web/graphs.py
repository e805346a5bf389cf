"""Turn a `graphcrm.network.Picture` into vis-network data, built with pyvis.

pyvis makes the node and edge records and options; we render them with our own template and
serve vis-network from pyvis's own package (`/vendor/...`), because pyvis's HTML links
Bootstrap and vis-network from a public CDN in every mode (measured with pyvis 0.3.2).
Tooltips stay plain text: graph.js puts them into the page with textContent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from graphcrm.network import Picture

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
    "rep": "#2c7bb6",
    "target": "#d7191c",
    "flagged": "#fdae61",
}
KIND_COLOURS = {
    "person": "#9ecae1",
    "rep": "#2c7bb6",
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

LEGEND = {
    "stance": STANCE_COLOURS,
    "roles": {"D decider": "star", "E evaluator": "diamond", "S screener": "triangle", "U user": "square"},
    "ties": {k: v["color"] for k, v in EDGE_STYLES.items()},
}


def vis_data(picture: Picture, hierarchical: bool = False) -> dict[str, Any]:
    """Nodes, edges and options for vis-network, and the notice of a truncated view."""
    net = Network(directed=True, cdn_resources="local")
    for node in picture.nodes:
        colour = GROUP_COLOURS.get(node.group or "") or KIND_COLOURS.get(node.kind, "#9ecae1")
        shape = ROLE_SHAPES.get(node.role or "") or KIND_SHAPES.get(node.kind, "dot")
        extra: dict[str, Any] = {"level": node.level} if node.level is not None else {}
        net.add_node(
            node.id,
            label=node.label,
            title=node.title,
            color=colour,
            shape=shape,
            size=10 + 6 * node.size,
            mark=node.group or node.kind,  # not "group": vis would colour by group
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
            **{"arrows": "", **style},
        )
    options: dict[str, Any] = {
        "interaction": {"hover": True, "tooltipDelay": 100},
        "physics": {"stabilization": {"iterations": 200}},
        "edges": {"smooth": False, "font": {"size": 10}},
        "nodes": {"font": {"size": 14}},
    }
    if hierarchical:
        options["layout"] = {"hierarchical": {"direction": "UD", "sortMethod": "directed"}}
        options["physics"] = {"enabled": False}
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "options": options,
        "notice": picture.notice,
        "truncated": picture.truncated,
        "total": picture.total_nodes,
    }
