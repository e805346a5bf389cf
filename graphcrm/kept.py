"""Writes that keep the path search's network current, where this process keeps one.

A viewer keeps the network the warm-path search runs on (`graphcrm.projection`) and used to
read all of it again after every write: seconds at scale S under imports, a viewer's edit at
scale M cost the next question 7 s. A write that knows which people it touches wraps itself in
`paths_patched`: the network is then patched with those people's ties (`projection.patching`).
The network kept beside an embedded database is patched too, by whatever process writes (an
import from the shell while a viewer runs): the viewer then loads the patched arrays instead of
reading them all again. A process with neither (no question asked, nothing kept beside the
database) does not import numpy for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from graphcrm.store import Store

ARRAYS = "paths-"  # the folders of the path search's arrays beside a database, one per version


def arrays_kept(store: Store) -> bool:
    """Whether the path search's arrays are kept beside the database (of any version)."""
    folder = store.cache_dir
    return folder is not None and folder.is_dir() and any(p.name.startswith(ARRAYS) for p in folder.iterdir())


def paths_patched(store: Store, people: Iterable[str | None]) -> AbstractContextManager[None]:
    """Around a write (the caller holds the write lock) that touches only `people` and their
    ties: the kept network patched after it, or nothing where none is kept."""
    if "graphcrm.projection" not in sys.modules and not arrays_kept(store):
        return nullcontext()
    from graphcrm import projection

    return projection.patching(store, people)
