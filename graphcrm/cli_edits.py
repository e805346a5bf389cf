"""The commands that record what a user learns (`person set`, `tie set`, `tie remove`, `contact`,
`seat`, `account set`, `opportunity set`) and `history`: thin shells over graphcrm.edits and
graphcrm.history, registered on the main group by `register`."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Add the edit and history commands to `main`."""
