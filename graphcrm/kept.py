"""What this process keeps of a graph, and writes that keep it current.

A viewer keeps the network the warm-path search runs on (`graphcrm.projection`) and used to
read all of it again after every write: seconds at scale S under imports, a viewer's edit at
scale M cost the next question 7 s. It keeps the referrals too (`graphcrm.referrals`), which
FalkorDB finds only by looking at every node (88 ms at M), and what search looks through
(`graphcrm.finder`: every named record). Those two are each a `Memory`: one value per store,
at one graph version. A write that knows which records it touches wraps itself in `patched`:
what is kept is then patched with those records (`projection.patching`, `Memory.patching`)
instead of read again in full at the next question. The network kept beside an embedded
database is patched too, by whatever process writes (an import from the shell while a viewer
runs): the viewer then loads the patched arrays instead of reading them all again. A process
that keeps nothing (no question asked, nothing kept beside the database) does not read the
ids, nor import numpy for them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import sys
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from graphcrm.store import Store

ARRAYS = "paths-"  # the folders of the path search's arrays beside a database, one per version
PATCH_MAX = 5_000  # records a write touched beyond which what is kept is read again instead


def arrays_kept(store: Store) -> bool:
    """Whether the path search's arrays are kept beside the database (of any version)."""
    folder = store.cache_dir
    return folder is not None and folder.is_dir() and any(p.name.startswith(ARRAYS) for p in folder.iterdir())


def patched(store: Store, ids: Iterable[str | None]) -> AbstractContextManager[None]:
    """Around a write (the caller holds the write lock) that touches only the records `ids`
    (people, accounts, opportunities) and their ties: what is kept patched after it, or
    nothing where nothing is kept. `ids` is read only then, and only until it names more than
    `PATCH_MAX` (an import of a million ties names each person many times)."""
    network = "graphcrm.projection" in sys.modules or arrays_kept(store)
    memories = [memory for memory in _memories if memory.keeps(store)]
    if not (network or memories):
        return nullcontext()
    return _patched(store, ids, network, memories)


@contextlib.contextmanager
def _patched(
    store: Store, ids: Iterable[str | None], network: bool, memories: list[Memory[Any]]
) -> Iterator[None]:
    touched = at_most(ids, PATCH_MAX)
    with contextlib.ExitStack() as patches:
        if network:
            from graphcrm import projection

            patches.enter_context(projection.patching(store, touched))
        for memory in memories:
            patches.enter_context(memory.patching(store, touched))
        yield


def at_most(items: Iterable[str | None], limit: int) -> set[str] | None:
    """The distinct items (None aside), or None when there are more than `limit`."""
    found: set[str] = set()
    for item in items:
        if item:
            found.add(item)
            if len(found) > limit:
                return None
    return found


@dataclasses.dataclass(frozen=True)
class _At[T]:
    version: Any
    value: T


class Memory[T]:
    """What one question keeps of each store, at one graph version (`Store.version`, which
    every write moves), safe across the viewer's threads. `patch(store, value, touched)` gives
    the value after a write of this process that touched only the records `touched`
    (`patching`); any other write leaves the value at an old version, which is not given out:
    the question reads it all again, or `read_again(store)` does beforehand (`catch_up`)."""

    def __init__(
        self, patch: Callable[[Store, T, set[str]], T], read_again: Callable[[Store], object]
    ) -> None:
        self._patch = patch
        self._read_again = read_again
        self._at: weakref.WeakKeyDictionary[Store, _At[T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        _memories.append(self)

    def get(self, store: Store, version: Any) -> T | None:
        """The value kept for `store` at `version`, or None."""
        with self._lock:
            kept = self._at.get(store)
        return kept.value if kept is not None and kept.version == version else None

    def put(self, store: Store, version: Any, make: Callable[[T | None], T]) -> None:
        """Keep `make(the value kept at version, or None)` for `store` at `version`: `version` is
        the one read before the value was made, so a write meanwhile has it read again."""
        with self._lock:
            kept = self._at.get(store)
            current = kept.value if kept is not None and kept.version == version else None
            self._at[store] = _At(version, make(current))

    def catch_up(self, store: Store, version: Any) -> None:
        """Read the value again (`read_again`) if one is kept for `store` at another version
        than `version`, the graph's now (`catch_up`, the module's)."""
        with self._lock:
            kept = self._at.get(store)
        if kept is not None and kept.version != version:
            self._read_again(store)

    def keeps(self, store: Store) -> bool:
        """Whether anything is kept for `store` (at any version): a write then patches it."""
        with self._lock:
            return store in self._at

    @contextlib.contextmanager
    def patching(self, store: Store, touched: set[str] | None) -> Iterator[None]:
        """Around a write of this process that touches only the records `touched` and their ties
        (None: more than `PATCH_MAX`; the caller holds the write lock, `patched`): the value
        kept at the version the write starts from is patched after it, instead of read again at
        the next question. Nothing is patched when the write fails or changes nothing, or when
        `touched` is None."""
        with self._lock:
            kept = self._at.get(store)
        if touched is None or kept is None:
            yield
            return
        before = store.version()
        yield
        after = store.version()
        if kept.version != before or None in after or after == before:
            return
        value = self._patch(store, kept.value, touched)
        with self._lock:
            current = self._at.get(store)
            if current is None or current.version != after:  # not read meanwhile by a question
                self._at[store] = _At(after, value)


_memories: list[Memory[Any]] = []  # every Memory made: `patched` patches those that keep a store


def catch_up(store: Store) -> None:
    """Read again now what this process keeps of `store` at an old version: after a write from
    another process (an import from the shell while a viewer runs), which patches nothing here.
    A viewer does this every few seconds (`graphcrm.web.db`), so that its next question finds
    it kept instead of reading it then (search's records: a second at scale M). One version
    query when nothing changed; nothing while relationships are added in bulk."""
    version = store.version()
    if None in version:
        return
    for memory in _memories:
        memory.catch_up(store, version)
