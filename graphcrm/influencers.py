"""Who really decides here? Hidden influencers, gatekeepers and figureheads (DOMAIN.md §4.3).

**The score, for a sales manager.** Everyone at the account gets two marks from 0 to 1.
*Formal power* is their place in the org chart: the top person scores 1 and each level down
loses an equal step (with three levels: 1, 0.67, 0.33). *Informal power* is how much the
organisation really leans on them, read from what you have recorded: who listens to whom
(being listened to by people who are themselves listened to counts most; a weak or unverified
"he listens to me" counts little), how many colleagues they are close to and how often they
are the link between colleagues who are not, and their say in the buying committees of the
account's open deals. The person with the most informal power scores 1; someone with a
quarter of that pull scores 0.5. A **hidden influencer** has far more informal power than
formal (小王 Xiao Wang, a junior the President listens to): win them early. A **figurehead**
sits high with little pull (Vice-Presidents A, C and E): stay courteous, but do not build the
deal on them. A **gatekeeper** stands beside the decider: the decider listens to them, or most
of the informal routes to the decider pass through them.

**The rules, precisely.** The account's people are those who WORK_AT it. The Cypher of
`cypher/influencers/` finds them, their ties among themselves (the org chart's ties: one text
per engine, the same rows) and their committee seats; their informal network is read from
the path search's arrays (`graphcrm.projection`), which hold the same ties. The scores are
computed here (PageRank in NumPy on networkx's Google matrix, betweenness by igraph), since
neither engine ships PageRank without a plug-in.

- **Formal** = (L − level + 1) / L, where level is the recorded rank (1 = top), else one below
  the level of the boss they REPORT_TO, else 1 for the head of a chart, else the bottom
  level; L is the account's bottom level.
- **Informal** = √(m / the account's largest m), where m is the weighted mean of three
  ingredients, each 0..1 (`WEIGHTS`):
  - *listened to* (½): PageRank (damping 0.85) over INFLUENCES with every tie turned round
    (A INFLUENCES B: B gives A a share of their attention), weighted by strength; scaled from
    0 (the account's least) to 1 (its most), then capped at the total strength of the ties of
    those who listen to them (one listener on a 0.2 tie: at most 0.2);
  - *network* (¼): the mean of degree (colleagues tied by KNOWS, ALLY, KIN or INFLUENCES,
    either way) and betweenness centrality in that undirected network, each divided by the
    account's largest;
  - *committee* (¼): their largest influence (%) in a committee of an open opportunity of the
    account, divided by the account's largest.
  An ingredient on which everyone is equal (nobody influences anybody, no committee, no
  informal tie) tells nothing and is left out; the others share its weight. The square root
  keeps one dominant person from making everyone else look powerless.
- **The decider**: a committee member with role D on an open opportunity of the account (most
  say at the `decide` stage, then most influence), else the top of the org chart (then the
  most informal power).
- **Hidden influencers**: informal − formal ≥ `HIDDEN_GAP` (0.3) and informal in the account's
  top third (fewer than a third of the people above them); the score is the gap.
- **Figureheads**: formal − informal ≥ `FIGUREHEAD_GAP` (0.3) and formal ≥ `SENIOR` (0.5, the
  upper half of the org chart); never the decider (the final say is real power). The score is
  the gap.
- **Gatekeepers** of the decider: those the decider listens to (INFLUENCES into the decider),
  and those through whom most (over `GATE_SHARE`, a half) of the shortest informal routes from
  their colleagues to the decider pass (betweenness restricted to routes ending at the
  decider, each route counted once). Score = ½ × the strength of the decider's listening +
  ½ × that share of routes.
- Nobody is named hidden or a figurehead where the account records no formal order (neither
  ranks nor org chart) or no informal one (no INFLUENCES, informal ties or committee seats).

PageRank: L. Page, S. Brin, R. Motwani, T. Winograd, *The PageRank citation ranking:
bringing order to the Web*, 1999. Betweenness: U. Brandes, *A faster algorithm for
betweenness centrality*, 2001. The seed: 002, 留意幕后决策人 (mind the decider behind the
scenes): VPs A, C and E high and powerless, 小王 low and at the centre of power.

**The question's functions.** `answer` scores the account and keeps its org chart (`OrgChart`:
its people and every tie among them) in the report; `as_text` writes the report as the terminal
shows it; `picture` draws the stakeholder map from the report alone. The map of another
organisation (a supplier, say), which has no influence analysis, is drawn from `org_chart`.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import igraph as ig
import numpy as np

from graphcrm import centrality, projection, textable, words
from graphcrm.errors import NotFound
from graphcrm.paths import Cover, reach
from graphcrm.picture import (
    DEFAULT_LIMIT,
    Node,
    Picture,
    Tie,
    check_limit,
    make,
    pack,
    tie_edge,
    to_ties,
    tooltip,
)
from graphcrm.schema import DEFAULT_STRENGTH
from graphcrm.settings import Settings
from graphcrm.store import Store

if TYPE_CHECKING:
    import networkx as nx

WEIGHTS = {"listened": 0.5, "network": 0.25, "committee": 0.25}
HIDDEN_GAP = 0.3  # informal − formal, at least
FIGUREHEAD_GAP = 0.3  # formal − informal, at least
SENIOR = 0.5  # a figurehead's formal power, at least
GATE_SHARE = 0.5  # share of routes to the decider through a gatekeeper: more than this
CENTRAL = 0.5  # the network ingredient of someone called central, at least
DAMPING = 0.85  # PageRank's damping factor


@dataclasses.dataclass(frozen=True)
class PersonPower:
    """One person's formal and informal power, with the ingredients of the informal score."""

    id: str
    name: str
    title: str | None
    rank: int | None  # as recorded (1 = top)
    level: int  # the level used: the rank, else from the org chart (see the module's rules)
    formal: float
    informal: float
    listened_to_by: int  # people who listen to them (INFLUENCES from them)
    listens_to: int  # people they listen to (INFLUENCES into them)
    ties: int  # colleagues tied to them informally
    listened: float  # the ingredients, each 0..1 (0 where the account left it out)
    network: float
    committee: float
    committee_influence: float  # percent, their largest on an open opportunity
    decides: tuple[str, ...]  # open opportunities on which they hold role D


@dataclasses.dataclass(frozen=True)
class Finding:
    """One name on a list, with its score and the reason in words."""

    id: str
    name: str
    score: float
    reason: str


@dataclasses.dataclass(frozen=True)
class ChartPerson:
    """Someone on an organisation's org chart, as its map draws them."""

    id: str
    name: str
    title: str | None
    rank: int | None  # as recorded (1 = top)
    depth: int  # on the org chart, 0 = top (`org_levels`, counted from 0)
    rep: bool  # one of our team
    ties: int  # colleagues there they are tied to informally (KNOWS, ALLY, OPPOSES, KIN, INFLUENCES)
    cover: Cover | None = None  # how our team reaches them (`graphcrm.paths.reach`); None: no warm path
    stances: tuple[str, ...] = ()  # on the open buying committees they sit on, distinct, sorted


@dataclasses.dataclass(frozen=True)
class OrgChart:
    """The people of an account (or another organisation) and every tie among them."""

    id: str
    name: str
    is_account: bool
    people: tuple[ChartPerson, ...]  # by id
    ties: tuple[Tie, ...]  # REPORTS_TO (the org chart), KNOWS, ALLY, OPPOSES, KIN, INFLUENCES


@dataclasses.dataclass(frozen=True)
class InfluenceReport:
    account_id: str
    account_name: str
    decider: Finding | None  # score: their informal power
    people: tuple[PersonPower, ...]  # by informal power, strongest first
    hidden: tuple[Finding, ...]
    gatekeepers: tuple[Finding, ...]
    figureheads: tuple[Finding, ...]
    weights: dict[str, float]  # the ingredients used, with their share of the informal score
    notes: tuple[str, ...]
    chart: OrgChart  # what the stakeholder map draws


def answer(store: Store, account: str, settings: Settings | None = None) -> InfluenceReport:
    """Who really decides at `account` (an account id): formal and informal power of everyone
    who works there, the decider, and the hidden influencers, gatekeepers and figureheads with
    their reasons, and the account's org chart. The rules are the module's. Raises `NotFound`
    for an unknown account.

    The org chart's ties are the analysis's: one query reads them for both. The informal network
    is taken from the path search's arrays (`graphcrm.projection`, in memory), so its
    betweenness, the longest computation, runs while that query is at the database; how our
    team reaches each person (`graphcrm.paths.reach`, a query of its own) is found after it,
    while the scores are computed. Both on one other thread (the store is shared by threads, as
    the viewer's is): two queries of ours at once only slowed each other on two cores. The
    answer is kept with the graph's version (`projection.remembered`).
    """
    settings = settings or Settings.from_env()
    key = ("influencers", account, settings)
    return projection.remembered(store, key, lambda: _answer(store, account, settings))


def _answer(store: Store, account: str, settings: Settings) -> InfluenceReport:
    rows = store.run("influencers/chart", {"id": account})
    if not rows or not rows[0]["is_account"]:
        raise NotFound(f"no account with id {account!r}")
    name = rows[0]["account_name"] or account
    people = {r["id"]: r for r in rows if r["id"]}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphcrm-influencers") as pool:
        read = pool.submit(_chart_ties, store, account)
        reached = pool.submit(reach, store, list(people), settings=settings)
        ids = sorted(people)
        network = centrality.informal_network(projection.network(store), ids)
        betweenness = centrality.betweenness_of(network)
        ties = read.result()
        levels, has_formal = _levels(people, ties)

        def chart() -> OrgChart:
            return _chart(rows, ties, levels, reached.result())

        if not people:
            note = "nobody recorded as working at this account"
            return InfluenceReport(account, name, None, (), (), (), (), {}, (note,), chart())
        seats = {r["id"]: r for r in store.run("influencers/committee", {"account": account})}
        informal = (network, betweenness)
        return _analyse(account, name, people, ties, informal, (levels, has_formal), seats, chart)


def org_chart(store: Store, organisation: str, settings: Settings | None = None) -> OrgChart:
    """The people who work at `organisation` (an account or another organisation), their depth on
    the org chart (`org_levels`), the ties among them, and how our team reaches each of them
    (`graphcrm.paths.covered`). Raises `NotFound` for an id that is neither an account nor an
    organisation."""
    rows = store.run("influencers/chart", {"id": organisation})
    if not rows:
        raise NotFound(f"no account with id {organisation!r}")
    people = {r["id"]: r for r in rows if r["id"]}
    ties = _chart_ties(store, organisation)
    levels, _ = _levels(people, ties)
    return _chart(rows, ties, levels, reach(store, list(people), settings=settings))


def _chart_ties(store: Store, organisation: str) -> tuple[Tie, ...]:
    """The ties among the people of `organisation`, as `to_ties` gives them.

    Read in bulk (`Store.scan`: a 500-person account's 4,000 ties in a third of the time), unless
    a tie holds a value the bulk reply gives as text (the query's `plain`), then as usual."""
    rows = store.scan("influencers/chart_ties", {"id": organisation})
    if all(row[7] in (True, "true") for row in rows):
        return tuple(
            Tie(source, target, kind, None if strength is None else float(strength), context, since, contact)
            for source, target, kind, strength, context, since, contact, _ in rows
        )
    return to_ties(store.run("influencers/chart_ties", {"id": organisation}))


def _levels(people: Mapping[str, Mapping[str, Any]], ties: Iterable[Tie]) -> tuple[dict[str, int], bool]:
    """`org_levels` of the people (by id) from their ranks and the REPORTS_TO ties."""
    boss = {t.source: t.target for t in ties if t.type == "REPORTS_TO"}
    return org_levels(list(people), {i: p["rank"] for i, p in people.items()}, boss)


def _chart(
    rows: Sequence[Mapping[str, Any]],
    ties: tuple[Tie, ...],
    levels: Mapping[str, int],
    reached: Mapping[str, Cover],
) -> OrgChart:
    """The org chart of the `influencers/chart` rows, with the ties among them, everyone's level
    (`org_levels`) and how our team reaches them."""
    people = [r for r in rows if r["id"]]
    colleagues: dict[str, set[str]] = {p["id"]: set() for p in people}
    for t in ties:
        if t.type != "REPORTS_TO" and t.source != t.target:
            colleagues[t.source].add(t.target)
            colleagues[t.target].add(t.source)
    return OrgChart(
        id=rows[0]["account"],
        name=rows[0]["account_name"] or rows[0]["account"],
        is_account=bool(rows[0]["is_account"]),
        people=tuple(
            ChartPerson(
                id=p["id"],
                name=p["name"] or p["id"],
                title=p["title"],
                rank=None if p["rank"] is None else int(p["rank"]),
                depth=levels[p["id"]] - 1,
                rep=bool(p["rep"]),
                ties=len(colleagues[p["id"]]),
                cover=reached.get(p["id"]),
                stances=tuple(sorted(set(p["stances"] or ()))),
            )
            for p in people
        ),
        ties=ties,
    )


# -- the scores -------------------------------------------------------------------------------------


def _analyse(
    account: str,
    account_name: str,
    people: Mapping[str, Mapping[str, Any]],
    ties: Sequence[Tie],
    informal_network: tuple[ig.Graph, Sequence[float]],
    org: tuple[Mapping[str, int], bool],
    seats: Mapping[str, Mapping[str, Any]],
    chart: Callable[[], OrgChart],
) -> InfluenceReport:
    """The account's report from its people and the ties among them, its informal network
    (`centrality.informal_network`) with its betweenness (`centrality.betweenness_of`), everyone's level
    and whether the account records a formal order (`org_levels`), and its committee seats;
    `chart()`, the account's org chart, is asked for last."""
    ids = sorted(people)
    names = {i: people[i]["name"] or i for i in ids}
    notes: list[str] = []
    levels, has_formal = org
    bottom = max(levels.values())
    formal = {i: (bottom - levels[i] + 1) / bottom for i in ids}
    if not has_formal:
        notes.append(
            "no ranks or org chart recorded: formal power is unknown, so nobody is named "
            "a hidden influencer or a figurehead"
        )
    unranked = [names[i] for i in ids if people[i]["rank"] is None]
    if has_formal and unranked:
        notes.append(
            "no recorded rank: level taken from the org chart (the bottom level if not in it) "
            "for " + ", ".join(unranked)
        )

    influence = _influence_graph(ids, ties)
    informal_net, betweenness = informal_network
    degree = dict(zip(ids, informal_net.degree(), strict=True))
    committee_pct = {i: float((seats.get(i) or {}).get("influence") or 0.0) for i in ids}
    informal, ingredients, weights = _informal(ids, influence, informal_net, betweenness, committee_pct)
    if not weights:
        notes.append(
            "no influence, informal ties or committee seats recorded: informal power is "
            "unknown, so nobody is named a hidden influencer or a figurehead"
        )

    powers = {
        i: PersonPower(
            id=i,
            name=names[i],
            title=people[i]["title"],
            rank=None if people[i]["rank"] is None else int(people[i]["rank"]),
            level=levels[i],
            formal=round(formal[i], 4),
            informal=round(informal[i], 4),
            listened_to_by=influence.in_degree(i),  # the graph runs listener -> listened to
            listens_to=influence.out_degree(i),
            ties=degree[i],
            listened=round(ingredients["listened"][i], 4),
            network=round(ingredients["network"][i], 4),
            committee=round(ingredients["committee"][i], 4),
            committee_influence=committee_pct[i],
            decides=tuple(sorted((seats.get(i) or {}).get("decides") or ())),
        )
        for i in ids
    }
    decider = _decider(powers, seats)
    ranked = sorted(powers.values(), key=lambda p: (-p.informal, -p.formal, p.id))
    describe = _Describer(powers, influence, bottom, decider.id)
    hidden: list[Finding] = []
    figureheads: list[Finding] = []
    if has_formal and weights:
        top_third = math.ceil(len(ids) / 3)
        values = sorted(q.informal for q in ranked)
        for p in ranked:
            stronger = len(values) - bisect.bisect_right(values, p.informal)  # informal above p's
            if p.informal - p.formal >= HIDDEN_GAP and stronger < top_third:
                hidden.append(Finding(p.id, p.name, round(p.informal - p.formal, 4), describe.hidden(p)))
            if p.formal - p.informal >= FIGUREHEAD_GAP and p.formal >= SENIOR and p.id != decider.id:
                figureheads.append(
                    Finding(p.id, p.name, round(p.formal - p.informal, 4), describe.figurehead(p))
                )
    return InfluenceReport(
        account_id=account,
        account_name=account_name,
        decider=decider,
        people=tuple(ranked),
        hidden=_by_score(hidden),
        gatekeepers=_gatekeepers(ids, decider.id, informal_net, ties, names),
        figureheads=_by_score(figureheads),
        weights=weights,
        notes=tuple(notes),
        chart=chart(),
    )


def _informal(
    ids: Sequence[str],
    influence: nx.DiGraph[str],
    network: ig.Graph,
    between: Sequence[float],
    committee_pct: Mapping[str, float],
) -> tuple[dict[str, float], dict[str, dict[str, float]], dict[str, float]]:
    """Informal power, its ingredients (0 where left out) and the weights used (see the rules);
    `network` is `centrality.informal_network`'s (vertex i is ids[i]), `between` its betweenness."""
    degree = _shares({i: float(d) for i, d in zip(ids, network.degree(), strict=True)})
    betweenness = _shares(dict(zip(ids, between, strict=True)))
    ingredients = {
        "listened": _listened(influence),
        "network": {i: (degree[i] + betweenness[i]) / 2 for i in ids},
        "committee": _shares(committee_pct),
    }
    used = {k: w for k, w in WEIGHTS.items() if len({round(v, 9) for v in ingredients[k].values()}) > 1}
    total = sum(used.values())
    raw = {i: sum(w * ingredients[k][i] for k, w in used.items()) / total if total else 0.0 for i in ids}
    top = max(raw.values())
    informal = {i: math.sqrt(raw[i] / top) if top else 0.0 for i in ids}
    kept = {k: values if k in used else dict.fromkeys(values, 0.0) for k, values in ingredients.items()}
    return informal, kept, {k: round(w / total, 4) for k, w in used.items()}


def org_levels(
    ids: Sequence[str], ranks: Mapping[str, Any], boss: Mapping[str, str]
) -> tuple[dict[str, int], bool]:
    """Each person's level in the org chart, and whether the account records any formal order."""
    known = {i: int(r) for i, r in ranks.items() if r is not None}
    bosses = set(boss.values())

    def level(person: str, seen: frozenset[str]) -> int | None:
        if person in known:
            return known[person]
        above = boss.get(person)
        if above is None:
            return 1 if person in bosses else None  # the head of a chart without ranks
        if above in seen:
            return None  # a loop in the org chart
        found = level(above, seen | {person})
        return None if found is None else found + 1

    levels = {i: level(i, frozenset()) for i in ids}
    bottom = max((lv for lv in levels.values() if lv is not None), default=1)
    return {i: bottom if lv is None else lv for i, lv in levels.items()}, bool(known or boss)


def _influence_graph(ids: Iterable[str], ties: Iterable[Tie]) -> nx.DiGraph[str]:
    """Who listens to whom: an edge listener → listened to, weighted by the tie's strength."""
    import networkx as nx

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(ids)
    for t in ties:
        if t.type == "INFLUENCES":
            graph.add_edge(t.target, t.source, weight=_strength(t), context=t.context)
    return graph


def _strength(tie: Tie) -> float:
    return DEFAULT_STRENGTH if tie.strength is None else tie.strength


def pagerank(
    graph: nx.DiGraph[str], alpha: float = DAMPING, max_iter: int = 1000, tol: float = 1e-10
) -> dict[str, float]:
    """PageRank of a directed graph weighted by `weight`, summing to 1, as `networkx.pagerank`.

    networkx's own `pagerank` runs on SciPy, which graphcrm does not install. This takes
    networkx's Google matrix (`networkx.google_matrix`: each node's out-weights as shares of
    its vote, a node with none spreading it evenly, 1 − alpha teleported evenly) and finds its
    stationary vector by power iteration in NumPy, stopping as networkx does (the change over
    all nodes below len(graph) × tol). An account holds hundreds of people: the dense matrix is
    small. Raises `networkx.PowerIterationFailedConvergence` after `max_iter` rounds.
    """
    nodes = list(graph)
    if not nodes:
        return {}
    import networkx as nx

    matrix = np.asarray(nx.google_matrix(graph, alpha=alpha, nodelist=nodes, weight="weight"))
    rank = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(max_iter):
        following = rank @ matrix
        following /= following.sum()
        done = np.abs(following - rank).sum() < len(nodes) * tol
        rank = following
        if done:
            return {node: float(value) for node, value in zip(nodes, rank, strict=True)}
    raise nx.PowerIterationFailedConvergence(max_iter)


def _listened(influence: nx.DiGraph[str]) -> dict[str, float]:
    """PageRank of being listened to, 0 (the account's least) to 1, capped by the ties' strength."""
    rank = pagerank(influence)
    low, high = min(rank.values()), max(rank.values())
    result = {}
    for person, value in rank.items():
        spread = (value - low) / (high - low) if high - low > 1e-12 else 0.0
        strength = sum(d["weight"] for _, _, d in influence.in_edges(person, data=True))
        result[person] = min(spread, strength, 1.0)
    return result


def _shares(values: Mapping[str, float]) -> dict[str, float]:
    """Each one's value as a share of the account's largest (0 when everyone has 0)."""
    top = max(values.values(), default=0.0)
    return {person: value / top if top > 0 else 0.0 for person, value in values.items()}


def _decider(powers: Mapping[str, PersonPower], seats: Mapping[str, Mapping[str, Any]]) -> Finding:
    """Role D on an open opportunity (most say at `decide`), else the top of the org chart."""

    def say(p: PersonPower) -> float:
        return float(seats[p.id].get("decide") or 0.0)

    with_d = [p for p in powers.values() if p.decides]
    if with_d:
        best = min(with_d, key=lambda p: (-say(p), -p.committee_influence, p.id))
        reason = f"decider (D) on {', '.join(best.decides)}"
        reason += f"; {say(best):g}% of the say at the decide stage" if say(best) else ""
    else:
        best = min(powers.values(), key=lambda p: (p.level, -p.informal, p.id))
        reason = f"top of the org chart (level {best.level}); no open opportunity names a decider (D)"
    return Finding(best.id, best.name, best.informal, reason)


def _gatekeepers(
    ids: Sequence[str],
    decider: str,
    network: ig.Graph,
    ties: Sequence[Tie],
    names: Mapping[str, str],
) -> tuple[Finding, ...]:
    """Those the decider listens to, or through whom many informal routes to the decider pass;
    `network` is `centrality.informal_network`'s (vertex i is ids[i])."""
    at = ids.index(decider)
    around = sorted(set(network.subcomponent(at)) - {at})
    reachable = {ids[v] for v in around}
    halves = centrality.betweenness_towards(network, at, around)
    routes = {v: 2 * share for v, share in zip(ids, halves, strict=True)}  # each route to the decider once
    listened = {t.source: t for t in ties if t.type == "INFLUENCES" and t.target == decider}
    decider_name = names[decider]
    found = []
    for person in sorted(names):
        if person == decider:
            continue
        others = len(reachable) - (person in reachable)
        share = routes.get(person, 0.0) / others if others else 0.0
        tie = listened.get(person)
        if tie is None and share <= GATE_SHARE:
            continue
        strength = _strength(tie) if tie else 0.0
        parts = []
        if tie is not None:
            context = f": {tie.context}" if tie.context else ""
            parts.append(f"{decider_name} listens to them (strength {strength:g}{context})")
        if share > 0:
            parts.append(f"{share:.0%} of the shortest informal routes to {decider_name} pass through them")
        found.append(Finding(person, names[person], round(strength / 2 + share / 2, 4), "; ".join(parts)))
    return _by_score(found)


def _by_score(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: (-f.score, f.id)))


# -- the reasons ------------------------------------------------------------------------------------


class _Describer:
    """The reasons in words, from the scores and the graphs they came from."""

    def __init__(
        self,
        powers: Mapping[str, PersonPower],
        influence: nx.DiGraph[str],
        bottom: int,
        decider: str,
    ) -> None:
        self.powers = powers
        self.influence = influence
        self.bottom = bottom
        self.decider = decider
        self.colleagues = len(powers) - 1

    def hidden(self, p: PersonPower) -> str:
        parts = [self._listeners(p), self._network(p), self._committee(p)]
        return "; ".join(part for part in parts if part) + f"; yet {self._rank(p)}"

    def figurehead(self, p: PersonPower) -> str:
        parts = [self._rank(p), f"yet {self._listeners(p) or 'nobody listens to them'}", self._network(p)]
        parts.append(self._committee(p) or "no seat in an open buying committee")
        return "; ".join(part for part in parts if part)

    def _listeners(self, p: PersonPower) -> str:
        if not p.listened_to_by:
            return ""
        listeners = sorted(
            self.influence.predecessors(p.id), key=lambda i: (i != self.decider, self.powers[i].level, i)
        )
        shown = [("the decider " if i == self.decider else "") + self.powers[i].name for i in listeners[:3]]
        shown += ["…"] if len(listeners) > 3 else []
        people = "1 person listens" if p.listened_to_by == 1 else f"{p.listened_to_by} people listen"
        return f"{people} to them: {', '.join(shown)}"

    def _network(self, p: PersonPower) -> str:
        if not p.ties:
            return "no informal ties to colleagues"
        ties = f"informal ties to {p.ties} of {self.colleagues} colleagues"
        return ties + ("; central in the informal network" if p.network >= CENTRAL else "")

    def _committee(self, p: PersonPower) -> str:
        if not p.committee_influence:
            return ""
        return f"{p.committee_influence:g}% influence in the buying committee"

    def _rank(self, p: PersonPower) -> str:
        if p.rank is None:
            return f"level {p.level} of {self.bottom} (from the org chart)"
        return f"rank {p.rank} of {self.bottom}"


# -- the answer in words and as a picture -----------------------------------------------------------

MARKS = ("decider", "hidden", "gatekeeper", "figurehead")  # the group shown when several apply
MARK_NAMES = {
    "decider": "decider",
    "hidden": "hidden influencer",
    "gatekeeper": "gatekeeper",
    "figurehead": "figurehead",
}


def as_text(report: InfluenceReport) -> str:
    """The report as the terminal shows it: everyone's formal and informal power and how our team
    reaches them, then the lists."""
    reaches = {p.id: words.reach(p.cover.rep_name, p.cover.hops) for p in report.chart.people if p.cover}
    people = [
        {
            "person": p.name,
            "title": p.title,
            "rank": p.rank,
            "formal": round(p.formal, 2),
            "informal": round(p.informal, 2),
            "listened to by": p.listened_to_by,
            "our team": reaches.get(p.id, words.reach(None, None)),
        }
        for p in report.people
    ]
    lines = [
        f"{report.account_name}: formal power (org chart) and informal power (who really leans on whom)",
        textable.render(people),
        "",
    ]
    if report.decider:
        lines.append(f"decider: {report.decider.name} ({report.decider.reason})")
    for title, found in (
        ("hidden influencers", report.hidden),
        ("gatekeepers", report.gatekeepers),
        ("figureheads", report.figureheads),
    ):
        lines.append(f"{title}:" + ("" if found else " none"))
        lines += [f"  {f.name} ({f.score:g}): {f.reason}" for f in found]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)


def picture(report: InfluenceReport | OrgChart, limit: int = DEFAULT_LIMIT) -> Picture:
    """The stakeholder map: the people of the org chart, with their informal ties.

    Drawn from an `InfluenceReport` (an account) or an `OrgChart` (another organisation: a
    supplier, say). The people who work there; their REPORTS_TO edges (the org chart) and the
    KNOWS, ALLY, OPPOSES, KIN and INFLUENCES ties among them. `level` is the org-chart depth, 0
    at the top (the rule of `org_levels`). For an account, `group` is the person's mark —
    "decider", "hidden", "gatekeeper" or "figurehead", in that order where several apply — and
    `size` grows with informal power; the tooltip gives title, rank, formal and informal power
    and the reasons. Over `limit` nodes, the marked people come first, then by informal power
    (for another organisation: top of the chart, then most ties).
    """
    check_limit(limit)
    influence = report if isinstance(report, InfluenceReport) else None
    chart = report.chart if isinstance(report, InfluenceReport) else report
    powers = {p.id: p for p in influence.people} if influence else {}
    marks = _marks(influence)
    top_degree = max((p.ties for p in chart.people), default=0) or 1
    bottom = max((p.depth for p in chart.people), default=0)
    nodes = []
    for p in chart.people:
        power = powers.get(p.id)
        found = marks.get(p.id, [])
        reach = words.reach(p.cover.rep_name, p.cover.hops) if p.cover else words.reach(None, None)
        stance = " / ".join(words.stance(s) for s in p.stances)  # on the open committees
        about = [p.name, p.title, reach, stance, _rank_line(p.rank, p.depth, bottom)]
        if power:
            about.append(f"formal power {power.formal:.2f}, informal power {power.informal:.2f}")
            about.append(f"listened to by {power.listened_to_by}, informal ties {power.ties}")
        else:
            about.append(f"informal ties {p.ties}")
        about += [f"{MARK_NAMES[mark]}: {reason}" for mark, reason in found]
        size = 1 + 4 * power.informal if power else 1 + 4 * p.ties / top_degree
        nodes.append(
            Node(
                id=p.id,
                label=p.name,
                kind="rep" if p.rep else "person",
                title=tooltip(about),
                group=found[0][0] if found else None,
                size=round(size, 2),
                level=p.depth,
                detail=p.title,
                note=f"{reach}\n{stance}" if stance else reach,
            )
        )

    def relevance(node: Node) -> tuple[Any, ...]:
        power = powers.get(node.id)
        if power:
            return (node.id not in marks, -power.informal, node.level, node.id)
        return (node.level, -node.size, node.id)

    ranked = sorted(nodes, key=relevance)
    kept, total = pack([[n] for n in ranked], limit)
    names = {n.id: n.label for n in nodes}
    order = "the most influential" if powers else "the top of the org chart"
    return make(kept, [tie_edge(t, names) for t in chart.ties], total, "people", order)


def _rank_line(rank: int | None, depth: int, bottom: int) -> str:
    where = f"level {depth + 1} of {bottom + 1} on the org chart"
    return f"rank {rank} ({where})" if rank is not None else f"no recorded rank ({where})"


def _marks(report: InfluenceReport | None) -> dict[str, list[tuple[str, str]]]:
    """Each person's marks from the report, in the order of MARKS, with the reasons."""
    found: dict[str, list[tuple[str, str]]] = {}
    if report is None:
        return found
    lists = {
        "decider": [report.decider] if report.decider else [],
        "hidden": report.hidden,
        "gatekeeper": report.gatekeepers,
        "figurehead": report.figureheads,
    }
    for mark in MARKS:
        for finding in lists[mark]:
            found.setdefault(finding.id, []).append((mark, finding.reason))
    return found


# The question by its own name, as callers outside the shells (bench/, older tests) know it.
influencers = answer
