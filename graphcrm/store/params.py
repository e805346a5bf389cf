"""What a query parameter may hold: one rule for every engine.

A parameter is where a user's value meets Cypher, so a value the engines cannot store exactly is
refused (`BadParameter`, naming the parameter) instead of being changed: a parameter name that is
not a plain name, text holding a NUL character (FalkorDB cannot parse it), a whole number beyond
64 bits (FalkorDB clamps it, Neo4j's driver fails), NaN or an infinity, a map key that is empty or
holds a backtick or NUL, and any value other than text, numbers, booleans, null, lists and maps.
Neo4j could take some of these; it is refused them too, so that both engines give the same answer.
Look-alikes (numpy scalars, IntEnum, tuples, Mappings) are sent as the plain value they stand for.

FalkorDB's backend writes the values into the query text itself, checking as it goes
(`graphcrm.store.falkordb.params_header`, with the messages below); `plain_params` checks and
converts for a driver that takes parameters as values (Neo4j).
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

from graphcrm.store.base import BadParameter

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
INT_LIMIT = 2**63
_SCALARS = frozenset({bool, type(None)})


def check_name(key: Any) -> str:
    """A parameter's name, if it is a plain name."""
    if type(key) is not str or not NAME.fullmatch(key):
        raise BadParameter(
            f"parameter name {key!r}: expected a plain name (ASCII letters, digits and _, "
            "not starting with a digit)"
        )
    return key


def nul_text() -> BadParameter:
    return BadParameter("text with a NUL character (\\0): FalkorDB cannot take it")


def too_big(value: int) -> BadParameter:
    return BadParameter(
        f"a whole number of {value.bit_length()} bits: graphcrm holds whole numbers from -2^63 to 2^63-1"
    )


def not_finite(value: float) -> BadParameter:
    return BadParameter(f"{value} is not a finite number")


def check_keys(value: Mapping[Any, Any]) -> None:
    """Every key of a map is non-empty text without a backtick or NUL."""
    for key in value:
        if type(key) is not str or not key or "`" in key or "\x00" in key:
            raise BadParameter(
                f"map key {key!r}: expected non-empty text without a backtick or NUL character"
            )


def plain_kind(value: Any) -> Any:
    """A subclass or look-alike (numpy scalar, IntEnum, Mapping) as the plain value it stands for."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list | tuple):
        return list(value)
    raise BadParameter(
        f"cannot send a {type(value).__name__} value (expected text, a number, true/false, null, "
        "a list or a map)"
    )


def plain_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parameters checked by the rule above, as plain values."""
    if not params:
        return {}
    out = {}
    for key, value in params.items():
        check_name(key)
        try:
            out[key] = _plain(value)
        except BadParameter as exc:
            raise BadParameter(f"parameter ${key}: {exc}") from None
    return out


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise nul_text()
        return value
    if kind in _SCALARS:
        return value
    if kind is int:
        if -INT_LIMIT <= value < INT_LIMIT:
            return value
        raise too_big(value)
    if kind is float:
        if value - value == 0.0:  # finite: NaN and infinities give NaN
            return value
        raise not_finite(value)
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is dict:
        check_keys(value)
        return {k: _plain(v) for k, v in value.items()}
    return _plain(plain_kind(value))
