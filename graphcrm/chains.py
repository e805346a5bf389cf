"""Chains of introductions and the brokers who make them (DOMAIN.md §4.2, the Kissinger example).

Two lessons of the Kissinger story, two answers:

**Chains** (`chains`): how to get a yes from a target by leverage. Two kinds, ranked together
by warmth (as warm paths: the product of every tie's strength, decayed by the age of its last
contact, see `graphcrm.paths`):
- *relay*: the target listens to someone (INFLUENCES into the target), who listens to someone
  else, and so on; we reach the first of them by the warmest introduction path, and each then
  asks the next ("Ask 魏 Wei to speak to Director Li: he listens to him").
- *broker*: one of our reps knows the target and other parties who do not know the target;
  he asks each in turn, in the order recorded on his ties (their `since`), carrying the
  credential written on the tie (its context) that the previous yes created, and ends with
  the target. This is Kissinger's sequence: the farmer ("Rothschild's daughter"), Rothschild
  ("a vice-president of the World Bank"), the World Bank's president ("Rothschild's son-in-law").
Each ask lists its leverage: the influence tie, a shared organisation, the credential, family.

**Brokers** (`brokers`): people who alone connect parties that do not know each other — Burt's
structural holes (R. S. Burt, *Structural Holes*, 1992). Among given parties (or a committee)
a broker's score is his betweenness restricted to paths between the parties (how many of
their shortest connections run through him); the pairs of parties without a tie of their own
that he connects are listed. With no parties, people are ranked by Burt's effective size
(non-redundant contacts), with his constraint (low = many holes) beside it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from graphcrm import centrality
from graphcrm.errors import NotFound
from graphcrm.paths import Person, describe_tie, find_person, tie_warmth, warm_paths
from graphcrm.settings import Settings
from graphcrm.store import Store

CAMPAIGN_DAYS = 90  # a broker's asks recorded within this many days of his tie to the target


@dataclasses.dataclass(frozen=True)
class Ask:
    """One step of a chain: who asks whom, and what makes the asked say yes."""

    asker: Person
    asked: Person
    leverage: tuple[str, ...]
    text: str


@dataclasses.dataclass(frozen=True)
class Chain:
    """A way to the target's yes: its kind (relay or broker), warmth and asks in order."""

    kind: str
    warmth: float
    asks: tuple[Ask, ...]


@dataclasses.dataclass(frozen=True)
class ChainReport:
    target: Person
    chains: tuple[Chain, ...]


@dataclasses.dataclass(frozen=True)
class Broker:
    """A person who connects parties that do not know each other."""

    id: str
    name: str
    score: float
    bridges: tuple[tuple[str, str], ...]  # pairs of party names he connects
    effective_size: float
    constraint: float


@dataclasses.dataclass(frozen=True)
class BrokerReport:
    parties: tuple[Person, ...]
    brokers: tuple[Broker, ...]


# -- chains -----------------------------------------------------------------------------------------


def chains(
    store: Store, target: str, *, source: str | None = None, k: int = 3, settings: Settings | None = None
) -> ChainReport:
    """The `k` warmest chains of asks to the target's yes, from our reps (or from `source`)."""
    settings = settings or Settings.from_env()
    target_person = find_person(store, target)
    found = [
        *_relay_chains(store, target, source, settings),
        *_broker_chains(store, target, source, settings),
    ]
    found.sort(key=lambda c: (-c.warmth, len(c.asks), [a.asked.id for a in c.asks]))
    return ChainReport(target_person, tuple(found[:k]))


def _relay_chains(store: Store, target: str, source: str | None, settings: Settings) -> list[Chain]:
    result = []
    rows = [r for r in store.run("chains/levers", {"target": target}) if len(set(r["ids"])) == len(r["ids"])]
    leverage = _leverage(store, {i for r in rows for i in r["ids"]})
    for row in rows:
        people = [Person(i, n or i) for i, n in zip(row["ids"], row["names"], strict=True)]
        first = people[0]
        report = (
            warm_paths(store, first.id, source=source, k=1, settings=settings) if first.id != source else None
        )
        if report is not None and not report.paths:
            continue
        asks: list[Ask] = []
        warmth = 1.0
        if report is not None:
            path = report.paths[0]
            warmth = path.warmth
            for index, hop in enumerate(path.hops):
                reason = f"introduction: {describe_tie(hop, 'your' if index == 0 else 'their')}"
                asks.append(Ask(hop.source, hop.target, (reason,), hop.instruction))
        for link, (asker, asked) in zip(row["links"], itertools.pairwise(people), strict=True):
            warmth *= tie_warmth(link["strength"], link["last_contact"], settings)
            reasons = [
                f"{asked.name} listens to {asker.name}" + (f" ({link['context']})" if link["context"] else "")
            ]
            reasons += _shared_orgs(leverage, asker.id, asked.id)
            asks.append(
                Ask(
                    asker,
                    asked,
                    tuple(reasons),
                    f"Ask {asker.name} to win over {asked.name}: " + "; ".join(reasons),
                )
            )
        result.append(Chain("relay", round(warmth, 4), tuple(asks)))
    return result


def _broker_chains(store: Store, target: str, source: str | None, settings: Settings) -> list[Chain]:
    contacts = store.run("chains/contacts", {"from": source, "target": target})
    by_broker: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in contacts:
        by_broker[row["broker"]].append(row)
    target_ties = store.run("chains/ties", {"ids": [target]})
    target_knows = {row["a"] for row in target_ties} | {row["b"] for row in target_ties}
    result = []
    for broker_id, ties in sorted(by_broker.items()):
        to_target = next((t for t in ties if t["id"] == target), None)
        if to_target is None:
            continue
        anchor = _date(to_target["since"])
        parties = [
            t
            for t in ties
            if t["id"] != target
            and t["id"] not in target_knows
            and anchor
            and (since := _date(t["since"]))
            and abs((since - anchor).days) <= CAMPAIGN_DAYS
        ]
        if not parties:
            continue
        sequence = [*sorted(parties, key=lambda t: (_date(t["since"]), t["id"])), to_target]
        leverage = _leverage(store, {t["id"] for t in sequence})
        broker = Person(broker_id, to_target["broker_name"] or broker_id)
        warmth = 1.0
        asks = []
        for tie in sequence:
            asked = Person(tie["id"], tie["name"] or tie["id"])
            warmth *= tie_warmth(tie["strength"], tie["last_contact"], settings)
            reasons = [f"credential: {tie['context']}"] if tie["context"] else []
            reasons += _moved_by(leverage, asked.id)
            text = f"{broker.name} asks {asked.name}" + (
                f", offering {tie['context']}" if tie["context"] else ""
            )
            asks.append(Ask(broker, asked, tuple(reasons), text))
        result.append(Chain("broker", round(warmth, 4), tuple(asks)))
    return result


def _leverage(store: Store, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in store.run("chains/leverage", {"ids": sorted(ids)})}


def _moved_by(leverage: dict[str, dict[str, Any]], person: str) -> list[str]:
    row = leverage.get(person) or {}
    reasons = [
        f"listens to {x['name']}" + (f" ({x['context']})" if x.get("context") else "")
        for x in row.get("listens_to", [])
        if x.get("name")
    ]
    reasons += [f"family: {name}" for name in row.get("kin", []) if name]
    reasons += [f"affiliation: {o['name']}" for o in row.get("orgs", []) if o.get("name")]
    return sorted(reasons)


def _shared_orgs(leverage: dict[str, dict[str, Any]], a: str, b: str) -> list[str]:
    orgs_a = {o["id"]: o["name"] for o in (leverage.get(a) or {}).get("orgs", []) if o.get("id")}
    orgs_b = {o["id"] for o in (leverage.get(b) or {}).get("orgs", []) if o.get("id")}
    return [f"shared affiliation: {orgs_a[o]}" for o in sorted(orgs_a.keys() & orgs_b)]


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


# -- brokers ----------------------------------------------------------------------------------------


def brokers(
    store: Store, *, among: Sequence[str] = (), opportunity: str | None = None, limit: int = 10
) -> BrokerReport:
    """Who alone connects the parties (ids given, or a committee's members), ranked.

    With neither, everyone is ranked by Burt's effective size. Raises `NotFound` for an
    unknown party or opportunity.
    """
    parties: list[Person] = []
    if opportunity is not None:
        members = store.run("chains/committee_members", {"opportunity": opportunity})
        parties = [Person(r["id"], r["name"] or r["id"]) for r in members]
        if not parties:
            raise NotFound(f"no opportunity with id {opportunity!r} (or it has no committee)")
    parties += [find_person(store, i) for i in among if i not in {p.id for p in parties}]
    ids = [p.id for p in parties]
    graph = _informal_graph(store, ids or None)
    names = nx.get_node_attributes(graph, "name")
    if ids:
        betweenness = centrality.betweenness_subset(graph, ids, ids)
        candidates = [v for v in graph if v not in ids and betweenness.get(v, 0) > 0]
        scores = {v: betweenness[v] for v in candidates}
    else:
        scores = {v: s for v, s in centrality.effective_size(graph).items() if graph.degree(v) > 1}
    constraint = centrality.constraint(graph, list(scores)) if scores else {}
    effective = centrality.effective_size(graph, list(scores)) if scores else {}
    ranked = sorted(scores, key=lambda v: (-scores[v], constraint.get(v, 1), v))[:limit]
    result = []
    for v in ranked:
        pairs = _bridged(graph, v, ids or list(graph.neighbors(v)))
        result.append(
            Broker(
                v,
                names.get(v, v),
                round(scores[v], 4),
                tuple((names.get(a, a), names.get(b, b)) for a, b in pairs),
                round(effective.get(v, 0.0), 4),
                round(constraint.get(v, 0.0), 4),
            )
        )
    return BrokerReport(tuple(parties), tuple(result))


def _informal_graph(store: Store, parties: list[str] | None) -> nx.Graph[str]:
    """People and their informal ties, undirected; around the parties (within one step) if given."""
    rows = store.run("chains/ties", {"ids": parties}) if parties is not None else store.run("chains/all_ties")
    if parties is not None:
        around = set(parties) | {r["a"] for r in rows} | {r["b"] for r in rows}
        rows = [
            r
            for r in store.run("chains/ties_among", {"ids": sorted(around)})
            if r["a"] in around and r["b"] in around
        ]
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(parties or [])
    for row in rows:
        graph.add_node(row["a"], name=row["a_name"] or row["a"])
        graph.add_node(row["b"], name=row["b_name"] or row["b"])
        graph.add_edge(row["a"], row["b"])
    return graph


def _bridged(graph: nx.Graph[str], broker: str, parties: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of parties with no tie of their own, one of whose shortest connections runs through broker."""
    pairs = []
    for a, b in itertools.combinations(sorted(parties), 2):
        if broker in (a, b) or graph.has_edge(a, b) or a not in graph or b not in graph:
            continue
        if not nx.has_path(graph, a, b):
            continue
        distance = nx.shortest_path_length(graph, a, b)
        if nx.shortest_path_length(graph, a, broker) + nx.shortest_path_length(graph, broker, b) == distance:
            pairs.append((a, b))
    return pairs
