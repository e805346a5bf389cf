"""Errors the analyses raise for a user's mistake; the CLI and the viewer show their message."""


class NotFound(LookupError):
    """An id the user gave that is not in the graph (the message names it)."""
