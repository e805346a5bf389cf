"""Writes that keep the path search's network current, where this process keeps one.

A viewer keeps the network the warm-path search runs on (`graphcrm.projection`) and used to
read all of it again after every write: seconds at scale S under imports, a viewer's edit at
scale M cost the next question 7 s. A write that knows which people it touches wraps itself in
`paths_patched`: the network is then patched with those people's ties (`projection.patching`).
A process that never loaded the network (a command other than a question) has nothing to keep,
and does not import numpy for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext

from graphcrm.store import Store


def paths_patched(store: Store, people: Iterable[str | None]) -> AbstractContextManager[None]:
    """Around a write (the caller holds the write lock) that touches only `people` and their
    ties: the kept network patched after it, or nothing where none is kept."""
    projection = sys.modules.get("graphcrm.projection")
    if projection is None:
        return nullcontext()
    return projection.patching(store, {person for person in people if person})
