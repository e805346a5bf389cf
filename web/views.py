"""Small helpers the blueprints share: JSON twins of answers, and reading query parameters."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Response, jsonify, request

from graphcrm.errors import InvalidValue
from graphcrm.settings import Settings


def plain(value: Any) -> Any:
    """Dataclasses (and tuples of them) as JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def api(**answers: Any) -> Response:
    """The JSON twin of a page: the same answers it shows."""
    return jsonify({k: plain(v) for k, v in answers.items()})


def arg_int(name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]; a clear 400 otherwise."""
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidValue(f"{name} must be a whole number (got {raw!r})") from None
    if not low <= value <= high:
        raise InvalidValue(f"{name} must be from {low} to {high} (got {value})")
    return value


def arg_text(name: str) -> str | None:
    """A text query parameter, stripped; None when empty."""
    value = request.args.get(name, "").strip()
    return value or None


def settings() -> Settings:
    return Settings.from_env()
