"""Chains of introductions (DOMAIN.md §4.2, the Kissinger example): how to get a yes by leverage.

The Kissinger story teaches two lessons; this module answers the first, `graphcrm.brokers` the
second (who alone connects parties that do not know each other).

**Chains**: how to get a yes from a target by leverage. Two kinds, ranked together
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

The question's functions: `answer` finds the chains, `as_text` writes them as the terminal shows
them (the viewer lists them beside the warm paths).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from graphcrm import paths
from graphcrm.brokers import BrokerReport
from graphcrm.brokers import answer as brokers_answer
from graphcrm.paths import PathReport, Person, describe_tie, find_person, tie_warmth
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


# -- chains -----------------------------------------------------------------------------------------


def answer(
    store: Store, target: str, *, source: str | None = None, k: int = 3, settings: Settings | None = None
) -> ChainReport:
    """The `k` warmest chains of asks to the target's yes, from our reps (or from `source`);
    both person ids (the shells turn names into ids: `graphcrm.lookup`)."""
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
    found: dict[str, PathReport] = {}  # the warmest path to each first of a chain, found once
    for row in rows:
        people = [Person(i, n or i) for i, n in zip(row["ids"], row["names"], strict=True)]
        first = people[0]
        if first.id != source and first.id not in found:
            found[first.id] = paths.answer(store, first.id, source=source, k=1, settings=settings)
        report = found.get(first.id) if first.id != source else None
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
    target_ties = store.run("brokers/ties", {"ids": [target]})  # whom the target knows
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


def as_text(report: ChainReport) -> str:
    """The chains as the terminal shows them: each ask in order, with its leverage."""
    lines = [f"Chains to {report.target.name}:"]
    for number, chain in enumerate(report.chains, start=1):
        lines.append(f"#{number}  {chain.kind} chain, warmth {chain.warmth:g}")
        for i, ask in enumerate(chain.asks, start=1):
            lines.append(f"    {i}. {ask.text}")
            lines += [f"         leverage: {reason}" for reason in ask.leverage]
    if not report.chains:
        lines.append("  no chain found: nobody we reach is listened to by the target")
    return "\n".join(lines)


# The question by its own name, as callers outside the shells (bench/, older tests) know it.
chains = answer


def brokers(
    store: Store, *, among: Sequence[str] = (), opportunity: str | None = None, limit: int = 10
) -> BrokerReport:
    """`graphcrm.brokers.answer`, under the name it had when it lived here."""
    return brokers_answer(store, among=among, opportunity=opportunity, limit=limit)
