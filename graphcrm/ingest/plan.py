"""What an import will write, checked as a whole before any of it is written.

The readers (CSV/XLSX, LinkedIn, JSON lines) add nodes and relationships to a `Plan` with
where each came from: a record each (`add_node`, `add_rel`), or, for the ties of a large
ties.csv, a block of columns per chunk of rows (`add_block`, ends numbered once by `Ids`), which
the checks and the bulk write read as arrays. `Plan.check(store)` finds duplicate ids,
self-ties, repeated ties and references to ids neither in the import nor in the database;
`Plan.write(store)` writes the nodes, then the relationships, at once or in batches of one
transaction each. Every source writes its nodes here, so a name written always brings its
search key (`graphcrm.names.keyed`).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm import tqdm

from graphcrm import stats
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.stages import StageMap
from graphcrm.names import keyed
from graphcrm.schema import NETWORK_TIES, RELATIONSHIP_TYPES, REP_LABEL, SYMMETRIC_TIES, TIE_TYPES
from graphcrm.store import Store
from graphcrm.store.bulk import BulkNode, BulkRel, BulkRels, Coded

if TYPE_CHECKING:
    from graphcrm.projection import Network, WrittenTies

PERSON = ("Person",)
_NONE = np.empty(0, np.int64)
Row = dict[str, Any]
# A stored relationship's key: (type, source id, target id, kind); what is there is matched by it.
Key = tuple[str, str, str, str | None]
KEY = ("type", "source", "target", "kind")  # its fields, as the undo's queries take them
# A part of an import's writes (`Plan._write_parts`): its query, how many rows, and its batches
# (a relationship type or None, and the rows), or one call writing it all (`Store.append`).
Part = tuple[str, int, Iterable[tuple[str | None, list[Row]]] | Callable[[Callable[[int], None]], None]]
BATCH_ROWS = 5000
# From this many rows (nodes and relationships), an import is written at once (`Plan.write`,
# `Store.bulk_create`), below it in batches of `BATCH_ROWS`; at once only into a database holding
# at most `BULK_COPY_MAX` records (nodes, relationships) per row, as the database is copied whole:
# at M a copy takes about 2 µs a record, a tie in batches about 50 µs to create and 200 µs to merge
# (and its undo holds it), and a re-import (about two records a row: symmetric ties are stored
# both ways) goes at once: M again, 219 s and 3.6 GB in batches, 54 s and 0.8 GB at once.
BULK_MIN_ROWS = 100_000
BULK_COPY_MAX = 3.0
# From this many relationships to create, an import into a database holding records that is
# written in batches adds them with the bulk protocol instead, in the graph itself (`Store.append`):
# at M, 170,000 relationships in 0.4 s against 2.8 s. Below it, batches (a few tenths of a second).
APPEND_MIN_RELS = 20_000
# How many of the undo's reads run at once (`Undo.read`), in threads: while the importer parses
# one answer, the server works on the next. At M, 2 took 3.52-3.76 s, 4 3.39-3.59 s, 8 no less.
READERS = 4
STAGE_TOLERANCE = 0.5  # percentage points


@dataclass(frozen=True, slots=True)
class Where:
    """The place a value came from: file (or sheet), row, column."""

    source: str
    row: int
    column: str

    def at(self, column: str) -> Where:
        return Where(self.source, self.row, column)


@dataclass(frozen=True)
class Absent:
    """A file (or sheet) that is not in the import and that alone defines records of `labels`:
    when the import names several such ids and not one is in the import or the database, one
    more problem names the file, a likelier mistake than every one of those ids being wrong."""

    source: str  # where to report it: the folder, the file or the workbook
    what: str  # "no accounts sheet"
    labels: tuple[str, ...]
    records: str  # "accounts or organisations"
    expected: str  # "a sheet named accounts"


@dataclass(slots=True)
class NodeItem:
    id: str
    label: str
    props: dict[str, Any]
    where: Where
    rep: bool | None = None  # None: leave the Rep label as it is


@dataclass(slots=True)
class RelItem:
    type: str
    source: str
    target: str
    props: dict[str, Any]
    where: Where
    source_labels: tuple[str, ...]
    target_labels: tuple[str, ...]
    columns: tuple[str, str]
    key: str | None = None  # TIED_TO: its kind; two ties of different kinds may join a pair


class Ids:
    """Ids numbered in the order first met: the ends of a block of ties are held as these numbers
    too, so that each id is looked up once, however often it recurs (the million ties of M name
    100,000 people), and the checks and writes of a large import work on arrays."""

    def __init__(self) -> None:
        self.number: dict[str, int] = {}
        self.names: list[str] = []

    def codes(self, ids: Sequence[str]) -> np.ndarray:
        """The number of each of `ids`, new ones numbered."""
        codes = np.fromiter(map(self.number.get, ids, repeat(-1)), np.int64, len(ids))
        for i in (codes < 0).nonzero()[0].tolist():
            name = ids[i]
            code = self.number.get(name)
            if code is None:
                code = self.number[name] = len(self.names)
                self.names.append(name)
            codes[i] = code
        return codes

    def mask(self, chosen: Callable[[str], bool]) -> np.ndarray:
        """For each number, whether its id is `chosen`."""
        return np.fromiter(map(chosen, self.names), np.bool_, len(self.names))


@dataclass(slots=True)
class RelBlock:
    """Ties between people from one chunk of a file, held as columns instead of a `RelItem` each
    (at M, a million rows of ties.csv): none from a record to itself, none repeated
    (`Plan.add_block`), no `TIED_TO` (it joins a person to an organisation). `props` holds each
    value column, None where a row has no value."""

    source: str  # the file
    numbers: list[int]  # the rows
    types: list[str]
    sources: list[str]
    targets: list[str]
    props: dict[str, list[Any]]
    # set by `Plan.add_block`: the ends as the plan's numbers of ids (`Ids`), each row's key
    ends: tuple[np.ndarray, np.ndarray] = (_NONE, _NONE)
    keys: np.ndarray = field(default_factory=lambda: _NONE)

    def __len__(self) -> int:
        return len(self.types)

    def item(self, i: int) -> RelItem:
        """Row `i` as the `RelItem` `Plan.add_rel` would have made of it."""
        props = {name: column[i] for name, column in self.props.items() if column[i] is not None}
        where = Where(self.source, self.numbers[i], "")
        return RelItem(self.types[i], self.sources[i], self.targets[i], props, where, PERSON, PERSON, _ENDS)

    def items(self, rows: Iterable[int] | None = None) -> Iterator[RelItem]:
        return map(self.item, range(len(self)) if rows is None else rows)

    def where_of(self, key: int) -> Where:
        """Where the row of this key is."""
        return self.item(int(np.argmax(self.keys == key))).where

    def rows(self, chosen: np.ndarray, end: bool) -> np.ndarray:
        """The rows with an end (`end` true), or with both ends, for which `chosen` (by id
        number) is true."""
        at_source, at_target = chosen[self.ends[0]], chosen[self.ends[1]]
        return ((at_source | at_target) if end else (at_source & at_target)).nonzero()[0]


_ENDS = ("source", "target")
# A tie's key in a block (`Plan.add_block`): its type's number, then its ends' (the lower first for
# a symmetric tie), in one number of 64 bits.
_TYPE_NUMBER = {kind: i for i, kind in enumerate(TIE_TYPES)}
_NETWORK_CODES = [i for kind, i in _TYPE_NUMBER.items() if kind in NETWORK_TIES]
_SYMMETRIC_CODES = [_TYPE_NUMBER[kind] for kind in SYMMETRIC_TIES]
_END_BITS = 29  # ids a plan may number: 536 million


@dataclass
class Plan:
    """Nodes and relationships to write, with the problems found so far. The relationships are
    `parts`: a `RelItem` each, or a `RelBlock` of many rows (`rels` makes every one an item)."""

    nodes: dict[str, NodeItem] = field(default_factory=dict)
    parts: list[RelItem | RelBlock] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    requirements: list[tuple[str, tuple[str, ...], Where]] = field(default_factory=list)
    stage_totals: defaultdict[tuple[str, str], list[tuple[float, Where]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _rel_keys: dict[tuple[str, ...], Where] = field(default_factory=dict)
    # The ids the blocks name, numbered; their ties' keys (`RelBlock.keys`), and the types of ties
    # in blocks and in items: a type in both is checked for repeats across them.
    ids: Ids = field(default_factory=Ids)
    _block_keys: dict[int, RelBlock] = field(default_factory=dict)
    _block_types: set[str] = field(default_factory=set)
    _item_types: set[str] = field(default_factory=set)
    _held: np.ndarray | None = None  # by id number, whether it is in the database (`existing`)
    # By block (its `id`), the rows between records there that the kept network shows are not
    # there: created, not merged (`_rule_out`); set under the write lock, for one write.
    _ruled: dict[int, np.ndarray] = field(default_factory=dict)
    # Rows with problems are left out; what they name is not reported again as missing.
    skipped_ids: set[str] = field(default_factory=set)
    # False when a whole file could not be read: references cannot be judged then.
    complete: bool = True
    # The ids already in the database, found by `check`: ties to any other id are new.
    existing: set[str] | None = None
    # Files not in the import that would define the records it names (set by the importer).
    absent: list[Absent] = field(default_factory=list)
    # How the CRM's pipeline stages map to buying stages (the user's --stage-map, else defaults).
    stages: StageMap = field(default_factory=StageMap)

    def skip_row(self, row: dict[str, Any]) -> None:
        """Remember what a row left out for its problems would have defined."""
        self.skipped_ids.update(str(v) for k, v in row.items() if k in ("id", "opportunity_id"))

    # -- building ---------------------------------------------------------------------------

    def add_node(
        self, node_id: str, label: str, props: dict[str, Any], where: Where, rep: bool | None = None
    ) -> bool:
        """A node to merge by id; an id defined twice is a problem. Whether it was added."""
        first = self.nodes.get(node_id)
        if first is not None:
            self.problems.append(
                Problem(
                    where.source,
                    where.row,
                    "id",
                    "duplicate id",
                    node_id,
                    f"an id not already used ({first.where.source} row {first.where.row})",
                )
            )
            return False
        self.nodes[node_id] = NodeItem(node_id, label, {**props, "id": node_id}, where, rep)
        return True

    def add_rel(
        self,
        rel_type: str,
        source: str,
        target: str,
        props: dict[str, Any],
        where: Where,
        *,
        source_labels: tuple[str, ...] = PERSON,
        target_labels: tuple[str, ...] = PERSON,
        columns: tuple[str, str] = ("source", "target"),
        key: str | None = None,
    ) -> None:
        """A relationship to merge; self-ties and repeated ties are problems."""
        if source == target:
            self.problems.append(
                Problem(
                    where.source,
                    where.row,
                    columns[1],
                    "a tie from a record to itself",
                    target,
                    f"an id other than {columns[0]}",
                )
            )
            return
        if rel_type in SYMMETRIC_TIES and target < source:  # one key for either way round
            rel_key = (rel_type, target, source, key or "")
        else:
            rel_key = (rel_type, source, target, key or "")
        keys = self._rel_keys
        count = len(keys)
        first = keys.setdefault(rel_key, where)
        if len(keys) > count and rel_type in self._block_types:  # new among the items: in a block?
            code = self._block_key(rel_type, *self.ids.codes([source, target]))
            if (block := self._block_keys.get(code)) is not None:
                del keys[rel_key]
                count, first = len(keys), block.where_of(code)
        if len(keys) == count:
            self.problems.append(
                Problem(
                    where.source,
                    where.row,
                    columns[1],
                    f"repeated {rel_type} tie",
                    f"{source} -> {target}",
                    f"each tie once ({first.source} row {first.row})",
                )
            )
            return
        self._item_types.add(rel_type)
        self.parts.append(
            RelItem(rel_type, source, target, props, where, source_labels, target_labels, columns, key)
        )

    def add_block(self, block: RelBlock) -> bool:
        """Ties between people as one part, when none is from a record to itself and none is
        repeated, here or in the plan, and no tie of their types was added as an item; else
        False, and nothing is added (the caller adds each row with `add_rel`, which reports
        them). The ends are numbered (`Ids`) and each tie keyed as one number."""
        if not len(block):
            return True
        kinds = set(block.types)
        if not kinds <= _TYPE_NUMBER.keys() or "TIED_TO" in kinds or kinds & self._item_types:
            return False
        if len(self.ids.names) + 2 * len(block) >= 2**_END_BITS:
            return False
        source, target = self.ids.codes(block.sources), self.ids.codes(block.targets)
        if (source == target).any():
            return False
        kind = np.fromiter(map(_TYPE_NUMBER.__getitem__, block.types), np.int64, len(block))
        keys = self._block_key(kind, source, target)
        listed = keys.tolist()
        fresh = dict.fromkeys(listed, block)
        if len(fresh) < len(listed) or not self._block_keys.keys().isdisjoint(fresh):
            return False
        self._block_keys.update(fresh)
        self._block_types |= kinds
        block.ends, block.keys = (source, target), keys
        self.parts.append(block)
        return True

    @staticmethod
    def _block_key(kind: Any, source: Any, target: Any) -> Any:
        """The key of ties (type, ends' numbers; arrays or one each) as `add_block` makes it."""
        if isinstance(kind, str):
            kind = _TYPE_NUMBER[kind]
        symmetric = np.isin(kind, [_TYPE_NUMBER[t] for t in SYMMETRIC_TIES])
        low = np.where(symmetric, np.minimum(source, target), source)
        high = np.where(symmetric, np.maximum(source, target), target)
        key = (np.asarray(kind, np.int64) << (2 * _END_BITS)) | (low << _END_BITS) | high
        return key if key.ndim else int(key)

    @property
    def rels(self) -> list[RelItem]:
        """Every relationship as a `RelItem`, in the order added (a block's rows made items)."""
        return [*self._items()]

    def _items(self, naming: np.ndarray | None = None) -> Iterator[RelItem]:
        """Every relationship as a `RelItem`; with `naming` (by id number, `Ids`), of the blocks
        only the rows with an end it names."""
        for part in self.parts:
            if isinstance(part, RelItem):
                yield part
            elif naming is None:
                yield from part.items()
            else:
                yield from part.items(part.rows(naming, end=True).tolist())

    def ends(self, types: Iterable[str]) -> Iterator[str]:
        """The ends of every relationship of `types`, source then target."""
        kinds = frozenset(types)
        for part in self.parts:
            if isinstance(part, RelItem):
                if part.type in kinds:
                    yield part.source
                    yield part.target
                continue
            for kind, source, target in zip(part.types, part.sources, part.targets, strict=True):
                if kind in kinds:
                    yield source
                    yield target

    def require(self, node_id: str, labels: tuple[str, ...], where: Where) -> None:
        """An id that must exist (in the import or the database) with one of `labels`."""
        self.requirements.append((node_id, labels, where))

    def check_stage_totals(self) -> None:
        """Within an opportunity, each stage's percentages must add up to 100."""
        for (opportunity, stage), entries in sorted(self.stage_totals.items()):
            if opportunity in self.skipped_ids:
                continue  # a member row was left out: the sum says nothing
            total = sum(percent for percent, _ in entries)
            if abs(total - 100) > STAGE_TOLERANCE:
                last = max(entries, key=lambda e: e[1].row)[1]
                self.problems.append(
                    Problem(
                        last.source,
                        last.row,
                        "stage_influence",
                        f"influence in stage {stage} of opportunity {opportunity} "
                        "does not add up to 100 over its members",
                        f"{total:g}",
                        "100",
                    )
                )

    # -- checking against the database --------------------------------------------------------

    def _named(self) -> Iterator[tuple[str, tuple[str, ...], Where | tuple[RelItem, str]]]:
        """`references`, with the place of a relationship's end as (relationship, column): a
        `Where` is made only for the few that are reported."""
        for rel in self._items():
            yield rel.source, rel.source_labels, (rel, rel.columns[0])
            yield rel.target, rel.target_labels, (rel, rel.columns[1])
        yield from self.requirements

    def check(self, store: Store) -> list[Problem]:
        """Every problem, including ids unknown to both the import and the database."""
        wanted = set(self.nodes)
        wanted.update(self.ids.names)  # the blocks' ends, each once
        for part in self.parts:
            if isinstance(part, RelItem):
                wanted.add(part.source)
                wanted.add(part.target)
        wanted.update(node_id for node_id, _, _ in self.requirements)
        existing = find_labels(store, wanted)
        self.existing, self._held = set(existing), None
        for node in self.nodes.values() if existing else ():
            held = existing.get(node.id)
            if held is not None and node.label not in held:
                self.problems.append(
                    Problem(
                        node.where.source,
                        node.where.row,
                        "id",
                        f"id already used in the database by {article(held)}",
                        node.id,
                        f"a new id, or the same kind of record ({node.label})",
                    )
                )
        named: dict[str, tuple[tuple[str, ...], bool]] = {}  # id: (labels allowed, found)
        if self.complete and not self.absent:  # `named` serves only the absent files
            self._check_references(existing)
        else:
            for node_id, labels, place in self._named() if self.complete else ():
                self._check_reference(node_id, labels, place, existing, named)
        self.problems += self._absent_files(named)
        return sorted(set(self.problems), key=_problem_order)

    def _check_references(self, existing: dict[str, list[str]]) -> None:
        """`_check_reference` of every reference; a tie both of whose ends are planned records
        of labels they allow (most of a large import's) is looked at no further. A block's ends
        are looked at once each: only the rows naming one that is not a planned person are
        checked further."""
        planned, check = self.nodes.get, self._check_reference
        unnamed: dict[str, tuple[tuple[str, ...], bool]] = {}
        odd = self.ids.mask(lambda end: (node := planned(end)) is None or node.label != "Person")
        for rel in [
            rel
            for rel in self._items(odd)
            if (source := planned(rel.source)) is None
            or source.label not in rel.source_labels
            or (target := planned(rel.target)) is None
            or target.label not in rel.target_labels
        ]:
            check(rel.source, rel.source_labels, (rel, rel.columns[0]), existing, unnamed)
            check(rel.target, rel.target_labels, (rel, rel.columns[1]), existing, unnamed)
        for node_id, labels, place in self.requirements:
            check(node_id, labels, place, existing, unnamed)

    def _check_reference(
        self,
        node_id: str,
        labels: tuple[str, ...],
        place: Where | tuple[RelItem, str],
        existing: dict[str, list[str]],
        named: dict[str, tuple[tuple[str, ...], bool]],
    ) -> None:
        """The problem of one reference, if any: an id neither planned nor in the database, or
        one of a label it does not allow. `named` gets the id, its labels allowed and whether
        it was found."""
        if node_id in self.skipped_ids:
            return
        planned = self.nodes.get(node_id)
        held = [planned.label] if planned else existing.get(node_id)
        named[node_id] = (labels, held is not None)
        if held is not None and any(label in labels for label in held):
            return  # most references: nothing more to look at
        where = place if isinstance(place, Where) else place[0].where.at(place[1])
        if held is None:
            self.problems.append(
                Problem(
                    where.source,
                    where.row,
                    where.column,
                    "unknown id",
                    node_id,
                    f"the id of {_kinds(labels)} defined in this import or already in the database",
                )
            )
        else:
            self.problems.append(
                Problem(
                    where.source,
                    where.row,
                    where.column,
                    f"the id is {article(held)}",
                    node_id,
                    f"the id of {_kinds(labels)}",
                )
            )

    def _absent_files(self, named: dict[str, tuple[tuple[str, ...], bool]]) -> list[Problem]:
        """One problem for each absent file that alone could define the ids named, none found."""
        problems = []
        for absent in self.absent:
            mine = {  # ids the import itself defines say nothing about the absent file
                i: found
                for i, (labels, found) in named.items()
                if set(labels) <= set(absent.labels) and i not in self.nodes
            }
            ids = sorted(mine) if len(mine) > 1 and not any(mine.values()) else []
            if ids:
                listed = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
                problems.append(
                    Problem(
                        absent.source,
                        0,
                        "",
                        f"{absent.what}, and the {len(ids)} ids of {absent.records} that the import "
                        "names are not in the database either",
                        listed,
                        f"{absent.expected} defining them, or those {absent.records} imported first",
                    )
                )
        return problems

    # -- writing ------------------------------------------------------------------------------

    def node_rows(self, nodes: Iterable[NodeItem] | None = None) -> list[dict[str, Any]]:
        """The rows of merge_nodes.cypher for `nodes` (all by default); a name written brings
        its search key (`names.keyed`)."""
        return [
            {"id": n.id, "label": n.label, "rep": n.rep, "props": keyed(n.props)}
            for n in (self.nodes.values() if nodes is None else nodes)
        ]

    def rows(self, store: Store | None = None) -> tuple[list[Row], list[Row], list[Row]]:
        """The rows the batches write: (nodes, relationships created, relationships merged),
        the relationships by their ends' ids.

        Created: those with an end new in this import, which can only be new (repeated ties are
        refused by `check`), and, given the `store` written to, those between records there
        none of whose relationships is there yet (`Undo.fresh`). The others are merged, but
        for those there already as the import would leave them; nor is a node written that
        the import would leave as it is (`Undo.same`). A symmetric tie is one row; the Cypher
        writes it both ways.
        """
        nodes, old = self.node_rows(), list(self._rels(known=True))
        new: list[RelItem] = []
        if store is not None:
            held = handles(store, _ends(old))
            undo, _ = Undo.read(
                store, list(self.nodes), lambda: nodes, self.existing, [*map(_rel_row, old)], held
            )
            nodes, new, old = undo.changes(nodes, old)
        return nodes, [*map(_rel_row, chain(self._rels(known=False), new))], [*map(_rel_row, old)]

    def _created(self, new: list[RelItem]) -> Iterator[tuple[str, Iterable[RelItem]]]:
        """The relationships created (`_rels(known=False)`, then `new`) a type at a time; a
        block's rows of the type are made items only as they are written: made all at once,
        the ten million ties of scale L held 4 GB more in the importer."""
        items = _grouped(part for part in self.parts if isinstance(part, RelItem) and not self._known(part))
        by_type = dict(items)
        for rel in new:
            by_type.setdefault(rel.type, []).append(rel)
        blocks = [
            (part, np.asarray(self._rows(part, known=False), np.int64))
            for part in self.parts
            if isinstance(part, RelBlock)
        ]
        codes = [(block, rows, block.keys[rows] >> (2 * _END_BITS)) for block, rows in blocks]
        for kind in dict.fromkeys([*RELATIONSHIP_TYPES, *by_type]):
            code = _TYPE_NUMBER.get(kind, -1)
            chosen = [rows[kinds == code].tolist() for _, rows, kinds in codes]
            if kind in by_type or any(chosen):
                typed = (block.items(rows) for (block, _, _), rows in zip(codes, chosen, strict=True))
                yield kind, chain(by_type.get(kind, ()), *typed)

    def _all_ends(self) -> set[str]:
        """The ids at either end of the plan's relationships, each once."""
        return set(self.ids.names) | _ends(part for part in self.parts if isinstance(part, RelItem))

    def _rels(self, known: bool) -> Iterator[RelItem]:
        """The relationships both of whose ends are in the database when `known`, else the others."""
        for part in self.parts:
            if isinstance(part, RelBlock):
                yield from part.items(self._rows(part, known))
            elif self._known(part) is known:
                yield part

    def _known(self, rel: RelItem) -> bool:
        """Whether a relationship is merged, not created: both its ends are in the database (or
        the database was not looked up)."""
        existing = self.existing
        return existing is None or (rel.source in existing and rel.target in existing)

    def _rows(self, block: RelBlock, known: bool) -> Sequence[int]:
        """`_rels` of a block: its rows both of whose ends are in the database when `known`,
        else the others."""
        existing = self.existing
        if existing is None or not existing:  # not looked up: every tie is merged; none there: created
            return range(len(block)) if (existing is None) is known else ()
        both = block.rows(self._held_mask(), end=False)
        ruled = self._ruled.get(id(block))
        if ruled is not None:
            both = np.setdiff1d(both, ruled, assume_unique=True)
        if known:
            return both.tolist()
        return np.setdiff1d(np.arange(len(block)), both, assume_unique=True).tolist()

    @property
    def rel_count(self) -> int:
        """How many relationships the plan holds (a symmetric tie once)."""
        return sum(len(part) if isinstance(part, RelBlock) else 1 for part in self.parts)

    def write(self, store: Store, progress: bool = True) -> int:
        """Write nodes then relationships, `BATCH_ROWS` rows per transaction, holding the
        database's write lock; if a batch fails (or the import is interrupted), what the
        earlier batches wrote is undone (`Undo`) before the error goes on. Only a process killed
        outright leaves whole batches behind, which running the import again completes.

        An import of `BULK_MIN_ROWS` rows or more, into a database holding at most
        `BULK_COPY_MAX` records per row it writes, is written at once where the engine can
        (`Store.bulk_create`: FalkorDB's bulk protocol), several times faster; a failure
        part-way, even a `kill -9`, leaves the database as it was. Smaller imports gain little
        (well under a second) and keep the batches; so do imports into a much larger database,
        which would be copied whole.

        Returns how many records and ties the batches found there already as they would leave
        them, and did not write (`Undo.changes`); 0 when written at once."""
        self._rel_keys.clear()  # only adding rows needs them (repeated ties): at M a million keys
        self._block_keys.clear()
        with store.exclusive():
            if self._bulk(store, progress):
                return 0
            try:
                return self._write_batches(store, progress)
            finally:
                self._ruled.clear()

    def _write_batches(self, store: Store, progress: bool) -> int:
        """`write` in batches, under the lock: the nodes there already by handle, the new ones
        merged, then the relationships; those to create at once where `appends`, made ready
        while the rest is written when none has a new end (`Store.appending`)."""
        self._rule_out(store)
        # between records there, few unless a re-import: the items, then the blocks' rows, which
        # `_rule_out` asked the kept network about already (where it was, `Undo.read` would not)
        old = [part for part in self.parts if isinstance(part, RelItem) and self._known(part)]
        asked = [
            rel
            for part in self.parts
            if isinstance(part, RelBlock)
            for rel in part.items(self._rows(part, True))
        ]
        old += asked
        held = handles(store, _ends(old) | (self.nodes.keys() & (self.existing or ())))
        undo, nodes = Undo.read(
            store, list(self.nodes), self.node_rows, self.existing, list(map(_rel_row, old)), held, len(asked)
        )
        undo.ruled_out = self._ruled_keys
        count = self.rel_count - len(old)  # to create: those with a new end or ruled out, and `new`
        nodes, new, old = undo.changes(nodes, old)
        count += len(new)

        def ends() -> dict[str, Any]:
            # asked for once the nodes are written: the handles of the new ones, and of the
            # other ends of their ties
            held.update(handles(store, self._all_ends() - held.keys()))
            return held

        def creates() -> Iterator[tuple[str, list[Row]]]:
            yield from _typed_batches(self._created(new), ends())

        def to_add() -> Iterator[BulkRel | BulkRels]:
            return chain(self.bulk_rels(), map(_bulk_rel, new))

        at_once = self.appends(store, count)
        ahead = at_once and self._all_ends() <= held.keys()  # no end new: every handle known now
        there = [{**row, "handle": held[row["id"]]} for row in nodes if row["id"] in held]
        nodes = [row for row in nodes if row["id"] not in held]
        try:
            with store.appending(to_add(), held) if ahead else nullcontext() as ready:

                def added_at_once(sent: Callable[[int], None]) -> None:
                    if ready is None:
                        store.append(to_add(), ends())
                    else:
                        ready()
                    sent(count)

                create: Part = ("import/create_relationships", count, added_at_once if at_once else creates())
                merge: Part = ("import/merge_relationships", len(old), _typed_batches(_grouped(old), held))
                parts: tuple[Part, ...] = (
                    ("import/set_nodes", len(there), [(None, rows) for rows in _chunks(there)]),
                    ("import/merge_nodes", len(nodes), [(None, rows) for rows in _chunks(nodes)]),
                    *((merge, create) if ahead else (create, merge)),
                )
                self._write_parts(store, parts, progress)
        except BaseException as exc:
            try:
                undo.apply(store)
            except Exception as again:
                exc.add_note(
                    f"undoing the batches already written failed too ({again}): the database "
                    "holds whole batches of this import; running it again completes it"
                )
            raise
        return len(undo.same) + sum(undo.kept)

    def appends(self, store: Store, count: int) -> bool:
        """Whether the batches' `count` relationships to create go in at once, in the graph itself
        (`Store.append`): many (`APPEND_MIN_RELS`), into a graph holding records, where the
        engine can. Into an empty graph, an import too small for a bulk import keeps its batches."""
        return (
            store.writes_in_bulk
            and count >= APPEND_MIN_RELS
            and bool(self.existing or store.run("import/held"))
        )

    def _rule_out(self, store: Store) -> None:
        """Find the blocks' introduction ties between records there that the network kept for
        this version shows are not there (`projection.untied`; a symmetric tie neither way):
        they are created with the ties to new records, not read and merged one by one. At M,
        100,000 ties among people there: two thirds are found so, without an item or a key
        made for each (`_ruled_keys` makes their keys only for an undo)."""
        blocks = [part for part in self.parts if isinstance(part, RelBlock)]
        if not blocks or not self.existing:
            return
        candidates = []
        for block in blocks:
            rows = block.rows(self._held_mask(), end=False)
            kinds = block.keys[rows] >> (2 * _END_BITS)
            network = np.isin(kinds, _NETWORK_CODES)
            candidates.append((block, rows[network], np.isin(kinds[network], _SYMMETRIC_CODES)))
        source = np.concatenate([block.ends[0][rows] for block, rows, _ in candidates])
        target = np.concatenate([block.ends[1][rows] for block, rows, _ in candidates])
        both = np.concatenate([both for _, _, both in candidates])
        if not len(source):
            return
        from graphcrm import projection  # numpy and pandas, loaded by the import already

        # each tie as stored: a symmetric one both ways, the way back after all the others
        there, back = np.concatenate([source, target[both]]), np.concatenate([target, source[both]])
        untied = projection.untied(store, there, back, self.ids.names)
        if untied is None:
            return
        free = untied[: len(source)]
        free[both] &= untied[len(source) :]
        start = 0
        for block, rows, _ in candidates:
            chosen = rows[free[start : start + len(rows)]]
            start += len(rows)
            if len(chosen):
                self._ruled[id(block)] = chosen

    def _held_mask(self) -> np.ndarray:
        """By id number (`Ids`), whether the id is in the database (`existing`)."""
        if self._held is None or len(self._held) != len(self.ids.names):
            self._held = self.ids.mask((self.existing or set()).__contains__)
        return self._held

    def _ruled_keys(self) -> Iterator[Key]:
        """The keys of the relationships `_rule_out` found are not there (as `_stored`)."""
        for block in self.parts:
            rows = self._ruled.get(id(block))
            if rows is None or not isinstance(block, RelBlock):
                continue
            for i in rows.tolist():
                kind, source, target = block.types[i], block.sources[i], block.targets[i]
                yield kind, source, target, None
                if kind in SYMMETRIC_TIES:
                    yield kind, target, source, None

    def _bulk(self, store: Store, progress: bool) -> bool:
        """Write the whole plan with `Store.bulk_create` when it is large enough to gain from it
        and the database is not much larger (`BULK_COPY_MAX`): the new records at once, the
        changes to records already there (ties between them) as the batches would make them, in
        the graph built beside the database. Keep the path search's network of what it wrote and
        what was there (`projection.keep_written`), unless it changed ties that were there (a
        re-import: the next question reads it). Whether it was written so. The changes find
        their ends by handle (`handles`), which the copy keeps: `GRAPH.COPY` copies each node
        with its internal id."""
        rows = len(self.nodes) + self.rel_count
        if not store.writes_in_bulk or self.existing is None or rows < BULK_MIN_ROWS:
            return False
        there = stats.answer(store)
        size = sum(n for label, n in there.labels.items() if label != REP_LABEL) + sum(there.types.values())
        if size > rows * BULK_COPY_MAX:  # copying the database would cost more than the batches save
            return False
        old = list(self._rels(known=True))  # between records there: few, unless a re-import
        held = handles(store, _ends(old))
        existing = self.existing
        # as the engine counts: a symmetric tie twice
        stored = sum(n * (2 if kind in SYMMETRIC_TIES else 1) for kind, n in self.rel_counts().items())
        if size and not any(rel.type in NETWORK_TIES for rel in old):
            from graphcrm import projection  # numpy and pandas: an import has them already

            before: Network | None = projection.network(store)  # no larger than the import
        else:
            before = None  # into an empty database; or ties there changed: read at the next question
        with _progress(len(self.nodes) + stored, progress) as bar, no_cycle_collection():

            def sent(nodes: int, rels: int) -> None:
                bar.update(nodes + rels)

            def changes() -> Iterator[tuple[str, str | None, Row]]:
                there = [node for node in self.nodes.values() if node.id in existing]
                for name, batches in (
                    ("import/merge_nodes", [(None, rows) for rows in _chunks(self.node_rows(there))]),
                    ("import/merge_relationships", _typed_batches(_grouped(old), held)),
                ):
                    for kind, batch in batches:
                        yield name, kind, {"rows": batch}
                        bar.update(len(batch) * (2 if kind in SYMMETRIC_TIES else 1))

            new = (node for node in self.nodes.values() if node.id not in existing)
            written = store.bulk_create(self.bulk_nodes(new), self.bulk_rels(), sent, changes())
            if not written:
                bar.reset()  # a value the protocol cannot carry: nothing written, batches instead
                return False
            if before is not None or not size:
                from graphcrm import projection

                # the path search's network, from what was written: no question reads it back
                nodes = self.nodes.values()
                people = [(node.id, node.rep) for node in nodes if node.label == "Person"]
                projection.keep_written(store, people, self.written_ties(), before)
            return True

    def bulk_nodes(self, nodes: Iterable[NodeItem]) -> Iterator[BulkNode]:
        """`nodes` as `Store.bulk_create` takes them: what merge_nodes.cypher would make of their
        rows where none is in the database (the own label, Rep when `rep` is true)."""
        for row in self.node_rows(nodes):
            labels = (row["label"], "Rep") if row["rep"] else (row["label"],)
            yield BulkNode(labels, row["props"])

    def bulk_rels(self) -> Iterator[BulkRel | BulkRels]:
        """The relationships with an end new in this import as `Store.bulk_create` takes them:
        what import/create_relationships makes of their rows (a TIED_TO tie carries its kind; a
        symmetric tie goes both ways), a block's as columns. Into an empty database, that is all
        of them."""
        for part in self.parts:
            if isinstance(part, RelItem):
                if not self._known(part):  # else merged by `then` (`_bulk`)
                    yield _bulk_rel(part)
                continue
            rows = self._rows(part, known=False)
            types, (source, target), props = part.types, part.ends, part.props
            if len(rows) < len(part):
                types, source, target = [types[i] for i in rows], source[rows], target[rows]
                props = {name: [column[i] for i in rows] for name, column in props.items()}
            both = [kind in SYMMETRIC_TIES for kind in types]
            yield BulkRels(types, Coded(source, self.ids.names), Coded(target, self.ids.names), props, both)

    def written_ties(self) -> WrittenTies:
        """The introduction ties of the plan as `projection.keep_written` takes them: columns."""
        from graphcrm.projection import WrittenTies

        types: list[str] = []
        ends: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])
        strengths: list[Any] = []
        contacts: list[Any] = []
        items = [part for part in self.parts if isinstance(part, RelItem) and part.type in NETWORK_TIES]
        for part in self.parts:
            if isinstance(part, RelBlock):
                none = [None] * len(part)
                types += part.types
                ends[0].append(part.ends[0])
                ends[1].append(part.ends[1])
                strengths += part.props.get("strength", none)
                contacts += part.props.get("last_contact", none)
        types += [item.type for item in items]
        ends[0].append(self.ids.codes([item.source for item in items]))
        ends[1].append(self.ids.codes([item.target for item in items]))
        strengths += [item.props.get("strength") for item in items]
        contacts += [item.props.get("last_contact") for item in items]
        source, target = (Coded(np.concatenate(codes), self.ids.names) for codes in ends)
        return WrittenTies(types, source, target, strengths, contacts)

    @staticmethod
    def _write_parts(store: Store, parts: tuple[Part, ...], progress: bool) -> None:
        """Each part's batches (query name, how many rows, the batches: the relationship type
        all its rows share, None for nodes, and the rows), a transaction each, in order. The next
        batch of a part is made ready while the server writes this one (`_Ahead`); a part's
        first batch is asked for only once the part before is written (`write` reads the new
        nodes' handles then). A part may instead be one call writing it all (`Store.append`),
        given how to report progress."""
        with _progress(sum(count for _, count, _ in parts), progress) as bar, _Ahead(store) as ahead:

            def sent(rels: int) -> None:
                bar.update(rels)

            for name, _, batches in parts:
                if callable(batches):
                    batches(sent)
                    continue
                for kind, params in ahead.ready((kind, {"rows": batch}) for kind, batch in batches):
                    store.run_write(name, [params], branch=kind)
                    bar.update(len(params["rows"]))

    @property
    def counts(self) -> dict[str, int]:
        """What the plan holds: nodes by label and relationships by type (symmetric ones once)."""
        counts: dict[str, int] = defaultdict(int)
        for node in self.nodes.values():
            counts[node.label] += 1
        for kind, n in self.rel_counts().items():
            counts[kind] += n
        return dict(counts)

    def rel_counts(self) -> Counter[str]:
        """Relationships by type (a symmetric tie once)."""
        counts: Counter[str] = Counter()
        for part in self.parts:
            if isinstance(part, RelBlock):
                counts.update(part.types)
            else:
                counts[part.type] += 1
        return counts


@dataclass
class Undo:
    """What an import is about to change, read just before it writes (under the write lock),
    so that an import failing part-way can leave the database as it was: the nodes it creates
    are deleted with their ties, the nodes it changes get their properties and Rep label back,
    and the relationships it merges between nodes already there are removed (when new) or get
    their properties back. The version still goes up: the graph is the same, not the bytes.

    What the read finds also spares the writes: a relationship none of whose stored
    relationships is there is created, not merged (`fresh`), and a node or relationship there
    already as the import would leave it is not written at all (`same`, `kept`): an export
    imported again, as most of a week's export is, changes nothing and writes little."""

    created: list[str]
    nodes: list[dict[str, Any]]
    absent: list[Key]
    before: list[dict[str, Any]]
    same: set[str] = field(default_factory=set)  # nodes there as the import would leave them
    fresh: list[bool] = field(default_factory=list)  # by merged row: none of it there yet
    kept: list[bool] = field(default_factory=list)  # by merged row: all there, as it would leave it
    # The keys of more relationships not there before (`Plan._ruled_keys`), made only to undo.
    ruled_out: Callable[[], Iterable[Key]] = field(default=lambda: ())

    @classmethod
    def read(
        cls,
        store: Store,
        ids: list[str],
        written: Callable[[], list[Row]],
        existing: set[str] | None,
        merged: list[dict[str, Any]],
        held: dict[str, Any],
        checked: int = 0,
    ) -> tuple[Undo, list[Row]]:
        """The undo of writing the nodes `ids`, whose rows `written()` makes (`Plan.node_rows`),
        and merging the relationship rows `merged`, whose ends' handles are `held` (`handles`);
        and the node rows. The last `checked` of `merged` are ties the kept network was asked
        about already (`Plan._rule_out`): it is not asked again.

        The database is read `READERS` queries at a time, in threads, while this one
        makes the node rows (the names' keys: at M, 10,000 people took 0.1-0.3 s) and looks at
        what comes back: 100,000 ties into M read 54,000 keys in about 0.6 s one query at a time."""
        with ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="graphcrm-undo") as pool:
            node_reads = [
                pool.submit(store.run, "import/undo_read_nodes", {"ids": chunk}) for chunk in _chunks(ids)
            ]
            stored = [_stored(row) for row in merged]
            keys = [key for keys in stored for key in keys]
            asked = len(keys) - sum(map(len, stored[len(stored) - checked :]))
            # an end not in the database (not looked up: `existing` None) has no ties there
            by_type: dict[str, list[Key]] = {}
            for k in chain(_maybe_there(store, keys[:asked]), keys[asked:]):
                if k[1] in held and k[2] in held:
                    by_type.setdefault(k[0], []).append(k)
            rel_reads = []
            for kind, typed in by_type.items():  # a type at a time, the pairs as lists of handles
                for chunk in _chunks(typed):
                    a, b = [held[k[1]] for k in chunk], [held[k[2]] for k in chunk]
                    kinds = [k[3] for k in chunk] if kind == "TIED_TO" else None
                    params = {"type": kind, "a": a, "b": b, "kinds": kinds}
                    rel_reads.append(
                        (chunk, pool.submit(store.run, "import/undo_read_relationships", params))
                    )
            rows = written()
            nodes = [row for read in node_reads for row in read.result()]
            there: dict[Key, dict[str, Any]] = {  # by the key's place in the chunk: the answer names no ids
                chunk[row["i"]]: row["props"] for chunk, read in rel_reads for row in read.result()
            }
        found = {row["id"]: row for row in nodes}
        created = [i for i in ids if i not in found and (existing is None or i not in existing)]
        same = {
            row["id"]
            for row in rows
            if (held_node := found.get(row["id"])) is not None
            and row["rep"] in (None, held_node["rep"])
            and _leaves(held_node["props"], row["props"])
        }
        fresh: list[bool] = []
        kept: list[bool] = []
        unchanged: set[Key] = set()
        for row, row_keys in zip(merged, stored, strict=True):
            first, last = there.get(row_keys[0]), there.get(row_keys[-1])  # one key or two
            fresh.append(first is None and last is None)
            same_there = (
                first is not None
                and last is not None
                and _leaves(first, row["props"])
                and (len(row_keys) == 1 or _leaves(last, row["props"]))
            )
            kept.append(same_there)
            if same_there:
                unchanged.update(row_keys)
        absent = [k for k in keys if k not in there]
        before = [
            {**dict(zip(KEY, k, strict=True)), "props": p} for k, p in there.items() if k not in unchanged
        ]
        nodes = [row for row in nodes if row["id"] not in same]
        return cls(created, nodes, absent, before, same, fresh, kept), rows

    def changes(
        self, nodes: list[Row], merged: list[RelItem]
    ) -> tuple[list[Row], list[RelItem], list[RelItem]]:
        """What the import writes, given what the read found: (the node rows `nodes` but those
        there already as they would leave them; of the relationships to merge, `merged` (the
        rows read), those none of whose stored relationships is there (a symmetric tie is
        stored both ways), created instead (CREATE, several times faster than MERGE: 100,000
        new ties into scale M went in 4.6 s); and the others, but those there already as they
        would leave them)."""
        new = [rel for rel, fresh in zip(merged, self.fresh, strict=True) if fresh]
        flags = zip(merged, self.fresh, self.kept, strict=True)
        there = [rel for rel, fresh, kept in flags if not fresh and not kept]
        return [row for row in nodes if row["id"] not in self.same], new, there

    def apply(self, store: Store) -> None:
        """Put back what the import changed (each step in batches of one transaction)."""
        for chunk in _chunks(chain(self.absent, self.ruled_out())):
            rows = [dict(zip(KEY, key, strict=True)) for key in chunk]
            store.run_write("import/undo_delete_relationships", [{"rows": rows}])
        for chunk in _chunks(self.before):
            store.run_write("import/undo_restore_relationships", [{"rows": chunk}])
        for chunk in _chunks(self.created):
            store.run_write("import/undo_delete_nodes", [{"ids": chunk}])
        for chunk in _chunks(self.nodes):
            store.run_write("import/undo_restore_nodes", [{"rows": chunk}])


class _Ahead:
    """Batches of parameters made ready to send (`Store.prepare`) one ahead, in a second thread,
    while the server runs the one before: at scale M an import spent about 1 s writing the
    parameters of its batches. A context: the thread ends with it."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphcrm-prepare")

    def __enter__(self) -> _Ahead:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown()

    def ready[K](
        self, batches: Iterable[tuple[K, Mapping[str, Any]]]
    ) -> Iterator[tuple[K, Mapping[str, Any]]]:
        """`batches` (a key and the parameters each) in order, made ready: the next one is made
        while the caller sends this one; the first in the caller's thread (a single batch, as
        a small import's, starts no thread)."""
        waiting: tuple[K, Future[Mapping[str, Any]]] | None = None
        for key, params in batches:
            if waiting is None:
                ready: Future[Mapping[str, Any]] = Future()
                ready.set_result(self.store.prepare(params))
            else:
                ready = self.pool.submit(self.store.prepare, params)
                yield waiting[0], waiting[1].result()
            waiting = (key, ready)
        if waiting is not None:
            yield waiting[0], waiting[1].result()


def _stored(row: Row) -> list[Key]:
    """The keys of the relationships a relationship row is stored as: a symmetric tie both ways."""
    key = (row["type"], row["source"], row["target"], row["kind"])
    return [key, (key[0], key[2], key[1], key[3])] if key[0] in SYMMETRIC_TIES else [key]


def _leaves(there: Mapping[str, Any], props: Mapping[str, Any]) -> bool:
    """Whether `SET x += props` leaves a record with the properties `there` as it is: each is
    there with the same value and type (a null one, not there). Values are compared as the
    engine reads them back (FalkorDB gives a float to 15 digits): what every reader sees."""
    if props.items() <= there.items():  # every value there, equal: most often, found at C speed
        return [*map(type, props.values())] == [*map(type, map(there.__getitem__, props))]
    return all(
        key not in there if value is None else type(there.get(key)) is type(value) and there[key] == value
        for key, value in props.items()
    )


def _maybe_there(store: Store, keys: list[Key]) -> list[Key]:
    """The relationship keys an import must look up before merging them: all but the
    introduction ties that the path search's network, kept for this very version, shows are
    not there (`projection.untied`). An import of 100,000 new ties into scale M looked up
    185,000 keys, one by one, to find them absent: 3 s."""
    network = [k for k in keys if k[0] in NETWORK_TIES]
    if not network:
        return keys
    from graphcrm import projection  # numpy and pandas, loaded by the import already

    untied = projection.untied(store, [k[1] for k in network], [k[2] for k in network])
    if untied is None:
        return keys
    absent = {k for k, free in zip(network, untied.tolist(), strict=True) if free}
    return [k for k in keys if k not in absent]


def _grouped(rels: Iterable[RelItem]) -> list[tuple[str, list[RelItem]]]:
    """`rels` a type at a time, in the order each type first comes."""
    by_type: dict[str, list[RelItem]] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append(rel)
    return list(by_type.items())


def _typed_batches(
    groups: Iterable[tuple[str, Iterable[RelItem]]], held: dict[str, Any]
) -> Iterator[tuple[str, list[Row]]]:
    """The relationships of `groups` (a type and its relationships each) as rows (`_write_row`)
    in batches of `BATCH_ROWS` of one type each: a batch runs its type's branch of the query
    alone (`Store.run_write`). Rows are made a batch at a time."""
    for kind, typed in groups:
        for chunk in _chunks(typed):
            yield kind, [_write_row(rel, held) for rel in chunk]


def _bulk_rel(rel: RelItem) -> BulkRel:
    """A relationship as `Store.bulk_create` and `append` take it: what import/create_relationships
    makes of its row (a TIED_TO tie carries its kind; a symmetric tie goes both ways)."""
    props = {"kind": rel.key, **rel.props} if rel.type == "TIED_TO" else rel.props
    return BulkRel(rel.type, rel.source, rel.target, props, rel.type in SYMMETRIC_TIES)


def _write_row(rel: RelItem, held: dict[str, Any]) -> Row:
    """A relationship as import/create_relationships and merge_relationships take it: its ends
    by their handles (`handles`)."""
    a, b = held[rel.source], held[rel.target]
    return {"type": rel.type, "a": a, "b": b, "kind": rel.key, "props": rel.props}


def _ends(rels: Iterable[RelItem]) -> set[str]:
    """The ids at either end of `rels`, each once."""
    return {end for rel in rels for end in (rel.source, rel.target)}


def _rel_row(rel: RelItem) -> Row:
    """A relationship by its ends' ids, as the undo's queries take it."""
    return {"type": rel.type, "source": rel.source, "target": rel.target, "kind": rel.key, "props": rel.props}


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's collector of reference cycles held off while a large plan is made or encoded:
    it would walk every record made so far, again and again as they grow (a fifth of the time
    at a million ties), and a plan's records make no cycles (any that others make are collected
    after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _progress(total: int, shown: bool) -> tqdm[Any]:
    """The import's progress bar on stderr, shown after 2 s and only when `shown`."""
    return tqdm(total=total, unit="row", desc="import", delay=2.0, disable=not shown, leave=False)


def _chunks(items: Iterable[Any], size: int | None = None) -> Iterator[list[Any]]:
    """`items` in lists of `size` (default `BATCH_ROWS`, as it is at the call)."""
    size = size or BATCH_ROWS
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def find_labels(store: Store, ids: set[str]) -> dict[str, list[str]]:
    """The labels of those `ids` that are in the database."""
    return {
        row["id"]: [label for label in row["labels"] if label not in ("Node", "Rep")]
        for row in _by_ids(store, "import/find_ids", ids)
    }


def handles(store: Store, ids: Iterable[str]) -> dict[str, Any]:
    """The handle of each of those `ids` that are in the database (`import/handles`): FalkorDB's
    internal id, by which the import's relationship writes seek their ends where the index on
    `id` took half of a batch's time at scale M (5,000 ties: 120-135 ms at the server, 55-68 ms
    by handle); on Neo4j the id itself (its element id gained nothing). An internal id may be
    given to another node once its own is deleted: only valid while the write lock is held, so
    read under it."""
    return {row["id"]: row["handle"] for row in _by_ids(store, "import/handles", ids)}


def _by_ids(store: Store, name: str, ids: Iterable[str]) -> Iterator[Row]:
    """The rows of the query `name` for `ids`, asked 20,000 at a time (in id order)."""
    for chunk in _chunks(sorted(ids), 20_000):
        yield from store.run(name, {"ids": chunk})


def article(labels: list[str]) -> str:
    """The kind of record `labels` make, with its article ("an Account"); Node and Rep aside."""
    label = next((label for label in labels if label not in ("Node", "Rep")), "record")
    return f"an {label}" if label[0] in "AEIOU" else f"a {label}"


def _kinds(labels: tuple[str, ...]) -> str:
    words = {
        "Person": "a person",
        "Account": "an account",
        "Org": "an organisation",
        "Opportunity": "an opportunity",
    }
    return " or ".join(words.get(label, label) for label in labels)


def _problem_order(problem: Problem) -> tuple[Any, ...]:
    return (problem.source, problem.row, problem.column, problem.message)
