"""What an import will write, checked as a whole before any of it is written.

The readers (CSV/XLSX, LinkedIn, JSON lines) add nodes and relationships to a `Plan` with
where each came from; `Plan.check(store)` finds duplicate ids, self-ties, repeated ties and
references to ids neither in the import nor in the database; `Plan.write(store)` writes the
nodes, then the relationships, in batches of one transaction each. Every source writes its nodes
here, so a name written always brings its search key (`graphcrm.names.keyed`).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from graphcrm import stats
from graphcrm.ingest.fields import Problem
from graphcrm.ingest.stages import StageMap
from graphcrm.names import keyed
from graphcrm.schema import NETWORK_TIES, REP_LABEL, SYMMETRIC_TIES
from graphcrm.store import Store
from graphcrm.store.bulk import BulkNode, BulkRel

if TYPE_CHECKING:
    from graphcrm.projection import Network

PERSON = ("Person",)
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")
Row = dict[str, Any]
BATCH_ROWS = 5000
# From this many rows (nodes and relationships), an import is written at once (`Plan.write`,
# `Store.bulk_create`), below it in batches of `BATCH_ROWS`; at once only into a database holding
# at most `BULK_COPY_MAX` records (nodes, relationships) per row, as the database is copied whole:
# at M a copy takes about 2 µs a record, a tie in batches about 50 µs to create and 200 µs to merge
# (and its undo holds it), and a re-import (about two records a row: symmetric ties are stored
# both ways) goes at once: M again, 219 s and 3.6 GB in batches, 54 s and 0.8 GB at once.
BULK_MIN_ROWS = 100_000
BULK_COPY_MAX = 3.0
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


@dataclass
class Plan:
    """Nodes and relationships to write, with the problems found so far."""

    nodes: dict[str, NodeItem] = field(default_factory=dict)
    rels: list[RelItem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    requirements: list[tuple[str, tuple[str, ...], Where]] = field(default_factory=list)
    stage_totals: defaultdict[tuple[str, str], list[tuple[float, Where]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _rel_keys: dict[tuple[str, ...], Where] = field(default_factory=dict)
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
        self.rels.append(
            RelItem(rel_type, source, target, props, where, source_labels, target_labels, columns, key)
        )

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

    def references(self) -> Iterator[tuple[str, tuple[str, ...], Where]]:
        """Every id this plan points at, with the labels allowed and where it is named."""
        for rel in self.rels:
            yield rel.source, rel.source_labels, rel.where.at(rel.columns[0])
            yield rel.target, rel.target_labels, rel.where.at(rel.columns[1])
        yield from self.requirements

    def _named(self) -> Iterator[tuple[str, tuple[str, ...], Where | tuple[RelItem, str]]]:
        """`references`, with the place of a relationship's end as (relationship, column): a
        `Where` is made only for the few that are reported."""
        for rel in self.rels:
            yield rel.source, rel.source_labels, (rel, rel.columns[0])
            yield rel.target, rel.target_labels, (rel, rel.columns[1])
        yield from self.requirements

    def check(self, store: Store) -> list[Problem]:
        """Every problem, including ids unknown to both the import and the database."""
        wanted = set(self.nodes)
        wanted.update(map(_SOURCE, self.rels))
        wanted.update(map(_TARGET, self.rels))
        wanted.update(node_id for node_id, _, _ in self.requirements)
        existing = find_labels(store, wanted)
        self.existing = set(existing)
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
        of labels they allow (most of a large import's) is looked at no further."""
        planned, check = self.nodes.get, self._check_reference
        unnamed: dict[str, tuple[tuple[str, ...], bool]] = {}
        for rel in [
            rel
            for rel in self.rels
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

    def rel_rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Relationship rows: (those with an end new in this import, the others).

        The first can only be new (repeated ties are refused by `check`), so they are created;
        the others are merged. A symmetric tie is one row; the Cypher writes it both ways.
        """
        return [*map(_rel_row, self._rels(known=False))], [*map(_rel_row, self._rels(known=True))]

    def _rels(self, known: bool) -> Iterator[RelItem]:
        """The relationships both of whose ends are in the database when `known`, else the others."""
        existing = self.existing
        for rel in self.rels:
            if (existing is None or (rel.source in existing and rel.target in existing)) is known:
                yield rel

    def write(self, store: Store, progress: bool = True) -> None:
        """Write nodes then relationships, `BATCH_ROWS` rows per transaction, holding the
        database's write lock; if a batch fails (or the import is interrupted), what the
        earlier batches wrote is undone (`Undo`) before the error goes on. Only a process killed
        outright leaves whole batches behind, which running the import again completes.

        An import of `BULK_MIN_ROWS` rows or more, into a database holding at most
        `BULK_COPY_MAX` records per row it writes, is written at once where the engine can
        (`Store.bulk_create`: FalkorDB's bulk protocol), several times faster; a failure
        part-way, even a `kill -9`, leaves the database as it was. Smaller imports gain little
        (well under a second) and keep the batches; so do imports into a much larger database,
        which would be copied whole."""
        self._rel_keys.clear()  # only adding rows needs it (repeated ties): at M a million keys
        with store.exclusive():
            old = list(self._rels(known=True))  # merged: few, unless the import is a re-import
            if self._bulk(store, old, progress):
                return
            parts = (
                ("import/merge_nodes", len(self.nodes), [(None, rows) for rows in _chunks(self.node_rows())]),
                (
                    "import/create_relationships",
                    len(self.rels) - len(old),
                    _typed_batches(self._rels(known=False)),
                ),
                ("import/merge_relationships", len(old), _typed_batches(old)),
            )
            undo = Undo.read(store, list(self.nodes), self.existing, list(map(_rel_row, old)))
            try:
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

    def _bulk(self, store: Store, old: list[RelItem], progress: bool) -> bool:
        """Write the whole plan with `Store.bulk_create` when it is large enough to gain from it
        and the database is not much larger (`BULK_COPY_MAX`): the new records at once, the
        changes to records already there (`old`: ties between them) as the batches would make
        them, in the graph built beside the database. Keep the path search's network of what
        it wrote and what was there (`projection.keep_written`), unless it changed ties that were
        there (a re-import: the next question reads it). Whether it was written so."""
        rows = len(self.nodes) + len(self.rels)
        if not store.writes_in_bulk or self.existing is None or rows < BULK_MIN_ROWS:
            return False
        held = stats.answer(store)
        size = sum(n for label, n in held.labels.items() if label != REP_LABEL) + sum(held.types.values())
        if size > rows * BULK_COPY_MAX:  # copying the database would cost more than the batches save
            return False
        existing = self.existing
        stored = sum(2 if rel.type in SYMMETRIC_TIES else 1 for rel in self.rels)  # as the engine counts
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
                    ("import/merge_relationships", _typed_batches(old)),
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
                projection.keep_written(store, people, self.rels, before)
            return True

    def bulk_nodes(self, nodes: Iterable[NodeItem]) -> Iterator[BulkNode]:
        """`nodes` as `Store.bulk_create` takes them: what merge_nodes.cypher would make of their
        rows where none is in the database (the own label, Rep when `rep` is true)."""
        for row in self.node_rows(nodes):
            labels = (row["label"], "Rep") if row["rep"] else (row["label"],)
            yield BulkNode(labels, row["props"])

    def bulk_rels(self) -> Iterator[BulkRel]:
        """The relationships with an end new in this import as `Store.bulk_create` takes them:
        what create_relationships.cypher makes of their rows (a TIED_TO tie carries its kind; a
        symmetric tie goes both ways). Into an empty database, that is all of them."""
        for rel in self._rels(known=False):
            kind = rel.type
            props = {"kind": rel.key, **rel.props} if kind == "TIED_TO" else rel.props
            yield BulkRel(kind, rel.source, rel.target, props, kind in SYMMETRIC_TIES)

    @staticmethod
    def _write_parts(
        store: Store,
        parts: tuple[tuple[str, int, Iterable[tuple[str | None, list[Row]]]], ...],
        progress: bool,
    ) -> None:
        """Each part's batches (query name, how many rows, the batches: the relationship type
        all its rows share, None for nodes, and the rows), a transaction each."""
        with _progress(sum(count for _, count, _ in parts), progress) as bar:
            for name, _, batches in parts:
                for kind, batch in batches:
                    store.run_write(name, [{"rows": batch}], branch=kind)
                    bar.update(len(batch))

    @property
    def counts(self) -> dict[str, int]:
        """What the plan holds: nodes by label and relationships by type (symmetric ones once)."""
        counts: dict[str, int] = defaultdict(int)
        for node in self.nodes.values():
            counts[node.label] += 1
        for rel in self.rels:
            counts[rel.type] += 1
        return dict(counts)


@dataclass
class Undo:
    """What an import is about to change, read just before it writes (under the write lock),
    so that an import failing part-way can leave the database as it was: the nodes it creates
    are deleted with their ties, the nodes it changes get their properties and Rep label back,
    and the relationships it merges between nodes already there are removed (when new) or get
    their properties back. The version still goes up: the graph is the same, not the bytes."""

    created: list[str]
    nodes: list[dict[str, Any]]
    absent: list[dict[str, Any]]
    before: list[dict[str, Any]]

    @classmethod
    def read(
        cls, store: Store, ids: list[str], existing: set[str] | None, merged: list[dict[str, Any]]
    ) -> Undo:
        """The undo of writing the nodes `ids` and merging the relationship rows `merged`."""
        nodes = [row for chunk in _chunks(ids) for row in store.run("import/undo_read_nodes", {"ids": chunk})]
        found = {row["id"] for row in nodes}
        created = [i for i in ids if i not in found and (existing is None or i not in existing)]
        keys = []
        for row in merged:
            keys.append(
                {"type": row["type"], "source": row["source"], "target": row["target"], "kind": row["kind"]}
            )
            if row["type"] in SYMMETRIC_TIES:
                keys.append({**keys[-1], "source": row["target"], "target": row["source"]})
        before = [
            row
            for chunk in _chunks(keys)
            for row in store.run("import/undo_read_relationships", {"rows": chunk})
        ]
        there = {(r["type"], r["source"], r["target"], r["kind"]) for r in before}
        absent = [k for k in keys if (k["type"], k["source"], k["target"], k["kind"]) not in there]
        return cls(created, nodes, absent, before)

    def apply(self, store: Store) -> None:
        """Put back what the import changed (each step in batches of one transaction)."""
        for chunk in _chunks(self.absent):
            store.run_write("import/undo_delete_relationships", [{"rows": chunk}])
        for chunk in _chunks(self.before):
            store.run_write("import/undo_restore_relationships", [{"rows": chunk}])
        for chunk in _chunks(self.created):
            store.run_write("import/undo_delete_nodes", [{"ids": chunk}])
        for chunk in _chunks(self.nodes):
            store.run_write("import/undo_restore_nodes", [{"rows": chunk}])


def _typed_batches(rels: Iterable[RelItem]) -> Iterator[tuple[str, list[Row]]]:
    """`rels` a type at a time, as rows in batches of `BATCH_ROWS` of one type each: a batch runs
    its type's branch of the query alone (`Store.run_write`). Rows are made a batch at a time."""
    by_type: dict[str, list[RelItem]] = {}
    for rel in rels:
        by_type.setdefault(rel.type, []).append(rel)
    for kind, typed in by_type.items():
        for chunk in _chunks(typed):
            yield kind, [_rel_row(rel) for rel in chunk]


def _rel_row(rel: RelItem) -> Row:
    """A relationship as the import's queries take it."""
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
    found: dict[str, list[str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 20000):
        for row in store.run("import/find_ids", {"ids": ordered[start : start + 20000]}):
            found[row["id"]] = [label for label in row["labels"] if label not in ("Node", "Rep")]
    return found


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
