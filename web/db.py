"""The one place the viewer gets its database: a store opened with the app, closed at exit."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from graphcrm import finder
from graphcrm.store import Store, open_store


def init_app(app: Flask) -> None:
    """Open the store now (on the main thread, so the embedded server dies with us)."""
    store = open_store(app.config["DB"])
    app.extensions["graphcrm_store"] = store
    atexit.register(store.close)


def get_store() -> Store:
    """The app's store; thread-safe (the drivers pool their connections)."""
    return current_app.extensions["graphcrm_store"]


def warm(app: Flask) -> None:
    """Read, in the background, what search looks through (`graphcrm.finder`: 0.7 s at scale M),
    so that the viewer's first search answers as fast as the next. For a served viewer only:
    a test's app may close its store under the read."""
    store = app.extensions["graphcrm_store"]
    threading.Thread(target=_warm, args=(store,), name="graphcrm-search", daemon=True).start()


def _warm(store: Store) -> None:
    try:
        finder.warm(store)
    except Exception:  # shown by the first search instead, which reads it again
        return
