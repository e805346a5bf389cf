"""The one place the viewer gets its database: a store opened with the app, closed at exit."""

from __future__ import annotations

import atexit

from flask import Flask, current_app

from graphcrm.store import Store, open_store


def init_app(app: Flask) -> None:
    """Open the store now (on the main thread, so the embedded server dies with us)."""
    store = open_store(app.config["DB"])
    app.extensions["graphcrm_store"] = store
    atexit.register(store.close)


def get_store() -> Store:
    """The app's store; thread-safe (the drivers pool their connections)."""
    return current_app.extensions["graphcrm_store"]
