"""The introduction network as arrays, read once per graph version: the warm-path search's input.

Enumerating introduction paths in Cypher grows with (ties per person)^hops: a few people in
a seed, billions in a sales organisation's imported networks. The search of `graphcrm.paths`
is best-first over these arrays instead and stops as soon as nothing warmer can be found.

The arrays hold, for every person, the ties *into* them that an introduction can travel
(KNOWS, KIN, ALLY stored both ways; INFLUENCES from the one listened to; REPORTS_TO either way,
marked `org`): who can ask them, and the strength and last contact of each tie. They are read
once per graph version (see
`Store.version`, which every write through the store bumps) and kept per store, so a viewer
reads them once after each import and a question pays only for its search. The embedded
database also keeps them beside itself (`Store.cache_dir`, one folder of .npy files per graph
version, read memory-mapped), so that each new process of the command line does not read them
again: at 100,000 people and a million ties, a read is seconds and a load milliseconds.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import math
import os
import pickle
import shutil
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from graphcrm import __version__
from graphcrm.kept import ARRAYS, arrays_kept
from graphcrm.schema import DEFAULT_STRENGTH, NETWORK_TIES, SYMMETRIC_TIES
from graphcrm.settings import Settings
from graphcrm.store import Store

if TYPE_CHECKING:  # a question need not load the bulk writer (10 ms)
    from graphcrm.store.bulk import Coded

ORG_TIES = frozenset({"REPORTS_TO", "MANAGES"})  # a reports-to tie, read either way
CHUNK = 50_000  # people whose ties are read in one reply: bounds the memory of a read
STABLE_READS = 3  # reads tried for one during which no write landed
# A tie looked up in the database (Expand Into, at scale M: about 18 µs) costs what sorting this
# many of the network's ties does (`Network.tie_keys`: 0.15 s for 1.9 million): `untied`.
LOOKUP_PER_TIE = 200
BLOCK = 16  # people whose ties the search turns into lists at once (`Hops`; see there)
_EPOCH = dt.date(1970, 1, 1)  # days of last contact are counted from it


@dataclasses.dataclass(eq=False)
class Network:
    """People (positions 0..n-1, in id order) and the introduction ties into each.

    The ties into person `v` are `source[start[v]:start[v + 1]]`, with `strength` (NaN when
    unknown), `contact`, the day of the last contact counted from 1970-01-01 (NaN when
    unknown), and `org`, whether the tie is a reports-to one.
    """

    version: tuple[Any, Any]
    ids: list[str]
    position: dict[str, int]
    rep: list[bool]
    start: np.ndarray
    source: np.ndarray
    strength: np.ndarray
    contact: np.ndarray
    org: np.ndarray
    _kept: dict[tuple[Any, ...], Any] = dataclasses.field(default_factory=dict, repr=False)
    # what the questions derive from the arrays and keep with them (`graphcrm.paths.covered`)
    memo: dict[tuple[Any, ...], Any] = dataclasses.field(default_factory=dict, repr=False)

    def hops(self, settings: Settings) -> Hops:
        """The ties into each person as the search walks them: who can ask, at what cost
        (−ln(warmth) as `graphcrm.paths.tie_warmth` defines warmth, inf at 0: the warmest path
        is the one of least total cost). Kept per (today, half-life)."""
        return self._keep(("hops", *warmth_key(settings)), lambda: Hops(self, settings))

    def warm(self, settings: Settings) -> np.ndarray:
        """Which ties an introduction can travel at all (warmth above 0), in the arrays' order."""
        return self._keep(("warm", *warmth_key(settings)), lambda: self.costs(settings) < math.inf)

    def costs(self, settings: Settings, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """The search's cost (`costs`) of the ties `lo:hi`, default all. All are worked out once
        and kept: the steering bound and coverage need them all. A part is sliced from those
        when kept, else worked out alone (`Hops`: a search that reads a kept bound reaches a few
        thousand people, and at scale L all the ties are 20 million)."""
        key = ("costs", *warmth_key(settings))
        if hi is None:
            return self._keep(key, lambda: costs(self.warmth(settings, 0, len(self.source))))
        every = self._kept.get(key)
        return every[lo:hi] if every is not None else costs(self.warmth(settings, lo, hi))

    def cost_from_us(self, settings: Settings, hops: int) -> list[float]:
        """Per person, a lower bound of the cost of any path of at most `hops` ties to them from
        our reps: the least cost (`costs`) over the ties an introduction can travel, avoided
        people set aside (inf: no rep reaches them in as many ties). The search steers by it
        (A*, `graphcrm.paths`). Shrunk by a margin, so that the same ties added up in another
        order never cost more than the search's own sum.

        Worked out in rounds, one per tie of a path (Bellman-Ford over the arrays: each person
        takes the least of what the people who can ask them have, plus the tie): at scale M six
        rounds took 0.04 s, where scipy's Dijkstra took 0.06 s after 0.13 s importing scipy,
        and the bound is tighter (a path has at most `hops` ties)."""
        reps = np.asarray(self.rep, dtype=bool)
        if not reps.any():
            return [math.inf] * len(self.ids)
        cost = self.costs(settings)
        source, start = np.asarray(self.source), np.asarray(self.start)
        asked = start[1:] > start[:-1]  # the people with ties into them
        firsts = start[:-1][asked]  # where each one's ties begin: `reduceat`'s segments
        least = np.where(reps, 0.0, math.inf)
        for _ in range(hops):
            before = least[asked]
            after = np.minimum(before, np.minimum.reduceat(least[source] + cost, firsts))
            if np.array_equal(after, before):
                break
            least[asked] = after
        return np.maximum(least * (1 - 1e-9) - 1e-12, 0.0).tolist()

    def positions(self, ids: Sequence[str] | np.ndarray) -> np.ndarray:
        """The position of each of `ids`, -1 for one the network does not hold: pandas' index
        of the ids, made once, looks 180,000 up in 30 ms, the dict (`position`) in 0.2 s."""
        import pandas as pd  # where many are looked up: an import has it already

        return _positions(self._keep(("index",), lambda: pd.Index(self.ids, dtype=object)), ids)

    def _keep(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What `make` gives, kept for one warmth key per kind (`today` moves daily in a viewer
        that runs for days: the lists of a million ties are not kept for each day)."""
        found = self._kept.get(key)
        if found is None:
            for old in [k for k in self._kept if k[0] == key[0]]:
                self._kept.pop(old, None)
            found = self._kept[key] = make()
        return found

    def warmth(self, settings: Settings, lo: int, hi: int) -> np.ndarray:
        """The warmth of the ties `lo:hi` (`graphcrm.paths.tie_warmth`)."""
        half_life = settings.half_life_days
        today = (settings.today - _EPOCH).days
        strength, contact = self.strength[lo:hi], self.contact[lo:hi]
        default = np.where(self.org[lo:hi], settings.org_chart_strength, DEFAULT_STRENGTH)
        strength = np.where(np.isnan(strength), default, strength)
        age = np.where(np.isnan(contact), half_life, np.maximum(today - contact, 0))
        return strength * 0.5 ** (age / half_life)

    @functools.cached_property
    def starts(self) -> list[int]:
        """`start` as a list: the search walks it a person at a time, faster than the array."""
        return self.start.tolist()

    @functools.cached_property
    def tie_keys(self) -> np.ndarray:
        """Each tie as one number, target × people + source, sorted: who is tied to whom, to look
        up many pairs at once (`untied`)."""
        return np.sort(self.target * len(self.ids) + np.asarray(self.source, dtype=np.int64))

    @functools.cached_property
    def target(self) -> np.ndarray:
        """The person each tie goes into (position), as `source` orders the ties."""
        return np.repeat(np.arange(len(self.ids), dtype=np.int64), np.diff(self.start))

    def ties_into(self, person: int) -> tuple[int, int]:
        """The slice of `source` (and of its other arrays) holding the ties into `person`."""
        return int(self.start[person]), int(self.start[person + 1])

    @property
    def tie_count(self) -> int:
        return len(self.source)


class Hops:
    """`Network.hops`: per person, the ties into them as two lists, who can ask and at what cost.

    Python lists, because the search walks them a person at a time, faster than arrays; made a
    block of `BLOCK` people at a time, as the search first reaches one of them: at scale L
    (20 million ties) making them all took 4 s in every process, and a search reaches a few
    thousand people, scattered over the id order: small blocks convert little beyond them."""

    def __init__(self, net: Network, settings: Settings) -> None:
        self.net, self.settings = net, settings
        self.starts = net.starts
        self.blocks: list[tuple[list[int], list[float], int] | None] = [None] * (len(net.ids) // BLOCK + 1)

    def __call__(self, person: int) -> tuple[list[int], list[float]]:
        block = self.blocks[person // BLOCK] or self._fill(person // BLOCK)
        askers, costs, base = block
        lo, hi = self.starts[person] - base, self.starts[person + 1] - base
        return askers[lo:hi], costs[lo:hi]

    def _fill(self, index: int) -> tuple[list[int], list[float], int]:
        first = index * BLOCK
        lo, hi = self.starts[first], self.starts[min(first + BLOCK, len(self.net.ids))]
        block = (self.net.source[lo:hi].tolist(), self.net.costs(self.settings, lo, hi).tolist(), lo)
        self.blocks[index] = block
        return block


def costs(warmth: np.ndarray) -> np.ndarray:
    """The search's cost of ties of these warmths: −ln(warmth), the warmest path being the one
    of least total cost; inf where the warmth is 0 (no introduction travels that tie)."""
    return np.where(warmth > 0, -np.log(np.maximum(warmth, 1e-300)), math.inf)


def warmth_key(settings: Settings) -> tuple[Any, ...]:
    """The settings a tie's warmth depends on."""
    return (settings.today, settings.half_life_days, settings.org_chart_strength)


_cache: weakref.WeakKeyDictionary[Store, Network] = weakref.WeakKeyDictionary()
_lock = threading.RLock()  # re-entrant: a read may land an import in a test's hook


def network(store: Store) -> Network:
    """The store's introduction network at its current version (read again after any write).

    People and ties are read by separate queries, and a viewer serves them while it imports
    or forgets someone. A read during which the version moved is read again (a few times), so
    an answer never mixes two versions: after a delete the engine may give a forgotten
    person's internal id to a new one, and ties would be pinned on the wrong person. Should
    writes keep landing, the last read (its people, and the ties among them: `read_network`)
    is used, kept under the version read before it, so that the next call reads it again.
    A version holding None (relationships being added in bulk, `Store.append`; a graph never
    written) keeps nothing: the network is read for each call, one read at a time (at scale L
    a read holds gigabytes, and a viewer's questions come in several threads at once)."""
    version = store.version()
    if None in version:
        with _lock:
            version = store.version()
            if None in version:
                return read_network(store, version)
        return network(store)  # the version moved on while this waited
    cached = _cache.get(store)
    if cached is not None and cached.version == version:
        return cached  # without the lock: a patch (below) waits for it, readers should not
    version = store.version()
    cached = _cache.get(store)
    if cached is not None and cached.version == version:
        return cached  # without the lock, which a write being patched holds (`patching`)
    with _lock:
        version = store.version()
        cached = _cache.get(store)
        if cached is not None and cached.version == version:
            return cached
        fresh = _load(store.cache_dir, version) or _read_stable(store, version)
        _cache[store] = fresh
        return fresh


def untied(
    store: Store,
    sources: Sequence[Any] | np.ndarray,
    targets: Sequence[Any] | np.ndarray,
    names: Sequence[str] | None = None,
) -> np.ndarray | None:
    """For each pair (`sources[i]`, `targets[i]`: ids; with `names`, their places in it, as an
    import numbers ids), whether the network of the store's current version holds no
    introduction tie (`NETWORK_TIES`) from the one to the other: every such tie between people
    is in it, as (source, target). None where no network of this version is in this process or
    beside the database (nothing is read to find out); False for an end it does not hold (not a
    person). An import asks before merging ties, instead of looking each up
    (`graphcrm.ingest.plan`). None too when so few pairs are asked that looking each up costs
    less than sorting the network's ties (`LOOKUP_PER_TIE`), or it holds none."""
    version = store.version()
    net = _cache.get(store)
    if net is None or net.version != version:
        net = _load(store.cache_dir, version)
    if net is None or not net.tie_count or len(sources) * LOOKUP_PER_TIE < net.tie_count:
        return None
    if names is None:
        source, target = net.positions(sources), net.positions(targets)
    else:  # each id looked up once, however many ties name it
        places = net.positions(names)
        source, target = places[np.asarray(sources, np.int64)], places[np.asarray(targets, np.int64)]
    keys, tied = target * len(net.ids) + source, net.tie_keys
    found = tied[np.minimum(np.searchsorted(tied, keys), len(tied) - 1)] == keys
    return (source >= 0) & (target >= 0) & ~found


def remembered[T](
    store: Store, key: tuple[Any, ...], compute: Callable[[], T], net: Network | None = None
) -> T:
    """`compute()`'s answer, kept with the graph's version: in this process (`Network.memo`) and,
    where the arrays are kept beside the database, in a file beside them, so that the next
    command asking the same (`graphcrm next` asks 94 committees at scale M: 4 s) reads it
    instead. `key` names the question and everything its answer depends on (settings
    included); the files go with their version's arrays when a write makes a new one, and are
    not read by other code (`_code`). `net`: the network `compute` works from, where it does
    (default: the store's current one), so that its answer is kept with its own version."""
    net = net or network(store)
    if key in net.memo:
        return net.memo[key]
    path = _answer_path(store.cache_dir, net.version, key)
    try:
        with open(path, "rb") as file:  # type: ignore[arg-type]
            value = pickle.load(file)
    except (TypeError, OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        value = compute()
        _keep_answer(path, value)
    net.memo[key] = value
    return value


def _answer_path(cache: Path | None, version: tuple[Any, Any], key: tuple[Any, ...]) -> Path | None:
    """Where an answer of this version is kept: None where the version's arrays are not."""
    if cache is None or None in version:
        return None
    folder = cache / _folder_name(version)
    name = hashlib.sha256(repr((_code(), key)).encode()).hexdigest()[:32]
    return folder / "answers" / f"{name}.pickle" if folder.is_dir() else None


@functools.cache
def _code() -> tuple[str, str]:
    """graphcrm's version and a fingerprint of its source files (names, sizes, times): an answer
    kept by other code (an upgrade, a checkout) is not read back as this code's."""
    files = sorted(Path(__file__).parent.rglob("*.py"))
    stamp = hashlib.sha256(repr([(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]).encode())
    return __version__, stamp.hexdigest()


def _keep_answer(path: Path | None, value: Any) -> None:
    """Best effort, as `_save`: written whole or not at all (another process may read it)."""
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".staging-", delete=False) as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, path)
    except (OSError, pickle.PicklingError):
        return


class WrittenTies(NamedTuple):
    """The relationships an import wrote, as columns (a symmetric tie once): their types, ends
    (numbers into one table of ids, `Coded`), and strength and last contact (None where a tie
    has none)."""

    types: Sequence[str]
    sources: Coded
    targets: Coded
    strengths: Sequence[Any]
    contacts: Sequence[Any]


# How `keep_written` reads each introduction tie: 1 both ways, 2 one way, 3 both ways as org chart.
_WAYS = {t: 3 if t in ORG_TIES else 1 if t in SYMMETRIC_TIES else 2 for t in NETWORK_TIES}


def keep_written(
    store: Store,
    people: Sequence[tuple[str, bool | None]],
    ties: WrittenTies,
    before: Network | None = None,
) -> Network:
    """The network of a graph an import has just written at once (a bulk import,
    `graphcrm.ingest.plan`), made from what it wrote instead of read back, and kept as a read is
    (in this process and beside the database): the first question after an import at scale M
    read it for 12 s, at L for two minutes. The caller holds the write lock.

    `people`: (id, rep) of every person written (rep None: left as it was, else not one of
    ours); `ties`: every relationship written, as its row was (a symmetric tie once). The
    introduction ties between people become ties each way they travel, as `read_network` reads
    them (paths/network_ties). `before`: the network of the graph the import was added to, whose
    introduction ties the import did not change (none of `ties` was there before). A column at a
    time, to add little to the memory of an import holding its whole plan."""
    import pandas as pd  # an import has it already

    version = store.version()
    held = {} if before is None else dict(zip(before.ids, before.rep, strict=True))
    for person, rep in people:
        held[person] = bool(held.get(person, False) if rep is None else rep)
    ids = sorted(held)
    people_at = pd.Index(ids, dtype=object)
    count = len(ties.types)
    ways = np.fromiter(map(_WAYS.get, ties.types, itertools.repeat(0)), dtype=np.int8, count=count)
    # each id of the table looked up once (-1: no person), not each end of a million ties
    at = _positions(people_at, ties.sources.names)
    source, target = at[ties.sources.codes], at[ties.targets.codes]
    keep = ((ways > 0) & (source >= 0) & (target >= 0)).nonzero()[0]
    kind, source, target = ways[keep], source[keep].astype(np.int64), target[keep].astype(np.int64)
    del ways
    chosen = keep.tolist()
    strength = _numbers(tuple(map(ties.strengths.__getitem__, chosen)))
    # a few thousand days recur across a million ties: each is read once
    contacts = np.fromiter(map(ties.contacts.__getitem__, chosen), dtype=object, count=len(chosen))
    day, days = pd.factorize(contacts)
    del chosen, contacts
    contact = np.append(_days(tuple(days)), np.nan)[day]  # -1, no contact: the NaN at the end
    back = (kind != 2).nonzero()[0]  # read from the other end too
    org = kind == 3
    del kind
    parts = [
        (source, target, strength, contact, org),
        (target[back], source[back], strength[back], contact[back], org[back]),
    ]
    if before is not None:  # its ties, from its positions to ours
        moved = _positions(people_at, before.ids)
        into = np.repeat(np.arange(len(before.ids)), np.diff(before.start))
        parts.append((moved[before.source], moved[into], before.strength, before.contact, before.org))
    sources, targets, strengths, contacts, orgs = map(np.concatenate, zip(*parts, strict=True))
    del parts, source, target
    order = _by_target(sources, targets, len(ids))
    network = _assemble(
        version,
        ids,
        [held[person] for person in ids],
        sources[order],
        targets[order],
        strengths[order],
        contacts[order],
        orgs[order],
        ordered=True,
    )
    with _lock:
        _cache[store] = network
    _save(store.cache_dir, network)
    return network


def _read_stable(store: Store, version: tuple[Any, Any]) -> Network:
    """A read during which no write landed (kept beside the database), else the last one tried."""
    for _ in range(STABLE_READS):
        fresh = read_network(store, version)
        after = store.version()
        if after == version:
            _save(store.cache_dir, fresh)
            break
        version = after
    return fresh


def read_network(store: Store, version: tuple[Any, Any] = (None, None)) -> Network:
    """Read the people and their introduction ties into arrays (see `Network`)."""
    people = store.scan("paths/network_people")
    people.sort(key=lambda row: row[1])
    ids = [str(row[1]) for row in people]
    keys = [row[0] for row in people]
    rep = _flags([row[2] for row in people]).tolist()
    lookup = _key_lookup(keys)
    sources: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    strengths: list[np.ndarray] = []
    contacts: list[np.ndarray] = []
    orgs: list[np.ndarray] = []
    bounds = [None, *ids[CHUNK::CHUNK], None]
    for lo, hi in itertools.pairwise(bounds):
        rows = store.scan("paths/network_ties", {"lo": lo, "hi": hi})
        if not rows:
            continue
        columns = list(zip(*rows, strict=True))
        chunk_sources, chunk_targets = lookup(columns[0]), lookup(columns[1])
        # a person written after the people were read (an import landed meanwhile): left out
        known = (chunk_sources >= 0) & (chunk_targets >= 0)
        sources.append(chunk_sources[known])
        targets.append(chunk_targets[known])
        strength = _numbers(columns[2])
        strengths.append(strength[known])
        contacts.append(_days(columns[3])[known])
        orgs.append(_flags(columns[4])[known])
    source, target, strength, contact, org = (
        np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
        for parts, dtype in (
            (sources, np.int64),
            (targets, np.int64),
            (strengths, float),
            (contacts, float),
            (orgs, bool),
        )
    )
    return _assemble(version, ids, rep, source, target, strength, contact, org)


def _assemble(
    version: tuple[Any, Any],
    ids: list[str],
    rep: list[bool],
    source: np.ndarray,
    target: np.ndarray,
    strength: np.ndarray,
    contact: np.ndarray,
    org: np.ndarray,
    *,
    ordered: bool = False,
) -> Network:
    """The network of these ties (positions into `ids`), ordered by target, then source (the
    search's order), unless `ordered` says they are already."""
    if not ordered:
        order = _by_target(source, target, len(ids))
        source, strength, contact, org = source[order], strength[order], contact[order], org[order]
        target = target[order]
    start = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(target, minlength=len(ids)), out=start[1:])
    return Network(
        version=version,
        ids=ids,
        position={person: i for i, person in enumerate(ids)},
        rep=rep,
        start=start,
        source=source,
        strength=strength,
        contact=contact,
        org=org,
    )


def _by_target(source: np.ndarray, target: np.ndarray, people: int) -> np.ndarray:
    """The order of ties by target, then source (`np.lexsort((source, target))`, which took
    0.6 s for the 1.8 million of M; one sort of one number per tie takes 0.4)."""
    return np.argsort(target.astype(np.int64) * people + source, kind="stable")


@contextlib.contextmanager
def patching(store: Store, touched: set[str] | None) -> Iterator[None]:
    """Around a write of this process that touches only the people `touched` (and their ties;
    None: more than `kept.PATCH_MAX`): the network kept, here or beside the database, is patched
    after it, where it is at the version the write starts from, instead of read in full at the
    next question (seconds at scale S under imports, issue 17; a viewer's after an import from
    the shell): only the ties into those people are read again and put in place of theirs.
    Questions that find the version moved meanwhile wait for the patch (an import writes in
    batches: one asked between two would read the whole network of a half-written import). The
    caller holds the write lock, so no other write comes between (`graphcrm.kept.patched`).
    Nothing is patched when the write fails, when `touched` is None, or when a person of it is
    no longer in the graph (a delete): the next question reads it all. Ids of other records
    (accounts, opportunities) are looked for among the people and not found: they change
    nothing."""
    if touched is None or (_cache.get(store) is None and not arrays_kept(store)):
        yield  # nothing to patch, nobody to hold back
        return
    with _lock:
        before = store.version()
        kept = _cache.get(store)
        if kept is None or kept.version != before:
            kept = _load(store.cache_dir, before)  # kept beside the database, by another process
        yield
        version = store.version()
        if kept is None or None in version or version == before:
            return
        fresh = _patched(store, kept, version, sorted(touched))
        if fresh is None:
            return
        _cache[store] = fresh
    _save(store.cache_dir, fresh)  # for the next process; the questions here need not wait for it


def _patched(store: Store, kept: Network, version: tuple[Any, Any], people: list[str]) -> Network | None:
    rows = store.scan("paths/people_of", {"ids": people})
    found = dict(zip((str(row[0]) for row in rows), _flags([row[1] for row in rows]).tolist(), strict=True))
    if any(person in kept.position and person not in found for person in people):
        return None  # someone was deleted
    ids, rep = kept.ids, list(kept.rep)
    added = sorted(set(found) - set(kept.position))
    if added:
        ids = sorted([*kept.ids, *added])
        position = {person: i for i, person in enumerate(ids)}
        moved = np.fromiter((position[person] for person in kept.ids), dtype=np.int64, count=len(kept.ids))
        rep = [False] * len(ids)
        for person, is_rep in zip(kept.ids, kept.rep, strict=True):
            rep[position[person]] = is_rep
    else:
        position, moved = kept.position, np.arange(len(kept.ids), dtype=np.int64)
    for person, is_rep in found.items():
        rep[position[person]] = is_rep
    touched = np.zeros(len(kept.ids), dtype=bool)
    touched[[kept.position[p] for p in people if p in kept.position]] = True
    keep = ~touched[kept.target]  # the ties into the touched people are read again
    rows = store.scan("paths/network_ties_into", {"ids": people})
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    sources, targets = (
        np.fromiter((position.get(str(k), -1) for k in column), dtype=np.int64, count=len(column))
        for column in columns[:2]
    )
    known = (sources >= 0) & (targets >= 0)
    added_ties = [
        targets[known],
        sources[known],
        _numbers(columns[2])[known],
        _days(columns[3])[known],
        _flags(columns[4])[known],
    ]
    order = np.lexsort((added_ties[1], added_ties[0]))
    added_ties = [column[order] for column in added_ties]
    # the ties kept are in order (positions moved by `moved` keep it): the read ones go in
    # where they belong, by target then source, as `_assemble` orders a full read
    target, source = moved[kept.target[keep]], moved[kept.source[keep]]
    size = len(ids)
    at = np.searchsorted(target * size + source, added_ties[0] * size + added_ties[1], side="right")
    merged = [
        np.insert(column, at, new)
        for column, new in zip(
            (target, source, kept.strength[keep], kept.contact[keep], kept.org[keep]), added_ties, strict=True
        )
    ]
    target, source, strength, contact, org = merged
    return _assemble(version, ids, rep, source, target, strength, contact, org, ordered=True)


_ARRAYS = ("start", "source", "strength", "contact", "org")


def _folder_name(version: tuple[Any, Any]) -> str:
    return f"{ARRAYS}{version[0]}-{version[1]}"


def _load(cache: Path | None, version: tuple[Any, Any]) -> Network | None:
    """The arrays kept for `version`, memory-mapped; None when there are none (or unreadable)."""
    if cache is None or None in version:
        return None
    folder = cache / _folder_name(version)
    try:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS}
        ids = np.load(folder / "ids.npy").tolist()
        rep = np.load(folder / "rep.npy").tolist()
    except (OSError, ValueError):
        return None
    return Network(version=version, ids=ids, position={p: i for i, p in enumerate(ids)}, rep=rep, **arrays)


def _save(cache: Path | None, network: Network) -> None:
    """Keep the arrays beside the database (replacing those of older versions); best effort:
    a folder that cannot be written only costs the next process a read."""
    if cache is None or None in network.version:
        return
    try:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = cache / _folder_name(network.version)
        if target.exists():
            return
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache))
        for name in _ARRAYS:
            np.save(staging / f"{name}.npy", getattr(network, name))
        np.save(staging / "ids.npy", np.array(network.ids, dtype=str))
        np.save(staging / "rep.npy", np.array(network.rep, dtype=bool))
        for file in staging.iterdir():
            file.chmod(0o600)
        os.rename(staging, target)
        for old in cache.iterdir():
            if old != target:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return


def default_strength(tie_type: str, settings: Settings) -> float:
    """The strength of a tie with none recorded: a reports-to tie's is a setting, any other 0.5."""
    return settings.org_chart_strength if tie_type in ORG_TIES else DEFAULT_STRENGTH


def _positions(index: Any, ids: Sequence[str] | np.ndarray) -> np.ndarray:
    """The place of each of `ids` in the pandas index `index` of unique ids, -1 where absent."""
    import pandas as pd

    return index.get_indexer(pd.Index(np.asarray(ids, dtype=object), copy=False)).astype(np.int64)


def _key_lookup(keys: list[Any]) -> Any:
    """A function from engine keys to positions (-1 for a key not among `keys`): an array
    lookup for integer keys."""
    if keys and all(isinstance(k, int) for k in keys):
        table = np.full(max(keys) + 2, -1, dtype=np.int64)  # the last entry: any key beyond
        table[np.asarray(keys, dtype=np.int64)] = np.arange(len(keys))
        beyond = len(table) - 1
        return lambda column: table[np.clip(np.asarray(column, dtype=np.int64), -1, beyond)]
    positions = {k: i for i, k in enumerate(keys)}
    return lambda column: np.fromiter(
        (positions.get(k, -1) for k in column), dtype=np.int64, count=len(column)
    )


def _days(column: tuple[Any, ...]) -> np.ndarray:
    """Dates (ISO text) as days since 1970-01-01; NaN where missing or not a date."""
    import pandas as pd  # only when the arrays are read, not when they are loaded (0.3 s)

    text = pd.Series(column, dtype=object).astype("string").str.slice(0, 10)
    dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return ((dates - pd.Timestamp(_EPOCH)).dt.days).to_numpy(dtype=float, na_value=np.nan)


def _flags(column: Sequence[Any]) -> np.ndarray:
    """Booleans as the engines answer them (True, or "true" as text)."""
    return np.fromiter((v in (True, "true", 1) for v in column), dtype=bool, count=len(column))


def _numbers(column: tuple[Any, ...]) -> np.ndarray:
    """Strengths as floats, NaN where there is none (or it is not a number)."""
    import pandas as pd

    try:  # numbers and None (an import's): four times faster than the general case
        return pd.Series(column, dtype=float).to_numpy()
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(column, dtype=object), errors="coerce").to_numpy(float)
