"""Who can introduce me to this decision maker? The warmest introduction paths (DOMAIN.md §4.1).

Warmth of a path = the product of its ties' warmths; a tie's warmth is its strength (0..1)
halved for every half-life (a setting, default 365 days) since its last contact. A tie with no
recorded last contact counts as one half-life old. Trust is built faster through an
acquaintance (seed 002): a strong, recent tie at every hop is what makes an ask land.

Paths travel over KNOWS, KIN and ALLY ties (either way), INFLUENCES (from the one
listened to, who can ask the listener), and the org chart: a direct report and their manager
can introduce each other (REPORTS_TO either way; with no strength of its own such a tie has
`Settings.org_chart_strength`, default 0.6). They start at any of our reps (or one person) and
never pass through people who are enemies or blockers in an open committee on the target's
account. People tied to a competitor are flagged, or with `strict` avoided. Alternatives
differ in their first hop where the graph allows: a second path through the same first
contact is shown only when no other first contact reaches the target.

The question's three functions: `answer` finds the paths, `as_text` writes them as the terminal
shows them, `picture` draws them for the viewer; the last two read only the report.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from graphcrm import projection, words
from graphcrm.errors import InvalidValue, NotFound
from graphcrm.picture import Edge, Node, Picture, legend, tooltip
from graphcrm.projection import default_strength
from graphcrm.settings import Settings
from graphcrm.store import Store

MAX_HOPS_LIMIT = 6
REACH_KEPT = 32  # coverage searches kept per network (half a megabyte each at 100,000 people)
# Between two equally warm ties, the one to ask through: an ally, family, an acquaintance, then
# the one listened to.
HOP_PREFERENCE = ("ALLY", "KIN", "KNOWS", "INFLUENCES", "REPORTS_TO", "MANAGES")
# The org chart in words: the one asked is the other's manager (REPORTS_TO) or direct report.
ORG_WORDS = {"REPORTS_TO": "manager", "MANAGES": "direct report"}


# A search's label: (cost, hops, person, the label after it towards the target; () at the target).
Label = tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class Person:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class Hop:
    """One tie of a path: who asks whom, through which tie, and how warm it is."""

    source: Person
    target: Person
    type: str
    context: str | None
    strength: float
    last_contact: str | None
    warmth: float
    instruction: str


@dataclasses.dataclass(frozen=True)
class WarmPath:
    """One way in: its hops from our rep to the target, its warmth and its flags."""

    warmth: float
    hops: tuple[Hop, ...]
    flags: tuple[str, ...]

    @property
    def people(self) -> list[Person]:
        return [self.hops[0].source, *(hop.target for hop in self.hops)]


@dataclasses.dataclass(frozen=True)
class Avoided:
    id: str
    name: str
    reason: str


@dataclasses.dataclass(frozen=True)
class PathReport:
    """The k warmest paths to a person, and whom they avoided or flagged."""

    target: Person
    paths: tuple[WarmPath, ...]
    avoided: tuple[Avoided, ...]
    flagged: tuple[Avoided, ...]


def tie_warmth(
    strength: float | None, last_contact: str | None, settings: Settings, tie_type: str = "KNOWS"
) -> float:
    """Strength halved per half-life since last contact (unknown contact: one half-life); a
    tie with no strength has `projection.default_strength` of its type."""
    base = default_strength(tie_type, settings) if strength is None else float(strength)
    age: float  # days
    if last_contact:
        try:
            age = (settings.today - dt.date.fromisoformat(str(last_contact)[:10])).days
        except ValueError:
            age = settings.half_life_days
    else:
        age = settings.half_life_days
    return base * 0.5 ** (max(age, 0) / settings.half_life_days)


def answer(
    store: Store,
    target: str,
    *,
    source: str | None = None,
    k: int = 3,
    max_hops: int = 5,
    strict: bool = False,
    settings: Settings | None = None,
) -> PathReport:
    """The `k` warmest introduction paths to person `target` from our reps (or from `source`).

    Parameters: `max_hops` bounds the path length (at most 6); `strict` avoids people tied to
    a competitor instead of flagging them. `target` and `source` are person ids: the shells turn
    what the user typed into ids once (`graphcrm.lookup`), while the questions call this many
    times with ids. Raises `NotFound` for an unknown person.
    """
    settings = settings or Settings.from_env()
    if not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise InvalidValue(f"max hops must be from 1 to {MAX_HOPS_LIMIT} (got {max_hops})")
    target_person = find_person(store, target)
    if source is not None:
        find_person(store, source)
    net = projection.network(store)
    hazards = hazards_around(store, net, target)
    avoided = tuple(a for a in hazards["hostile"] if a.id not in (target, source))
    flagged = tuple(a for a in hazards["competitor"] if a.id != source)
    avoid_ids = {a.id for a in avoided} | ({a.id for a in flagged} - {target} if strict else set())
    toward = _toward_us(store, net, settings) if source is None else None
    found = _search(net, net.hops(settings), target, source, avoid_ids, max_hops, k, toward)
    flags_by_id = {a.id: a.reason for a in flagged}
    paths = _diverse(_warm_paths(store, found, flags_by_id, settings), k)
    on_paths = {p.id for path in paths for p in path.people}
    return PathReport(target_person, paths, avoided, tuple(a for a in flagged if a.id in on_paths))


def _search(
    net: projection.Network,
    into: projection.Hops,
    target: str,
    source: str | None,
    avoid: set[str],
    max_hops: int,
    k: int,
    toward: Sequence[float] | None = None,
) -> list[list[str]]:
    """The warmest simple paths (as id lists) to `target`, best first per first hop.

    A best-first (Dijkstra) search backwards from the target over the costs −ln(warmth): a
    label is (cost, hops, person, the label after it towards the target), and a person keeps
    a later, costlier label only if it has fewer hops, so the hop bound never hides a path.
    Starts are our reps (or `source`); they, and the avoided, are never passed through. Every
    tie from a start into a reached person ends a candidate; the search stops once no cheaper
    candidate can come, which for the `k` best first hops is after a few hundred people,
    whatever the graph's size.

    With `toward` (from our reps only: `Network.cost_from_us`, per person a lower bound of the
    cost left to reach a rep) the search is steered (A*): labels come off the heap by their
    cost plus that bound, so it heads for our reps and stops sooner. The answer is the same:
    a person's labels still come off in the order of their cost, and equally warm paths are
    told apart by their labels, not by the order in which the search met them.
    """
    t = net.position.get(target)
    s = net.position.get(source) if source is not None else None
    if t is None or (source is not None and (s is None or s == t)):
        return []
    blocked = {net.position[i] for i in avoid if i in net.position}
    starts = net.rep if s is None else _only(len(net.ids), s)
    ahead = toward if toward is not None else _per_version(net, ("no bound",), lambda: [0.0] * len(net.ids))
    best_hops: dict[int, int] = {}
    lightest: dict[int, Label] = {}  # per person, the cheapest label pushed
    firsts: dict[tuple[int, int], tuple[float, int, int, Label]] = {}
    others: list[tuple[float, int, int, Label]] = []
    bound: list[float] = []  # the k cheapest candidate costs with distinct first hops
    heap: list[tuple[float, Label]] = [(0.0, (0.0, 0, t, ()))]
    deep = max_hops + 1  # more hops than any label has
    while heap:
        steer, label = heapq.heappop(heap)
        if len(bound) == k and steer > bound[-1]:
            break
        cost, hops, person, _after = label
        if best_hops.get(person, deep) <= hops:
            continue
        best_hops[person] = hops
        askers, costs = into(person)
        for asker, step in zip(askers, costs, strict=True):
            if asker == t or step == math.inf:
                continue
            total = cost + step
            if starts[asker]:
                candidate = (total, hops + 1, asker, label)
                first = (asker, person)
                known = firsts.get(first)
                if known is None:
                    firsts[first] = candidate
                    bisect.insort(bound, total)
                    del bound[k:]
                elif known[3] is label:  # two ties between the same two (knows, reports to)
                    if candidate < known:  # the warmer counts, whichever the arrays hold first
                        firsts[first] = candidate
                        bound[:] = sorted(c[0] for c in firsts.values())[:k]
                else:
                    others.append(candidate)
            elif hops + 2 <= max_hops and asker not in blocked and best_hops.get(asker, deep) > hops + 1:
                least = total + ahead[asker]  # no path through them costs less
                if least == math.inf or (len(bound) == k and least > bound[-1]):
                    continue  # no rep reaches them, or it would come off after the search stops
                pushed = lightest.get(asker)
                new = (total, hops + 1, asker, label)
                if pushed is not None and pushed[1] <= hops + 1 and pushed <= new:
                    continue  # a label as cheap and as short is on the heap, and comes off first
                if pushed is None or new < pushed:
                    lightest[asker] = new
                heapq.heappush(heap, (least, new))
    chosen = sorted(firsts.values())[:k]
    if len(chosen) < k:
        chosen += sorted(others)[: k - len(chosen)]
    result = []
    for _cost, _hops, asker, after in chosen:
        ids = [net.ids[asker]]
        while after:
            ids.append(net.ids[after[2]])
            after = after[3]
        result.append(ids)
    return result


def _toward_us(store: Store, net: projection.Network, settings: Settings) -> list[float]:
    """What steers a search from our reps (`Network.cost_from_us`), kept with the graph's version
    (`projection.remembered`: a command reads it from beside the database), for today only."""
    key = ("cost from us", *projection.warmth_key(settings))
    for old in [k for k in net.memo if k[0] == key[0] and k != key]:
        net.memo.pop(old, None)  # a viewer running for days keeps today's alone
    return projection.remembered(store, key, lambda: net.cost_from_us(settings, MAX_HOPS_LIMIT), net)


def _only(size: int, position: int) -> list[bool]:
    flags = [False] * size
    flags[position] = True
    return flags


def _warm_paths(
    store: Store, found: list[list[str]], flags_by_id: dict[str, str], settings: Settings
) -> list[WarmPath]:
    """The found paths with their people's names and, per hop, the warmest tie behind it (a
    path whose tie went meanwhile is left out)."""
    ties = _hop_ties(store, found, settings)
    built = (_built(ids, ties, flags_by_id, settings) for ids in found)
    return [path for path in built if path is not None]


def _hop_ties(
    store: Store, found: Iterable[list[str]], settings: Settings
) -> dict[tuple[str, str], dict[str, Any]]:
    """The warmest tie behind each hop of the found paths (one query for them all)."""
    pairs = sorted({(a, b) for ids in found for a, b in itertools.pairwise(ids)})
    ties: dict[tuple[str, str], dict[str, Any]] = {}
    for row in store.run("paths/hops", {"pairs": [list(p) for p in pairs]}):
        pair = (row["source"], row["target"])
        warmth = tie_warmth(row["strength"], row["last_contact"], settings, row["type"])
        rank = (warmth, -HOP_PREFERENCE.index(row["type"]), row["context"] or "")
        if pair not in ties or rank > ties[pair]["rank"]:
            ties[pair] = {**row, "rank": rank}
    return ties


def _built(
    ids: list[str],
    ties: dict[tuple[str, str], dict[str, Any]],
    flags_by_id: dict[str, str],
    settings: Settings,
) -> WarmPath | None:
    hops = [ties.get(pair) for pair in itertools.pairwise(ids)]
    return _path(ids, hops, flags_by_id, settings) if all(hops) else None  # type: ignore[arg-type]


def warmest(
    store: Store, targets: Iterable[str], *, max_hops: int = 5, settings: Settings | None = None
) -> dict[str, WarmPath | None]:
    """The warmest path from our team to each of `targets` (ids): `answer(…, k=1)`'s path, or
    None, for each, with the queries shared: what a committee asks for every member."""
    settings = settings or Settings.from_env()
    net = projection.network(store)
    wanted = list(dict.fromkeys(targets))
    kept = {t: ("warmest", t, max_hops, *projection.warmth_key(settings)) for t in wanted}
    missing = [t for t in wanted if kept[t] not in net.memo]
    if missing:
        into = net.hops(settings)
        flags_by_id = {a.id: a.reason for a in _competitors(store, net)}
        toward = _toward_us(store, net, settings)
        found: dict[str, list[str] | None] = {}
        for hostile, ids in _by_hostile(store, net, missing).items():
            for target in ids:
                best = _search(net, into, target, None, set(hostile) - {target}, max_hops, 1, toward)
                found[target] = best[0] if best else None
        ties = _hop_ties(store, (ids for ids in found.values() if ids), settings)
        for t, route in found.items():  # kept with the network: `committee.answers` asks many at once
            net.memo[kept[t]] = _built(route, ties, flags_by_id, settings) if route else None
    return {t: net.memo[kept[t]] for t in wanted if kept[t] in net.memo}


def hazards_around(store: Store, net: projection.Network, target: str) -> dict[str, list[Avoided]]:
    """Enemies and blockers of open committees on the target's account; competitor ties."""
    return {
        "hostile": _hostile_to(store, net, [target]).get(target, []),
        "competitor": _competitors(store, net),
    }


def _competitors(store: Store, net: projection.Network) -> list[Avoided]:
    """Whoever is tied to a competitor, kept with the network (the graph's version): a committee
    flags them on every member's path, the next steps on every open committee's."""
    return _per_version(net, ("competitors",), lambda: _avoided(store.run("paths/competitors")))


def _avoided(rows: Sequence[dict[str, Any]]) -> list[Avoided]:
    return sorted(
        {Avoided(h["id"], h["name"], h["reason"]) for h in rows if h.get("id")},
        key=lambda a: (a.id, a.reason),
    )


# -- coverage -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cover:
    """How our team reaches a covered person: the nearest rep (fewest introductions, by id among
    equals) and how many ties away (0: the person is one of our reps)."""

    rep: str
    rep_name: str
    hops: int


def covered(
    store: Store, people: Iterable[str], *, max_hops: int = 5, settings: Settings | None = None
) -> set[str]:
    """Which of `people` (ids) our team covers: **the one definition of coverage**, on the home
    page, the committee, the next steps and the org chart alike.

    One of our reps covers themself; anyone else is covered when `answer` would find a warm
    path to them from our team (at most `max_hops` ties, never through another rep or through
    the enemies and blockers around them).

    A breadth-first search from every rep at once over the network's arrays (`_reach`), kept
    with the network until the next write. Who is reached while avoiding every enemy and
    blocker of every open committee is covered whatever their own account (one search per
    version of the graph); only the others need a search of their own set (the people of one
    account share theirs), and only if they are reached at all when nobody is avoided.
    """
    settings = settings or Settings.from_env()
    net = projection.network(store)
    groups = _by_hostile(store, net, people)
    everyone = _all_hostile(store, net)
    found = {p for ids in groups.values() for p in ids if _reached(net, settings, everyone, max_hops, p)}
    for hostile, ids in groups.items():
        for person in ids:
            if (
                person not in found
                and hostile != everyone
                and _reached(net, settings, frozenset(), max_hops, person)
                and _reached(net, settings, hostile, max_hops, person)
            ):
                found.add(person)
    return found


def reach(
    store: Store, people: Iterable[str], *, max_hops: int = 5, settings: Settings | None = None
) -> dict[str, Cover]:
    """How our team reaches each of `people` it covers (`covered`'s rule): the nearest rep (fewest
    ties, by id among equals) and how many ties away. The people not covered are left out."""
    settings = settings or Settings.from_env()
    net = projection.network(store)
    found: dict[str, tuple[str, int]] = {}
    for hostile, ids in _by_hostile(store, net, people).items():
        nearest, hops = _reach(net, settings, hostile, max_hops)
        for person in ids:
            at = net.position.get(person)
            if at is not None and nearest[at] >= 0:
                found[person] = (net.ids[nearest[at]], int(hops[at]))
    reps = sorted({rep for rep, _ in found.values()})
    names = {r["id"]: r["name"] or r["id"] for r in store.run("paths/names", {"ids": reps})}
    return {person: Cover(rep, names.get(rep, rep), hops) for person, (rep, hops) in found.items()}


def _by_hostile(
    store: Store, net: projection.Network, people: Iterable[str]
) -> dict[frozenset[str], list[str]]:
    """`people` (ids, each once) by the set of people a path to them must avoid. Each person's
    set is kept with the network (the graph's version): a committee asks it for its members
    twice (`covered`, `warmest`), the next steps for every open committee."""
    wanted = list(dict.fromkeys(people))
    unknown = [person for person in wanted if ("hostile", person) not in net.memo]
    for person, avoided in _hostile_to(store, net, unknown).items():
        net.memo[("hostile", person)] = frozenset(a.id for a in avoided)
    groups: dict[frozenset[str], list[str]] = {}
    for person in wanted:
        hostile = net.memo.get(("hostile", person))
        if hostile is not None:  # None: not in the graph (`_hostile_to` has nothing on them)
            groups.setdefault(hostile, []).append(person)
    return groups


def _hostile_to(store: Store, net: projection.Network, people: list[str]) -> dict[str, list[Avoided]]:
    """Whom a path to each of `people` must avoid (those in the graph): the enemies and blockers
    in any open committee on an account they work at. Read per account, once per version: at
    scale M, following each person to their accounts' committees took 0.1 s for the next
    steps' 779 people, their accounts and the hostile of every account 0.02 s."""
    if not people:
        return {}
    by_account = _per_version(net, ("hostile by account",), lambda: _by_account(store.run("paths/hostile")))
    return {
        row["id"]: _avoided([h for account in row["accounts"] for h in by_account.get(account, ())])
        for row in store.run("paths/accounts_of", {"people": people})
    }


def _by_account(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["account"], []).append(row)
    return grouped


def _all_hostile(store: Store, net: projection.Network) -> frozenset[str]:
    """Every enemy and blocker of every open committee: more than any one person's set."""
    return _per_version(
        net, ("all hostile",), lambda: frozenset(r["id"] for r in store.run("paths/all_hostile"))
    )


def _per_version[T](net: projection.Network, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """What `make` gives, kept with the network (the graph's version) under `key`."""
    if key not in net.memo:
        net.memo[key] = make()
    return net.memo[key]


def _reached(
    net: projection.Network, settings: Settings, avoid: frozenset[str], max_hops: int, person: str
) -> bool:
    at = net.position.get(person)
    return at is not None and bool(_reach(net, settings, avoid, max_hops)[0][at] >= 0)


def _reach(
    net: projection.Network, settings: Settings, avoid: frozenset[str], max_hops: int
) -> tuple[np.ndarray, np.ndarray]:
    """For every person: the position of the nearest rep reaching them within `max_hops` warm
    ties (−1: none) and the number of ties. Reps start and are never passed through; nor are
    the `avoid`ed, though they can be reached."""
    key = ("reach", projection.warmth_key(settings), avoid, max_hops)
    if key in net.memo:
        return net.memo[key]
    size = len(net.ids)
    rep = np.asarray(net.rep, dtype=bool)
    nearest = np.where(rep, np.arange(size, dtype=np.int32), np.int32(-1))
    hops = np.zeros(size, dtype=np.int8)
    through = ~rep
    through[[net.position[i] for i in avoid if i in net.position]] = False
    warm, source, target = net.warm(settings), net.source, net.target
    frontier = rep
    for step in range(1, max_hops + 1):
        ties = np.flatnonzero(warm & frontier[source])
        into, rep_of = target[ties], nearest[source[ties]]
        new = nearest[into] < 0
        into, rep_of = into[new], rep_of[new]
        if not len(into):
            break
        order = np.lexsort((rep_of, into))  # per person reached, the rep of lowest position
        into, rep_of = into[order], rep_of[order]
        first = np.ones(len(into), dtype=bool)
        first[1:] = into[1:] != into[:-1]
        nearest[into[first]] = rep_of[first]
        hops[into[first]] = step
        frontier = np.zeros(size, dtype=bool)
        frontier[into[first]] = True
        frontier &= through
    kept = [k for k in net.memo if k[0] == "reach"]
    for old in kept[: max(0, len(kept) - REACH_KEPT + 1)]:
        net.memo.pop(old, None)
    net.memo[key] = (nearest, hops)
    return nearest, hops


def find_person(store: Store, person_id: str) -> Person:
    """The person with this id; `NotFound` names an unknown id."""
    rows = store.run("paths/person", {"id": person_id})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    return Person(rows[0]["id"], rows[0]["name"] or rows[0]["id"])


def _path(
    ids: list[str], ties: list[dict[str, Any]], flags_by_id: dict[str, str], settings: Settings
) -> WarmPath:
    names = {t["source"]: t["source_name"] for t in ties} | {t["target"]: t["target_name"] for t in ties}
    people = [Person(i, names.get(i) or i) for i in ids]
    hops = []
    warmth = 1.0
    for index, tie in enumerate(ties):
        strength = (
            default_strength(tie["type"], settings) if tie["strength"] is None else float(tie["strength"])
        )
        hop_warmth = tie_warmth(strength, tie["last_contact"], settings, tie["type"])
        warmth *= hop_warmth
        hops.append(
            Hop(
                people[index],
                people[index + 1],
                tie["type"],
                tie["context"],
                strength,
                tie["last_contact"],
                round(hop_warmth, 4),
                "",
            )
        )
    hops = [dataclasses.replace(h, instruction=_instruction(hops, i)) for i, h in enumerate(hops)]
    flags = tuple(f"{p.name}: {flags_by_id[p.id]}" for p in people[1:] if p.id in flags_by_id)
    return WarmPath(round(warmth, 4), tuple(hops), flags)


def describe_tie(hop: Hop, whose: str) -> str:
    """'your neighbour; strong tie (0.8); last contact 2026-09' for the tie of `hop`."""
    if hop.type == "INFLUENCES":
        relation = f"listens to {'you' if whose == 'your' else 'them'}"
    elif hop.type == "KIN":
        relation = f"{whose} family" + (f": {hop.context}" if hop.context else "")
    elif hop.type == "ALLY":
        relation = f"{whose} ally" + (f": {hop.context}" if hop.context else "")
    elif hop.type in ORG_WORDS:
        relation = f"{whose} {ORG_WORDS[hop.type]}"
    elif hop.context and len(hop.context.split()) <= 2:
        relation = f"{whose} {hop.context}"  # "your neighbour", "their EMBA classmates"
    else:
        relation = f"knows {'you' if whose == 'your' else 'them'}" + (
            f": {hop.context}" if hop.context else ""
        )
    contact = f"last contact {hop.last_contact[:7]}" if hop.last_contact else "no recorded contact"
    return f"{relation}; {words.strength(hop.strength)}; {contact}"


def _instruction(hops: Sequence[Hop], index: int) -> str:
    """The ask at hop `index`, as a sentence for the rep."""
    hop = hops[index]
    if index == 0 and len(hops) == 1:
        return f"{hop.source.name}: contact {hop.target.name} directly ({describe_tie(hop, 'your')})"
    if index == 0:
        return f"{hop.source.name} knows {hop.target.name} ({describe_tie(hop, 'your')})"
    before = hops[index - 1]
    asked = f"Ask {before.target.name} ({describe_tie(before, 'your' if index == 1 else 'their')})"
    if hop.type in ORG_WORDS:  # "to introduce you to their manager 高建华 Gao Jianhua"
        contact = f"last contact {hop.last_contact[:7]}" if hop.last_contact else "no recorded contact"
        return (
            f"{asked} to introduce you to their {ORG_WORDS[hop.type]} {hop.target.name} "
            f"({words.strength(hop.strength)}; {contact})"
        )
    return f"{asked} to introduce you to {hop.target.name} ({describe_tie(hop, 'their')})"


def _diverse(paths: list[WarmPath], k: int) -> tuple[WarmPath, ...]:
    """The k warmest, preferring paths whose first hop no chosen path has used."""
    ranked = sorted(paths, key=lambda p: (-p.warmth, len(p.hops), [x.id for x in p.people]))
    chosen: list[WarmPath] = []
    first_hops: set[tuple[str, str]] = set()
    for path in ranked:
        first = (path.hops[0].source.id, path.hops[0].target.id)
        if first not in first_hops and len(chosen) < k:
            chosen.append(path)
            first_hops.add(first)
    for path in ranked:
        if len(chosen) >= k:
            break
        if path not in chosen:
            chosen.append(path)
    return tuple(sorted(chosen, key=lambda p: (-p.warmth, len(p.hops))))


# -- the answer in words and as a picture -----------------------------------------------------------


def as_text(report: PathReport) -> str:
    """The paths as the terminal shows them: each with its warmth, route, asks and flags."""
    lines = [f"Warmest paths to {report.target.name}:"]
    for number, path in enumerate(report.paths, start=1):
        route = " → ".join(p.name for p in path.people)
        lines.append(f"#{number}  warmth {path.warmth:g}  {route}")
        lines += [f"    {i}. {hop.instruction}" for i, hop in enumerate(path.hops, start=1)]
        lines += [f"    ! {flag}" for flag in path.flags]
    if not report.paths:
        lines.append("  no path from our team within the hop limit")
    lines += [f"avoided: {a.name} ({a.reason})" for a in report.avoided]
    return "\n".join(lines)


def picture(report: PathReport) -> Picture:
    """The warm paths as one picture: every path's people and hops (nothing is left out).

    One PATH edge per hop (a hop shared by several paths once), labelled with the tie and the
    hop's warmth in words ("knows · strong"), its tooltip the ask and the numbers. `group`:
    "target" for the person to reach, "rep" for the start of a path, "flagged" for people tied
    to a competitor; `level` is the earliest position on a path (0 = start). With no path, the
    target alone.
    """
    flagged = {a.id: a.reason for a in report.flagged}
    target = report.target
    starts = {path.hops[0].source.id for path in report.paths if path.hops}
    names = {target.id: target.name}
    level: dict[str, int] = {}
    on_paths: dict[str, int] = {target.id: len(report.paths)}
    edges: dict[tuple[str, str], Edge] = {}
    for path in report.paths:
        for index, person in enumerate(path.people[:-1]):  # the last is the target
            names[person.id] = person.name
            level[person.id] = min(level.get(person.id, index), index)
            on_paths[person.id] = on_paths.get(person.id, 0) + 1
        for hop in path.hops:
            if (hop.source.id, hop.target.id) not in edges:
                label = f"{words.tie(hop.type)} · {words.warmth(hop.warmth)}"
                title = tooltip([hop.instruction, f"warmth {hop.warmth:g} ({hop.type})"])
                edges[(hop.source.id, hop.target.id)] = Edge(
                    hop.source.id, hop.target.id, "PATH", label, title, hop.warmth
                )
    level[target.id] = max(level.values(), default=-1) + 1
    count = len(report.paths)
    nodes = []
    for person_id, name in names.items():
        group: str | None
        if person_id == target.id:
            group, kind, size, about = "target", "person", 5.0, "the person to reach"
        elif person_id in starts:
            group, kind, size, about = "rep", "rep", 4.0, "starts a path"
        else:
            group = "flagged" if person_id in flagged else None
            kind, size, about = "person", round(1 + 2 * on_paths[person_id] / count, 2), "introduces"
        about_them = [name, about, f"on {on_paths[person_id]} of {count} path(s)"]
        if person_id in flagged:
            about_them.append(f"flagged: {flagged[person_id]}")
        nodes.append(
            Node(
                id=person_id,
                label=name,
                kind=kind,
                title=tooltip(about_them),
                group=group,
                size=size,
                level=level[person_id],
            )
        )
    nodes.sort(key=lambda n: (n.level or 0, n.id))
    drawn = tuple(edges.values())
    return Picture(tuple(nodes), drawn, len(nodes), False, None, legend(nodes, drawn))


# The question by its own name, as callers outside the shells (bench/, older tests) know it.
warm_paths = answer
