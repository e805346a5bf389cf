"""Search's rule, and what it looks through: every named record, kept per graph version.

`find` is the rule behind `graphcrm.directory.search` (which words it for the viewer):

- **What a text finds.** A record whose name's search key holds the text as typed
  (`graphcrm.names.typed`: folded, without spaces; the key holds the name and the pinyin of its
  Chinese, `graphcrm.names.search_key`), whose name holds it in any case (a record with no key,
  or a text with nothing to type), whose id holds it, a person whose title or email holds it,
  and a person who works at an account or organisation whose name or key holds it.
- **Closest first.** 0: the name, id or email is the text, or the text is a whole spelling of
  the key; 1: a word of the name is the text ("li": 李琼 Li Qiong before 刘军 Liu Jun); 2: the name
  or a spelling starts with it; 3: the name or a spelling holds it; 4: only the title, the email
  or the place of work does; 5: only the id does (ids share prefixes such as `apex.`, which say
  little). Within each: people, accounts, organisations, opportunities, then by name, then id.

Why in Python, over records kept in memory: a search looks at every named record. In Cypher at
scale M (101,000 records) that took 150-620 ms a search ("a" matches 99,000 of them, each then
ranked in the engine); in memory the look takes 20-35 ms. The records are read once per graph
version (`kept.Memory`; 0.7-1.0 s at M), and a write of this process that says which records it
touches has only those read again (`_patch`), as the referrals are.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from graphcrm.kept import Memory
from graphcrm.names import KINDS, typed
from graphcrm.store import Store

CLOSENESS = 6  # closeness 0..5 (see the module)
_PLACES = frozenset((1, 2))  # the kind_order of accounts and organisations: places of work


class Found(NamedTuple):
    """One record a text finds, as the viewer shows it."""

    kind: str  # "person", "account", "org" or "opportunity"
    id: str
    name: str  # the name, or the id of a record without one
    title: str | None
    place: str | None  # a person's place of work, an opportunity's account (the first by name)
    org_kind: str | None  # an account's or organisation's kind
    closeness: int


class _Entry:
    """One record as `find` looks at it: what it shows, and its fields lower-cased once."""

    __slots__ = (
        "email",
        "id",
        "ident",
        "key",
        "keyless",
        "kind_order",
        "name",
        "order",
        "org_kind",
        "places",
        "raw_name",
        "raw_title",
        "shown",
        "title",
    )

    def __init__(self, row: Sequence[Any]) -> None:
        id_, kind_order, name, key, title, email, org_kind, _place = row
        self.id: str = id_
        self.kind_order: int = int(kind_order)
        self.raw_name: str | None = name
        self.raw_title: str | None = title
        self.org_kind: str | None = org_kind
        self.shown: str = name if name is not None else id_
        self.order = (self.kind_order, self.shown, id_)
        self.name = _lower(name)
        self.ident = _lower(id_)
        self.keyless = key is None
        self.key: str = key or ""
        self.title = _lower(title)
        self.email = _lower(email)
        self.places: tuple[str, ...] = ()


def _lower(text: str | None) -> str:
    """`text` lower-cased ("" for none: it holds nothing, as Cypher's null), the same string
    where it already is (most ids and emails: no second copy kept)."""
    if not text:
        return ""
    lowered = text.lower()
    return text if lowered == text else lowered


def find(store: Store, text: str, limit: int, kind: str | None = None) -> list[Found]:
    """The `limit` records closest to `text` (stripped, not blank), of one `kind` or all,
    by the module's rule."""
    lower, key = text.lower(), typed(text) or None
    words = (f" {lower} ", None if key is None else f" {key} ", None if key is None else f" {key}")
    entries = _entries(store)
    wanted = range(len(KINDS)) if kind is None else (KINDS.index(kind),)
    places = set()
    if 0 in wanted:  # the accounts and organisations whose people a text finds
        places = {
            e.id
            for e in entries.values()
            if e.kind_order in _PLACES and (lower in e.name or (key is not None and key in e.key))
        }
    tiers: list[list[_Entry]] = [[] for _ in range(CLOSENESS)]
    for e in entries.values():
        if e.kind_order not in wanted:
            continue
        closeness = _closeness(e, lower, key, words)
        if e.kind_order == 0 and (closeness is None or closeness > 4) and not places.isdisjoint(e.places):
            closeness = 4
        if closeness is not None:
            tiers[closeness].append(e)
    found: list[Found] = []
    for closeness, tier in enumerate(tiers):
        if len(found) >= limit:
            break
        for e in heapq.nsmallest(limit - len(found), tier, key=lambda e: e.order):
            place = min((p.raw_name for p in map(entries.get, e.places) if p and p.raw_name), default=None)
            found.append(Found(KINDS[e.kind_order], e.id, e.shown, e.raw_title, place, e.org_kind, closeness))
    return found


def _closeness(
    e: _Entry, lower: str, key: str | None, words: tuple[str, str | None, str | None]
) -> int | None:
    """How close `e` is to a text lower-cased and typed (see the module), or None: not found
    by its own fields. `words`: the text lower-cased as a word, typed as a word, typed as the
    start of a word (made once per search)."""
    if not (
        (key is not None and key in e.key)
        or ((e.keyless or key is None) and lower in e.name)
        or lower in e.ident
        or (e.kind_order == 0 and (lower in e.title or lower in e.email))
    ):
        return None
    lower_word, key_word, key_start = words
    padded_key = f" {e.key} "  # made here, for the records found only: kept, they took 34 MB at M
    if (
        e.name == lower
        or e.ident == lower
        or e.email == lower
        or (key_word is not None and key_word in padded_key)
    ):
        return 0
    if lower_word in f" {e.name} ":
        return 1
    if e.name.startswith(lower) or (key_start is not None and key_start in padded_key):
        return 2
    if lower in e.name or (key is not None and key in e.key):
        return 3
    if e.kind_order == 0 and (lower in e.title or lower in e.email):
        return 4
    return 5


def warm(store: Store) -> bool:
    """Read what search looks through now, unless it is kept (the viewer does as it starts).
    False, reading nothing, while relationships are added in bulk (`Store.version`): what is
    read then would not be kept."""
    if None in store.version():
        return False
    _entries(store)
    return True


def _entries(store: Store) -> dict[str, _Entry]:
    """Every named record by id, kept per graph version (read in full the first time; one
    read at a time: a search while the viewer's start reads them waits for that read)."""
    version = store.version()
    kept = _memory.get(store, version) if None not in version else None
    if kept is not None:
        return kept
    with _reading:
        kept = _memory.get(store, version) if None not in version else None
        if kept is not None:
            return kept
        entries = _read(store)
        if None not in version:  # not while relationships are added in bulk (`Store.version`)
            _memory.put(store, version, lambda _: entries)
    return entries


def _read(store: Store) -> dict[str, _Entry]:
    """Every named record, read in full (at scale M: 0.35-0.55 s of the engine's, 0.3-0.4 s of Python's)."""
    return _grouped(store.scan("finder/entries"))


def _grouped(rows: Iterable[Sequence[Any]]) -> dict[str, _Entry]:
    """The records of entries.cypher's rows, one row per place."""
    entries: dict[str, _Entry] = {}
    for row in rows:
        e = entries.get(row[0])
        if e is None:
            e = entries[row[0]] = _Entry(row)
        if row[7] is not None:
            e.places += (row[7],)
    return entries


def _patch(store: Store, kept: dict[str, _Entry], touched: set[str]) -> dict[str, _Entry]:
    """The records kept, after a write of this process that touched only the records `touched`
    and their ties (`graphcrm.kept.patched`): those read again (an index look-up each), the
    rest as they were. A place's new name shows at once beside its people: it is looked up in
    the records when a search shows them."""
    fresh = _grouped(store.scan("finder/entries_of", {"ids": sorted(touched)}))
    entries = dict(kept)  # a copy: a search meanwhile goes on with what it has
    for id_ in touched:
        entries.pop(id_, None)
    entries.update(fresh)
    return entries


_memory: Memory[dict[str, _Entry]] = Memory(_patch, read_again=_entries)
_reading = threading.Lock()
