"""The viewer's maps without a browser: tree layouts, heights, legends and line toggles."""

from __future__ import annotations

from graphcrm.picture import Edge, Node, Picture, legend
from web.graphs import GROUP_COLOURS, vis_data
from web.layout import CARD_W, card_height, tree_positions


def _picture(nodes: list[Node], edges: list[Edge]) -> Picture:
    return Picture(tuple(nodes), tuple(edges), len(nodes), False, None, legend(nodes, edges))


def _person(i: str, level: int = 0, group: str | None = None) -> Node:
    return Node(i, f"Person {i}", "person", f"Person {i}", group, None, 1.0, level, "Vice-President")


def test_an_org_chart_puts_managers_above_and_no_two_cards_overlap():
    nodes = [_person("boss", 0)] + [_person(f"vp{n}", 1) for n in range(5)]
    nodes += [_person(f"s{n}", 2) for n in range(12)]
    edges = [Edge(f"vp{n}", "boss", "REPORTS_TO", None, "", 1.0) for n in range(5)]
    edges += [Edge(f"s{n}", f"vp{n % 5}", "REPORTS_TO", None, "", 1.0) for n in range(12)]
    edges.append(Edge("s1", "s2", "INFLUENCES", None, "", 0.5))
    data = vis_data(_picture(nodes, edges), hierarchical=True, cards=True)
    at = {n["id"]: (n["x"], n["y"], card_height(n["label"])) for n in data["nodes"]}
    assert all(at["boss"][1] < at[f"vp{n}"][1] for n in range(5))
    assert all(at[f"vp{n % 5}"][1] < at[f"s{n}"][1] for n in range(12))
    ids = sorted(at)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            (xa, ya, ha), (xb, yb, hb) = at[a], at[b]
            assert abs(xa - xb) >= CARD_W or abs(ya - yb) >= (ha + hb) / 2, (a, b)
    assert data["options"]["physics"] == {"enabled": False}
    assert [t["kind"] for t in data["toggles"]] == ["INFLUENCES"]
    assert data["height"] <= 900


def test_the_same_picture_gets_the_same_layout():
    nodes = [_person(str(n), n % 3) for n in range(9)]
    edges = [Edge(str(n), str(n // 3), "REPORTS_TO", None, "", 1.0) for n in range(3, 9)]
    first = vis_data(_picture(nodes, edges), hierarchical=True, cards=True)
    second = vis_data(_picture(nodes, edges), hierarchical=True, cards=True)
    assert [(n["x"], n["y"]) for n in first["nodes"]] == [(n["x"], n["y"]) for n in second["nodes"]]
    assert vis_data(_picture(nodes, []))["options"]["layout"]["randomSeed"] == 7


def test_a_chart_that_loops_still_draws_everyone():
    positions, _ = tree_positions(["a", "b"], {"a": "A", "b": "B"}, {"a": "b", "b": "a"}, {})
    assert set(positions) == {"a", "b"}


def test_the_height_fits_what_is_drawn_and_an_empty_map_has_none():
    assert vis_data(_picture([], []))["height"] == 0
    one = vis_data(_picture([_person("a")], []))["height"]
    many = vis_data(_picture([_person(str(n)) for n in range(30)], []))["height"]
    assert 160 <= one < 300 < many <= 720


def test_referral_outcomes_have_their_own_colours_in_the_legend():
    nodes = [Node(o, o, "account", o, o, None, 1.0, 0) for o in ("root", "won", "open", "lost")]
    colours = {e["text"]: e["colour"] for s in vis_data(_picture(nodes, []))["legend"] for e in s["entries"]}
    assert set(colours) == {"where a cascade starts", "referral won", "referral open", "referral lost"}
    assert len(set(colours.values())) == 4
    assert colours["referral won"] == GROUP_COLOURS["won"]


def test_the_person_a_map_is_about_stands_out():
    data = vis_data(_picture([_person("me", group="ego"), _person("other")], []))
    me, other = data["nodes"]
    assert me["borderWidth"] == 4 and me["color"]["border"] == "#000000"
    assert "borderWidth" not in other


def test_a_path_map_reads_left_to_right_from_our_team_to_the_person_to_reach():
    # two paths: rep -> a -> target, rep -> b -> c -> target (levels as paths.picture sets them)
    nodes = [
        _person("rep", 0, "rep"),
        _person("a", 1),
        _person("b", 1),
        _person("c", 2),
        _person("t", 3, "target"),
    ]
    hops = [("rep", "a"), ("a", "t"), ("rep", "b"), ("b", "c"), ("c", "t")]
    edges = [Edge(s, t, "PATH", "knows · strong", "", 0.6) for s, t in hops]
    data = vis_data(_picture(nodes, edges), layered=True)
    x = {n["id"]: n["x"] for n in data["nodes"]}
    assert all(x[s] < x[t] for s, t in hops)
    assert x["a"] == x["b"] and len({n["y"] for n in data["nodes"] if n["id"] in ("a", "b")}) == 2
    assert data["options"]["physics"] == {"enabled": False}
    assert vis_data(_picture(nodes, edges), layered=True) == data  # the same map on every load
