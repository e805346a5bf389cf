"""One kind of user error: whatever a user can cause is a `UserError`, and only that is shown as
a message (CLI: `error: ...`, exit 2; viewer: 404, 400 or 503 with the message). Anything else
is a bug: a traceback in the CLI, a 500 without the stack trace in the viewer."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from graphcrm.web import NeedsLogin, create_app

import graphcrm
import graphcrm.cli
from graphcrm.errors import InvalidValue, NotFound, Unavailable, UserError
from graphcrm.ingest.fields import Invalid
from graphcrm.ingest.files import InvalidInput
from graphcrm.ingest.tabular import TableError
from graphcrm.privacy import NotAPerson
from graphcrm.store.base import BadParameter, QueryWrites, StoreError

INTERNAL = "The server encountered an internal error"


def _modules() -> Iterator[ModuleType]:
    """Every module of graphcrm and of its viewer (`graphcrm.web`, installed from web/)."""
    import graphcrm.web
    import graphcrm.web.blueprints

    for package in (graphcrm, graphcrm.web, graphcrm.web.blueprints):
        yield package
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name != "graphcrm.__main__":  # it runs the CLI
                yield importlib.import_module(info.name)


def test_every_exception_graphcrm_defines_is_a_user_error() -> None:
    defined = {
        cls
        for module in _modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Exception) and cls.__module__.startswith("graphcrm")
    }
    # the CLI's own click exception only shows a UserError: it is not raised by anything else
    public = {cls for cls in defined if not cls.__name__.startswith("_")}
    assert {NotFound, InvalidValue, Unavailable, StoreError, BadParameter, InvalidInput} <= public
    assert [cls.__qualname__ for cls in public if not issubclass(cls, UserError)] == []


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (NotFound, LookupError),
        (NotAPerson, LookupError),
        (InvalidValue, ValueError),
        (Invalid, ValueError),
        (BadParameter, ValueError),
        (QueryWrites, ValueError),
        (NeedsLogin, RuntimeError),
        (StoreError, Unavailable),
        (TableError, UserError),
        (InvalidInput, UserError),
    ],
)
def test_each_keeps_the_base_callers_catch(error: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(error, UserError) and issubclass(error, builtin)


# -- the viewer ---------------------------------------------------------------------------------


def _raise(error: Exception) -> Any:
    raise error


# a page and its /api twin for each, registered on the app before its first request
RAISED: dict[str, Exception] = {
    "bug": ValueError("a bug's own words"),
    "key-bug": KeyError("a missing key"),
    "not-found": NotFound("no widget with id 'w1'"),
    "invalid": InvalidValue("size must be from 1 to 9 (got 0)"),
    "unreachable": StoreError("cannot reach FalkorDB at falkordb://db:6379: check that it runs"),
    "bad-parameter": BadParameter("parameter $x: text with a NUL character"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp_path = tmp_path_factory.mktemp("errors")
    app = create_app({"DB": str(tmp_path / "db"), "TESTING": True, "UPLOAD_DIR": str(tmp_path / "uploads")})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as served: a bug is answered, not re-raised
    for name, error in RAISED.items():
        for prefix in ("", "/api"):
            app.add_url_rule(f"{prefix}/test/{name}", f"test{prefix}-{name}", lambda e=error: _raise(e))
    yield app
    app.extensions["graphcrm_store"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.mark.parametrize("name", ["bug", "key-bug"])
def test_a_bug_in_a_page_is_a_500_without_its_trace(client: FlaskClient, name: str) -> None:
    page = client.get(f"/test/{name}")
    text = page.get_data(as_text=True)
    assert page.status_code == 500 and INTERNAL in text
    assert "Traceback" not in text and "a bug" not in text and "missing key" not in text
    api = client.get(f"/api/test/{name}")
    assert api.status_code == 500 and api.get_json()["error"].startswith(INTERNAL)


@pytest.mark.parametrize(
    ("name", "status"),
    [("not-found", 404), ("invalid", 400), ("bad-parameter", 400), ("unreachable", 503)],
)
def test_a_user_error_is_its_status_with_its_message(client: FlaskClient, name: str, status: int) -> None:
    message = str(RAISED[name])
    api = client.get(f"/api/test/{name}")
    assert (api.status_code, api.get_json()) == (status, {"error": message})
    page = client.get(f"/test/{name}")
    assert page.status_code == status
    assert message.replace("'", "&#39;") in page.get_data(as_text=True)


def test_the_library_s_user_errors_reach_the_viewer(client: FlaskClient) -> None:
    missing = client.get("/api/people/nobody")
    assert (missing.status_code, missing.get_json()) == (404, {"error": "no person with id 'nobody'"})
    hops = client.get("/api/people/nobody?hops=3")
    assert (hops.status_code, hops.get_json()) == (400, {"error": "hops must be from 1 to 2 (got 3)"})


# -- the command line -----------------------------------------------------------------------------


def test_a_user_error_in_the_cli_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(graphcrm.cli.main, ["path", "nobody", "--db", str(tmp_path / "db")])
    assert (result.exit_code, result.output) == (2, "error: no person with id 'nobody'\n")


def test_a_bad_setting_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPHCRM_PARETO_SHARE", "2")
    result = CliRunner().invoke(graphcrm.cli.main, ["priority", "--db", str(tmp_path / "db")])
    assert result.exit_code == 2
    assert result.output == (
        "error: GRAPHCRM_PARETO_SHARE='2': expected a share above 0 and at most 1, e.g. 0.8\n"
    )


def test_the_viewer_s_user_error_ends_serve_as_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GRAPHCRM_PASSWORD_HASH", raising=False)
    result = CliRunner().invoke(graphcrm.cli.main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith("error: serving on 0.0.0.0 (beyond this machine) needs a login")


@pytest.mark.parametrize("bug", [ValueError("a bug"), KeyError("a bug"), RuntimeError("a bug")])
def test_a_bug_in_the_cli_is_not_swallowed(monkeypatch: pytest.MonkeyPatch, bug: Exception) -> None:
    def broken(url: str | None, **options: object) -> None:
        raise bug

    monkeypatch.setattr(graphcrm.cli, "open_store", broken)
    result = CliRunner().invoke(graphcrm.cli.main, ["stats"])
    assert result.exit_code == 1 and result.exception is bug
    assert "error:" not in result.output
