"""Who can introduce me to this decision maker? The warmest introduction paths (DOMAIN.md §4.1).

Warmth of a path = the product of its ties' warmths; a tie's warmth is its strength (0..1)
halved for every half-life (a setting, default 365 days) since its last contact. A tie with no
recorded last contact counts as one half-life old. Trust is built faster through an
acquaintance (seed 002): a strong, recent tie at every hop is what makes an ask land.

Paths travel over KNOWS, KIN and ALLY ties (either way) and INFLUENCES (from the one
listened to, who can ask the listener). They start at any of our reps (or one person) and
never pass through people who are enemies or blockers in an open committee on the target's
account. People tied to a competitor are flagged, or with `strict` avoided. Alternatives
differ in their first hop where the graph allows: a second path through the same first
contact is shown only when no other first contact reaches the target.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from graphcrm.errors import NotFound
from graphcrm.settings import Settings
from graphcrm.store import Store

DEFAULT_STRENGTH = 0.5
MAX_HOPS_LIMIT = 6  # the bound written in cypher/paths/candidates.cypher
CANDIDATE_LIMIT = 50_000


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


def tie_warmth(strength: float | None, last_contact: str | None, settings: Settings) -> float:
    """Strength halved per half-life since last contact (unknown contact: one half-life)."""
    base = DEFAULT_STRENGTH if strength is None else float(strength)
    if last_contact:
        try:
            age = (settings.today - dt.date.fromisoformat(str(last_contact)[:10])).days
        except ValueError:
            age = settings.half_life_days
    else:
        age = settings.half_life_days
    return base * 0.5 ** (max(age, 0) / settings.half_life_days)


def warm_paths(
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
    a competitor instead of flagging them. Raises `NotFound` for an unknown person.
    """
    settings = settings or Settings.from_env()
    if not 1 <= max_hops <= MAX_HOPS_LIMIT:
        raise ValueError(f"max hops must be from 1 to {MAX_HOPS_LIMIT} (got {max_hops})")
    target_person = find_person(store, target)
    if source is not None:
        find_person(store, source)
    hazards = hazards_around(store, target)
    avoided = tuple(a for a in hazards["hostile"] if a.id not in (target, source))
    flagged = tuple(a for a in hazards["competitor"] if a.id != source)
    avoid_ids = {a.id for a in avoided} | ({a.id for a in flagged} - {target} if strict else set())
    rows = store.run(
        "paths/candidates",
        {
            "target": target,
            "from": source,
            "max_hops": max_hops,
            "avoid": sorted(avoid_ids),
            "limit": CANDIDATE_LIMIT,
        },
    )
    flags_by_id = {a.id: a.reason for a in flagged}
    paths = _diverse([_path(row, flags_by_id, settings) for row in rows if _usable(row, source)], k)
    on_paths = {p.id for path in paths for p in path.people}
    return PathReport(target_person, paths, avoided, tuple(a for a in flagged if a.id in on_paths))


def hazards_around(store: Store, target: str) -> dict[str, list[Avoided]]:
    """Enemies and blockers of open committees on the target's account; competitor ties."""
    row = store.run("paths/hazards", {"target": target})[0]
    return {
        key: sorted(
            {Avoided(h["id"], h["name"], h["reason"]) for h in row[key] if h.get("id")},
            key=lambda a: (a.id, a.reason),
        )
        for key in ("hostile", "competitor")
    }


def find_person(store: Store, person_id: str) -> Person:
    """The person with this id; `NotFound` names an unknown id."""
    rows = store.run("paths/person", {"id": person_id})
    if not rows:
        raise NotFound(f"no person with id {person_id!r}")
    return Person(rows[0]["id"], rows[0]["name"] or rows[0]["id"])


def _usable(row: dict[str, Any], source: str | None) -> bool:
    """A simple path; from any rep, one that does not pass another rep (theirs is shorter)."""
    ids = row["ids"]
    if len(set(ids)) != len(ids):
        return False
    return source is not None or not any(row["reps"][1:-1])


def _path(row: dict[str, Any], flags_by_id: dict[str, str], settings: Settings) -> WarmPath:
    people = [Person(i, n or i) for i, n in zip(row["ids"], row["names"], strict=True)]
    hops = []
    warmth = 1.0
    for index, tie in enumerate(row["ties"]):
        strength = DEFAULT_STRENGTH if tie["strength"] is None else float(tie["strength"])
        hop_warmth = tie_warmth(strength, tie["last_contact"], settings)
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
    """'your neighbour; strength 0.8; last contact 2026-09' for the tie of `hop`."""
    if hop.type == "INFLUENCES":
        relation = f"listens to {'you' if whose == 'your' else 'them'}"
    elif hop.type == "KIN":
        relation = f"{whose} family" + (f": {hop.context}" if hop.context else "")
    elif hop.type == "ALLY":
        relation = f"{whose} ally" + (f": {hop.context}" if hop.context else "")
    elif hop.context and len(hop.context.split()) <= 2:
        relation = f"{whose} {hop.context}"  # "your neighbour", "their EMBA classmates"
    else:
        relation = f"knows {'you' if whose == 'your' else 'them'}" + (
            f": {hop.context}" if hop.context else ""
        )
    contact = f"last contact {hop.last_contact[:7]}" if hop.last_contact else "no recorded contact"
    return f"{relation}; strength {hop.strength:g}; {contact}"


def _instruction(hops: Sequence[Hop], index: int) -> str:
    """The ask at hop `index`, as a sentence for the rep."""
    hop = hops[index]
    if index == 0 and len(hops) == 1:
        return f"{hop.source.name}: contact {hop.target.name} directly ({describe_tie(hop, 'your')})"
    if index == 0:
        return f"{hop.source.name} knows {hop.target.name} ({describe_tie(hop, 'your')})"
    before = hops[index - 1]
    return (
        f"Ask {before.target.name} ({describe_tie(before, 'your' if index == 1 else 'their')}) "
        f"to introduce you to {hop.target.name} ({describe_tie(hop, 'their')})"
    )


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
