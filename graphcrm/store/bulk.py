"""FalkorDB's bulk protocol (`GRAPH.BULK`): a large import written at once, into an empty
database or one not much larger than the import (`graphcrm.ingest.plan.BULK_COPY_MAX`).

`GRAPH.BULK key [BEGIN] nodes edges node-tokens edge-tokens token...` builds a graph from binary
tokens, one per label set or relationship type: a header (the label(s), `:`-separated, NUL-ended;
a 4-byte count of property names; the names, NUL-ended), then the records. A node is its
property values in header order; a relationship is the 8-byte internal ids of its ends (nodes are
numbered from 0 in the order they were loaded) and then its values. A value is a type byte and
its payload: 0 null (skipped), 1 bool (1 byte), 2 double (8), 3 string (NUL-ended UTF-8),
4 integer (8, signed), 5 array (an 8-byte length, then the values). Little-endian throughout.
`BEGIN` refuses a key that exists, so the graph is built under a scratch key beside the real one,
given the same indexes and constraint and the version node, and then put in the real one's place
with `RENAME`, which is atomic. Into a database holding records, the scratch graph starts as a
copy of the real one (`GRAPH.COPY`, which the embedded server writes through a file in its own
folder, `graphcrm.store.embedded`): the new nodes and relationships are added to it (the ends'
numbers read from it once the nodes are in), and the changes to the records it held run on it as
the import's Cypher (`then`). Readers see the old graph or the new one (the batches of Cypher
show an import half-written), a failure before the rename (or a `kill -9`) leaves the real graph
untouched, and the scratch key is deleted (by the next writer, when the process died). The write
lock, held by this writer, is a key beside the graph (`FalkorDBStore.claim_lock`), which the swap
leaves alone.

Measured on this machine at scale M (100,000 people, 1,000,000 ties): see docs/performance.md.
"""

from __future__ import annotations

import contextlib
import queue
import secrets
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from graphcrm import queries
from graphcrm.store.base import BASE_LABEL, Statement, StoreError
from graphcrm.store.params import INT_LIMIT

if TYPE_CHECKING:
    from graphcrm.store.falkordb import FalkorDBStore

# Bytes of tokens sent in one GRAPH.BULK command: redis takes at most 512 MB per argument, and
# smaller commands keep the memory of both sides small.
COMMAND_BYTES = 8 * 2**20
SCRATCH = ".bulk."  # the scratch key: `<graph>.bulk.<token>`
INDEX_WAIT_S = 600.0
REL_BATCH = 20_000  # relationships encoded at a time
AHEAD = 4  # commands made ahead of their sending (`made_ahead`): 32 MB at most

_U32 = struct.Struct("<I")
_I64 = struct.Struct("<q")
_F64 = struct.Struct("<d")
_ENDS = struct.Struct("<QQ")


class _Unsupported(Exception):
    """A value the bulk protocol cannot carry exactly (a map, text holding NUL): the caller writes
    in batches of Cypher instead."""


class BulkNode(NamedTuple):
    """A node to create: its labels (the own label, `Rep`...; `Node` is added) and properties."""

    labels: tuple[str, ...]
    props: Mapping[str, Any]


class BulkRel(NamedTuple):
    """A relationship to create between two node ids; `both` writes it each way (a symmetric tie)."""

    type: str
    source: str
    target: str
    props: Mapping[str, Any]
    both: bool = False


@dataclass(frozen=True, slots=True)
class Coded:
    """Node ids as numbers into a table of ids (`names`) that many columns share: each id is
    looked up once, however often it recurs (the million ties of M name 100,000 people)."""

    codes: np.ndarray
    names: Sequence[str]

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, rows: slice | np.ndarray) -> Coded:
        return Coded(self.codes[rows], self.names)


class BulkRels(NamedTuple):
    """Relationships as columns (a block of rows of a file, written as one): their types, ends
    (ids, or numbers into a table of ids) and values by property name (None where a row has
    none), and which are written both ways."""

    types: Sequence[str]
    sources: Sequence[str] | Coded
    targets: Sequence[str] | Coded
    props: Mapping[str, Sequence[Any]]
    both: Sequence[bool]


def value(v: Any) -> bytes:
    """One property value in the protocol's binary form (null is skipped by the server)."""
    kind = type(v)
    if kind is str:
        if "\x00" in v:
            raise _Unsupported("text holding a NUL character")
        return b"\x03" + v.encode("utf-8") + b"\x00"
    if kind is float:
        return b"\x02" + _F64.pack(v)
    if kind is bool:
        return b"\x01\x01" if v else b"\x01\x00"
    if kind is int:
        if not -INT_LIMIT <= v < INT_LIMIT:
            raise _Unsupported("a whole number beyond 64 bits")
        return b"\x04" + _I64.pack(v)
    if v is None:
        return b"\x00"
    if kind is list or kind is tuple:
        return b"\x05" + _I64.pack(len(v)) + b"".join(map(value, v))
    raise _Unsupported(f"a {kind.__name__} value")


def _header(name: str, keys: Sequence[str]) -> bytes:
    for text in (name, *keys):
        if "\x00" in text:
            raise _Unsupported("a name holding a NUL character")
    return (
        name.encode("utf-8")
        + b"\x00"
        + _U32.pack(len(keys))
        + b"".join(k.encode("utf-8") + b"\x00" for k in keys)
    )


class _Tokens:
    """Tokens of one kind grouped by header (labels or type, and property names), cut into
    GRAPH.BULK commands of about `COMMAND_BYTES`. The server numbers nodes in the order it
    loads them, token after token: `take` gives the node ids in that order."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, tuple[str, ...]], tuple[list[bytes], list[str]]] = {}
        self.size = 0
        self.count = 0

    def add(self, name: str, keys: tuple[str, ...], record: bytes, node_id: str | None = None) -> None:
        group = self.parts.get((name, keys))
        if group is None:
            group = self.parts[(name, keys)] = ([_header(name, keys)], [])
            self.size += len(group[0][0])
        group[0].append(record)
        if node_id is not None:
            group[1].append(node_id)
        self.size += len(record)
        self.count += 1

    def take(self) -> tuple[int, list[bytes], list[str]]:
        """(records, tokens, node ids in loading order) gathered so far; empties the buffer."""
        tokens = [b"".join(parts) for parts, _ in self.parts.values()]
        ids = [node_id for _, node_ids in self.parts.values() for node_id in node_ids]
        count = self.count
        self.parts, self.size, self.count = {}, 0, 0
        return count, tokens, ids


def commands(
    nodes: Iterable[BulkNode],
    rels: Iterable[BulkRel | BulkRels],
    limit: int | None = None,
    numbers: Callable[[], dict[str, int]] | None = None,
) -> Iterator[tuple[int, int, list[bytes], list[bytes]]]:
    """(node count, relationship count, node tokens, relationship tokens) of each GRAPH.BULK
    command of about `limit` bytes (`COMMAND_BYTES`), nodes first; values are encoded as the
    commands are needed (the caller's rows are read once, never all held as bytes). A
    relationship's ends are the server's numbers of its nodes: counted in loading order from 0
    (a new graph), or, when the nodes go into a graph that holds some already, `numbers()`,
    read from the server once every node command was sent."""
    limit = limit or COMMAND_BYTES  # read now: tests make commands small
    index: dict[str, int] = {}  # node id: the server's number for the node
    encoded = _Encoded()
    tokens = _Tokens()
    for node in nodes:
        keys = tuple(k for k, v in node.props.items() if v is not None)
        record = b"".join([value(node.props[k]) for k in keys])
        tokens.add(":".join((BASE_LABEL, *node.labels)), keys, record, node.props["id"])
        if tokens.size >= limit:
            count, parts, ids = tokens.take()
            index.update(zip(ids, range(len(index), len(index) + len(ids)), strict=True))
            yield count, 0, parts, []
    if tokens.count:
        count, parts, ids = tokens.take()
        index.update(zip(ids, range(len(index), len(index) + len(ids)), strict=True))
        yield count, 0, parts, []
    yield from _rel_commands(rels, index if numbers is None else numbers(), encoded, limit)


def _rel_commands(
    rels: Iterable[BulkRel | BulkRels], index: dict[str, int], encoded: _Encoded, limit: int
) -> Iterator[tuple[int, int, list[bytes], list[bytes]]]:
    """The commands of `commands` that carry relationships: the tokens `_Tokens` would make, cut
    where it would cut them, their records encoded `REL_BATCH` rows at a time (`_records`)."""
    groups: dict[tuple[str, tuple[str, ...]], list[bytes]] = {}  # the header, then the records
    size = count = 0
    numbers = _Numbers(index)
    for block in _blocks(rels):
        for group_key, records, how_many in _records(block, numbers, encoded):
            group = groups.get(group_key)
            if group is None:
                group = groups[group_key] = [_header(*group_key)]
                size += len(group[0])
            group.append(records)
            count += how_many
            size += len(records)
            if size >= limit:
                yield 0, count, [], [b"".join(records) for records in groups.values()]
                groups, size, count = {}, 0, 0
    if count:
        yield 0, count, [], [b"".join(records) for records in groups.values()]


def _blocks(rels: Iterable[BulkRel | BulkRels]) -> Iterator[BulkRels]:
    """`rels` as blocks of at most `REL_BATCH` rows: a block cut, rows gathered into one."""
    rows: list[BulkRel] = []
    for rel in rels:
        if isinstance(rel, BulkRel):
            rows.append(rel)
            if len(rows) == REL_BATCH:
                yield _columns(rows)
                rows = []
            continue
        if rows:
            yield _columns(rows)
            rows = []
        for start in range(0, len(rel.types), REL_BATCH):
            cut = slice(start, start + REL_BATCH)
            yield BulkRels(
                rel.types[cut],
                rel.sources[cut],
                rel.targets[cut],
                {name: column[cut] for name, column in rel.props.items()},
                rel.both[cut],
            )
    if rows:
        yield _columns(rows)


def _columns(rows: Sequence[BulkRel]) -> BulkRels:
    """Rows as a block: a column for each property name any of them has, None where one has not."""
    types, sources, targets, props, both = zip(*rows, strict=True)
    names = dict.fromkeys(name for row in props for name in row)
    return BulkRels(types, sources, targets, {name: [row.get(name) for row in props] for name in names}, both)


def _records(
    block: BulkRels, numbers: _Numbers, encoded: _Encoded
) -> Iterator[tuple[tuple[str, tuple[str, ...]], bytes, int]]:
    """The records of a block, as (token key: type and names of the values it holds, records,
    how many). A relationship is its ends' numbers and its values; one written both ways is its
    record, then the record the other way round. Encoded a column at a time with numpy: each
    value once (`_Encoded.column`), then, for the rows of one type whose values are as wide,
    all records at once as an array of fixed-width fields."""
    count = len(block.types)
    if not count:
        return
    source, target = numbers(block.sources), numbers(block.targets)
    kinds = list(dict.fromkeys(block.types))
    kind = np.fromiter(map({k: i for i, k in enumerate(kinds)}.__getitem__, block.types), np.int64, count)
    names = list(block.props)
    cells, widths = [], []  # per column: the encoded values as one fixed-width array, their widths
    for column in block.props.values():
        pieces = encoded.column(column)  # b"" where a row has no value
        width = np.fromiter(map(len, pieces), np.int64, count)
        cells.append(np.array(pieces, dtype=f"S{max(int(width.max()), 1)}").view(np.uint8).reshape(count, -1))
        widths.append(width)
    both = np.fromiter(block.both, np.bool_, count)
    keys = np.column_stack([kind, both, *widths])
    shapes, which = _shapes(keys)
    order = np.argsort(which, kind="stable")
    bounds = np.cumsum(np.bincount(which, minlength=len(shapes)))
    for shape, rows in zip(shapes, np.split(order, bounds[:-1]), strict=True):
        held = [j for j, w in enumerate(shape[2:]) if w]
        fields = [(j, f"V{shape[2 + j]}") for j in held]
        twice = bool(shape[1])
        layout = [("s", "<u8"), ("t", "<u8"), *[(f"v{j}", wide) for j, wide in fields]]
        if twice:  # the record the other way round right after it
            layout += [("s2", "<u8"), ("t2", "<u8"), *[(f"w{j}", wide) for j, wide in fields]]
        records = np.empty(len(rows), dtype=np.dtype(layout))
        records["s"], records["t"] = source[rows], target[rows]
        for j in held:
            wide = shape[2 + j]
            values = np.ascontiguousarray(cells[j][rows, :wide]).view(f"V{wide}").ravel()
            records[f"v{j}"] = values
            if twice:
                records[f"w{j}"] = values
        if twice:
            records["s2"], records["t2"] = records["t"], records["s"]
        key = (kinds[int(shape[0])], tuple(names[j] for j in held))
        yield key, records.tobytes(), len(rows) * (2 if twice else 1)


class _Numbers:
    """The server's numbers of node ids, many at a time: pandas' index of the ids takes half the
    time of a dict's look-ups one by one (0.24 against 0.49 s for a million ends in no order),
    and ids given as numbers into a table (`Coded`) are looked up once per table."""

    def __init__(self, index: dict[str, int]) -> None:
        import pandas as pd  # an import has it already

        self.ids = pd.Index(list(index), dtype=object)
        self.numbers = np.append(np.fromiter(index.values(), np.int64, len(index)), -1)  # -1: none
        self.tables: dict[tuple[int, int], np.ndarray] = {}

    def __call__(self, ids: Sequence[str] | Coded) -> np.ndarray:
        if isinstance(ids, Coded):
            key = (id(ids.names), len(ids.names))
            table = self.tables.get(key)
            if table is None:
                table = self.tables[key] = self._look_up(ids.names)
            found = table[ids.codes]
        else:
            found = self._look_up(ids)
        if (found < 0).any():
            first = int(np.argmin(found))
            missing = ids.names[int(ids.codes[first])] if isinstance(ids, Coded) else ids[first]
            raise StoreError(f"a relationship ends at {missing!r}, which is not among the nodes written")
        return found.astype(np.uint64)

    def _look_up(self, ids: Sequence[str]) -> np.ndarray:
        import pandas as pd

        return self.numbers[self.ids.get_indexer(pd.Index(np.asarray(ids, dtype=object), copy=False))]


def _shapes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of `keys` and the one each row is (`np.unique(keys, axis=0)`, which sorts
    rows as a whole and took 30 ms for 20,000): each column's values numbered, then the numbers
    of a row made one."""
    code = np.zeros(len(keys), np.int64)
    span = 1
    for column in keys.T:
        values, number = np.unique(column, return_inverse=True)
        span *= len(values)
        if span >= 2**62:  # too many kinds of rows for one number
            shapes, which = np.unique(keys, axis=0, return_inverse=True)
            return shapes, which.ravel()
        code = code * len(values) + number.ravel()
    _, first, which = np.unique(code, return_index=True, return_inverse=True)
    return keys[first], which.ravel()


class _Kept(dict[Any, bytes]):
    """Encoded values by value, made on demand, at most `limit` (then it starts again); None,
    a value a row has not, is nothing."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __missing__(self, v: Any) -> bytes:
        if len(self) >= self.limit:
            self.clear()
        piece = self[v] = b"" if v is None else value(v)
        return piece


class _Encoded:
    """`value` of many values, the encoding of text and decimals kept for their next appearance
    (dates, strengths, contexts recur thousands of times in a large import): at most `limit` of
    each kind. Decimals are kept apart from text, and 0.0 not at all: it is one key of a dict
    with -0.0 (and with 0 and False), not one value. None, a value a row has not, is nothing."""

    def __init__(self, limit: int = 100_000) -> None:
        self.text = _Kept(limit)
        self.floats = _Kept(limit)

    def __call__(self, v: Any) -> bytes:
        kind = type(v)
        if v is None:
            return b""
        return self.text[v] if kind is str else self.floats[v] if kind is float and v else value(v)

    def column(self, values: Sequence[Any]) -> list[bytes]:
        """Each value encoded: a column of text, or of decimals none of which is zero, as a
        whole."""
        kinds = set(map(type, values))
        kinds.discard(type(None))
        if kinds == {str}:
            return list(map(self.text.__getitem__, values))
        if kinds == {float} and 0.0 not in values:
            return list(map(self.floats.__getitem__, values))
        return list(map(self, values))


def bulk_create(
    store: FalkorDBStore,
    nodes: Iterable[BulkNode],
    rels: Iterable[BulkRel | BulkRels],
    sent: Callable[[int, int], None] | None = None,
    then: Iterable[Statement] = (),
    append: bool = False,
    batch: str | None = None,
) -> None:
    """Build the graph of `nodes` and `rels` under a scratch key, run the statements `then` on it,
    and put it in place of the store's graph (the caller holds the write lock and has checked the
    rows). The scratch graph starts empty, or with `append` as a copy of the store's graph
    (`GRAPH.COPY`), to which the nodes, none of which it holds, and the relationships are added:
    `then` changes what it held. `sent(nodes, rels)` is called after each command (progress).
    `batch` is the write's token on the graph's version (`Store.batch_applied`). On any failure,
    before the rename, the scratch key is deleted and the store's graph is as it was."""
    from graphcrm.store.falkordb import params_header

    scratch = f"{store.graph_name}{SCRATCH}{secrets.token_hex(8)}"
    discard_scratch(store)
    version = store.version()
    graph = store._db.select_graph(scratch)

    def send(command: tuple[int, int, list[Any]]) -> None:
        # never retried: a command the server ran before its connection broke would run twice
        store._db.connection.execute_command("GRAPH.BULK", scratch, *command[2])
        if sent is not None:
            sent(command[0], command[1])

    sender = _Sender(send)
    try:
        if append:
            store._db.connection.execute_command("GRAPH.COPY", store.graph_name, scratch)
        begin = [] if append else ["BEGIN"]
        schema = False  # made once every node is in: built while the relationships go in

        def sent_numbers() -> dict[str, int]:
            sender.flush()  # every node is in
            return _numbers(graph)

        numbers = sent_numbers if append else None
        for node_count, rel_count, node_tokens, rel_tokens in commands(nodes, rels, numbers=numbers):
            if not node_count and not begin and not schema:
                sender.flush()
                store.create_schema(scratch)
                schema = True
            counts = [node_count, rel_count, len(node_tokens), len(rel_tokens)]
            sender((node_count, rel_count, [*begin, *counts, *node_tokens, *rel_tokens]))
            begin = []
        if begin:  # nothing to write: the graph is made all the same, with its schema
            sender((0, 0, ["BEGIN", 0, 0, 0, 0]))
        sender.flush()
        sender.close()
        for text, params in then:
            graph.query(params_header(params) + text)
        if not schema:
            store.create_schema(scratch)
        _wait_for_indexes(store, scratch)
        created, number = version
        for name, params in (
            ("import/bulk_version", {"created": created, "version": number or 0}),
            ("store/touch", {"batch": batch or secrets.token_hex(12), "pending": None}),
        ):
            graph.query(params_header(params) + queries.load(name, store.engine))
        store.write_lock.check()
        store._db.connection.execute_command("RENAME", scratch, store.graph_name)
    except BaseException as exc:
        sender.close()
        try:
            _delete(store, scratch)
        except Exception as again:  # the next writer deletes it (discard_scratch): the error is exc's
            exc.add_note(f"the scratch graph {scratch} is left for the next writer to delete ({again})")
        raise


def append(store: FalkorDBStore, made: Iterable[tuple[int, list[bytes]]]) -> None:
    """Add relationships between nodes the graph holds, as the commands `made` carry them
    (`rel_commands`, or the same made ahead: `made_ahead`), to the store's graph itself:
    GRAPH.BULK without BEGIN adds to the graph under its key, as it does to the
    copy of `bulk_create`, without copying the database (at scale M, 170,000 relationships: 0.4 s
    against 2.8 s in batches of Cypher). The caller holds the write lock and undoes what was sent
    when this fails part-way, as it does after batches.

    The commands write no version, so the version written just before them is marked `pending`
    (cypher/store/touch.cypher) and `Store.version` gives None for it: nothing read while the
    relationships go in is kept with a version, and a writer killed among the commands leaves a
    graph that keeps nothing until the next write. The version goes up again after them."""
    from graphcrm.store.base import BadParameter

    token = secrets.token_hex(12)
    store.write_lock.check()
    touch = queries.load("store/touch", store.engine)
    store._transaction([(touch, {"batch": token, "pending": token})], token)

    def send(command: list[Any]) -> None:
        # never retried: a command the server ran before its connection broke would run twice
        store._db.connection.execute_command("GRAPH.BULK", store.graph_name, *command)

    sender = _Sender(send)
    try:
        for count, tokens in made:
            sender([0, count, 0, len(tokens), *tokens])
        sender.flush()
    except _Unsupported as exc:  # as a batch of Cypher refuses it (`BadParameter`)
        raise BadParameter(f"a value the database cannot take: {exc}") from exc
    finally:
        sender.close()
    store.write([])  # the version again, no longer pending


def rel_commands(
    rels: Iterable[BulkRel | BulkRels], ends: Mapping[str, int]
) -> Iterator[tuple[int, list[bytes]]]:
    """The GRAPH.BULK commands of `append` (relationship count, tokens each) adding `rels`,
    whose ends are nodes the graph holds (`ends`: each id's internal id)."""
    for _, count, _, tokens in commands((), rels, numbers=lambda: dict(ends)):
        yield count, tokens


@contextlib.contextmanager
def made_ahead[T](items: Iterable[T], size: int = AHEAD) -> Iterator[Iterator[T]]:
    """`items`, made by a thread of their own from now on, at most `size` waiting to be taken:
    an import encodes its relationships' commands while the server writes its nodes (at scale M,
    0.3 s each). The thread stops when the context ends, taken or not; an error making them is
    raised where the item would have been taken."""
    waiting: queue.Queue[Any] = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(item: Any) -> bool:  # whether it was put: not once the context has ended
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                waiting.put(item, timeout=0.05)
                return True
        return False

    def make() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_STOP)
        except BaseException as exc:  # raised in the taker's thread
            put(_Failed(exc))

    def taken() -> Iterator[T]:
        while (item := waiting.get()) is not _STOP:
            if isinstance(item, _Failed):
                raise item.error
            yield item

    thread = threading.Thread(target=make, name="graphcrm-encoder", daemon=True)
    thread.start()
    try:
        yield taken()
    finally:
        stop.set()
        thread.join()


@dataclass
class _Failed:
    error: BaseException


class _Sender:
    """Commands sent in order by a thread of their own, so that the server builds the records of
    one while Python encodes the next. At most one waits to be sent; a command's error is
    raised at the next call, or at `flush`."""

    def __init__(self, send: Callable[[Any], None]) -> None:
        self._send = send
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="graphcrm-bulk-sender", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (command := self._queue.get()) is not _STOP:
            if self._error is None:
                try:
                    self._send(command)
                except BaseException as exc:  # raised in the caller's thread
                    self._error = exc
            self._queue.task_done()

    def __call__(self, command: Any) -> None:
        self._raise()
        self._queue.put(command)

    def flush(self) -> None:
        """Wait until every command given was sent; raise the first one's error."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        """Drop what waits to be sent, let the command being sent end, and stop the thread."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(queue.Empty):
            self._queue.get_nowait()
            self._queue.task_done()
        self._queue.put(_STOP)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


_STOP = object()  # `_Sender`'s last item


def _numbers(graph: Any) -> dict[str, int]:
    """The server's number of every node of `graph` that has an id (`Node`): where relationships
    end, in a graph nodes were added to (the numbers of deleted nodes are given again)."""
    rows = graph.query(f"MATCH (n:{BASE_LABEL}) RETURN n.id, id(n)").result_set
    return {node_id: number for node_id, number in rows}


def discard_scratch(store: FalkorDBStore) -> int:
    """Delete the scratch graphs a writer killed mid-bulk left (only a writer holding the lock
    makes one, so with the lock held, any there is a dead writer's). How many were deleted."""
    pattern = f"{store.graph_name}{SCRATCH}*".replace("[", "\\[").replace("?", "\\?")

    def scan() -> list[Any]:
        return list(store._db.connection.scan_iter(match=pattern, count=1000))

    keys = store._call(scan)
    for key in keys:
        _delete(store, key)
    return len(keys)


def _delete(store: FalkorDBStore, key: str | bytes) -> None:
    def delete() -> Any:
        return store._db.connection.execute_command("DEL", key)

    store._call(delete)


def _wait_for_indexes(store: FalkorDBStore, graph_name: str) -> None:
    """Wait until every index and constraint of the scratch graph is built (FalkorDB builds
    them in the background on a graph that holds data)."""
    graph = store._db.select_graph(graph_name)
    deadline = time.monotonic() + INDEX_WAIT_S
    pause = 0.005
    while True:
        statuses = [
            row[0]
            for query in (
                "CALL db.indexes() YIELD status RETURN status",
                "CALL db.constraints() YIELD status RETURN status",
            )
            for row in graph.query(query).result_set
        ]
        if any(status == "FAILED" for status in statuses):
            raise StoreError(f"building the indexes of the imported graph failed ({graph_name})")
        if all(status == "OPERATIONAL" for status in statuses):
            return
        if time.monotonic() > deadline:
            raise StoreError(f"the indexes of the imported graph were not built in {INDEX_WAIT_S:.0f} s")
        time.sleep(pause)
        pause = min(pause * 2, 0.2)
