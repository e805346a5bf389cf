"""Errors a user can cause, and fix: the CLI and the viewer catch `UserError` and show its message.

Every other exception is a bug and stays one (a traceback in the CLI, a 500 in the viewer).
The kinds keep the builtin base that callers caught before (`LookupError`, `ValueError`).
This module imports no driver: the store's errors (`graphcrm.store.base`) derive from it.
"""


class UserError(Exception):
    """A mistake the user can fix; the message is one sentence with the place and the fix."""


class NotFound(UserError, LookupError):
    """An id the user gave that is not in the graph (the message names it)."""


class InvalidValue(UserError, ValueError):
    """A value the user gave that is not accepted: out of range, not one of the choices, or
    a setting that cannot be read (the message names it and says what is expected)."""


class Unavailable(UserError):
    """A database that cannot be reached or used; the message says what to check."""
