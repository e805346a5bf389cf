"""Writes that keep what this process keeps current: the path search's network and the referrals.

A viewer keeps the network the warm-path search runs on (`graphcrm.projection`) and used to
read all of it again after every write: seconds at scale S under imports, a viewer's edit at
scale M cost the next question 7 s. It keeps the referrals too (`graphcrm.referrals`), which
FalkorDB finds only by looking at every node (88 ms at M). A write that knows which records it
touches wraps itself in `patched`: each of the two kept is then patched with those records
(`projection.patching`, `referrals.patching`) instead of read again in full at the next question.
The network kept beside an embedded database is patched too, by whatever process writes (an
import from the shell while a viewer runs): the viewer then loads the patched arrays instead of
reading them all again. A process that keeps neither (no question asked, nothing kept beside the
database) does not read the ids, nor import numpy for them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext

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
    referring = "graphcrm.referrals" in sys.modules and sys.modules["graphcrm.referrals"].keeps(store)
    if not (network or referring):
        return nullcontext()
    return _patched(store, ids, network, referring)


@contextlib.contextmanager
def _patched(store: Store, ids: Iterable[str | None], network: bool, referring: bool) -> Iterator[None]:
    touched = at_most(ids, PATCH_MAX)
    with contextlib.ExitStack() as patches:
        if network:
            from graphcrm import projection

            patches.enter_context(projection.patching(store, touched))
        if referring:
            from graphcrm import referrals

            patches.enter_context(referrals.patching(store, touched))
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
