"""The one place the viewer gets its database: a store opened with the app, closed at exit."""

from __future__ import annotations

import atexit
import threading

from flask import Flask, current_app

from graphcrm import finder, kept
from graphcrm.store import Store, open_store


def init_app(app: Flask) -> None:
    """Open the store now (on the main thread, so the embedded server dies with us)."""
    store = open_store(app.config["DB"])
    app.extensions["graphcrm_store"] = store
    atexit.register(store.close)


def get_store() -> Store:
    """The app's store; thread-safe (the drivers pool their connections)."""
    return current_app.extensions["graphcrm_store"]


CATCH_UP_SECONDS = 2.0  # how often a served viewer looks whether another process wrote


def keep_current(app: Flask, every: float = CATCH_UP_SECONDS) -> threading.Event:
    """For a served viewer: read, in the background, what search looks through
    (`graphcrm.finder`: about a second at scale M), so that its first search answers as fast
    as the next; then, every `every` seconds, read again what the viewer keeps that another
    process's write left behind (`graphcrm.kept.catch_up`: one version query when nothing
    changed). Until the event returned is set (a served viewer never does: the thread ends
    with it)."""
    store = app.extensions["graphcrm_store"]
    stop = threading.Event()
    threading.Thread(
        target=_keep_current, args=(store, every, stop), name="graphcrm-current", daemon=True
    ).start()
    return stop


def _keep_current(store: Store, every: float, stop: threading.Event) -> None:
    read = False
    while not stop.is_set():
        try:
            if not read:  # not during a bulk import, whose records would not be kept
                read = finder.warm(store)
            kept.catch_up(store)
        except Exception:  # the next question reads it, and shows what went wrong
            pass
        stop.wait(every)
