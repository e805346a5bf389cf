"""The `graphcrm` command: a thin shell over the library; every command takes `--db URL`.

A user's mistake (a bad file, an unreachable database) ends with a clear message on stderr and
exit status 2; a traceback means a bug.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graphcrm import demo, queries, textable
from graphcrm.export import export_to
from graphcrm.importer import ImportResult, InvalidInput, apply_plan, import_path
from graphcrm.linkedin import plan_linkedin
from graphcrm.store import Store, StoreError, open_store

EXIT_USER_ERROR = 2


class UserError(click.ClickException):
    """A mistake the user can fix: one line (or one per problem), exit status 2."""

    exit_code = EXIT_USER_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def with_store(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add `--db URL` to a command and hand it the opened store, closed afterwards."""

    @click.option(
        "--db",
        "db_url",
        metavar="URL",
        default=None,
        help="Database: a folder (embedded, default $GRAPHCRM_DB or ./graphcrm-data), "
        "falkordb://host:port, or neo4j:// / bolt:// (NEO4J_USERNAME/NEO4J_PASSWORD).",
    )
    @functools.wraps(command)
    def wrapper(db_url: str | None, **kwargs: Any) -> Any:
        try:
            store = open_store(db_url)
        except StoreError as exc:
            raise UserError(str(exc)) from exc
        try:
            return command(store, **kwargs)
        except StoreError as exc:
            raise UserError(str(exc)) from exc
        except InvalidInput as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise UserError(f"nothing was imported: {len(exc.problems)} problem(s) listed above") from exc
        finally:
            store.close()

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphcrm")
def main() -> None:
    """graphcrm: who knows whom, who decides, who blocks, who referred whom."""


@main.command()
@with_store
def init(store: Store) -> None:
    """Create the database (and its indexes) if it does not exist."""
    click.echo(f"database ready: {store.url} ({store.engine})")


@main.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_command(store: Store, path: Path, dry_run: bool) -> None:
    """Import a folder of CSV files, one CSV, an XLSX workbook, or a .jsonl export."""
    _report(import_path(store, path, dry_run=dry_run), path.name)


@main.command("import-linkedin")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--rep", "rep_id", required=True, metavar="REP_ID", help="The id of our rep whose export it is."
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_linkedin(store: Store, path: Path, rep_id: str, dry_run: bool) -> None:
    """Import LinkedIn's Connections.csv: people, their companies, and KNOWS ties from the rep."""
    plan, problems = plan_linkedin(store, path, rep_id)
    _report(apply_plan(store, plan, problems, dry_run=dry_run), path.name)


def _report(result: ImportResult, name: str) -> None:
    verb = "imported" if result.written else "would import (dry run, nothing written)"
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items())) or "nothing"
    click.echo(f"{name}: {verb}: {counts}")


@main.command("demo")
@with_store
def demo_command(store: Store) -> None:
    """Load every seed data set (APEX, Kissinger, Jinchang, Xuri, hidden decider)."""
    for name, result in demo.load_demo(store).items():
        _report(result, f"seeds/{name}")
    click.echo("")
    _print_stats(store)
    click.echo(
        "\nTry (after `. .venv/bin/activate`, or with .venv/bin/graphcrm):\n"
        "  graphcrm stats\n"
        "  graphcrm query 'MATCH (p:Person)-[:IN_COMMITTEE]->(o:Opportunity {id: $opp}) "
        "RETURN p.name AS name' --param opp=apex.opp-apex-mobile-office\n"
        "  graphcrm export --out graph.jsonl"
    )


@main.command()
@with_store
def stats(store: Store) -> None:
    """Counts of nodes by label and relationships by type."""
    _print_stats(store)


def _print_stats(store: Store) -> None:
    labels = [r for r in store.run("stats/labels") if r["label"] != "Node"]
    click.echo(f"database: {store.url} ({store.engine})")
    click.echo(textable.render(labels, ["label", "count"]))
    click.echo("")
    click.echo(textable.render(store.run("stats/relationships"), ["type", "count"]))
    click.echo("(KNOWS, ALLY, OPPOSES and KIN are stored once each way: a pair counts twice)")


@main.command()
@click.argument("name_or_file")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="K=V",
    help="A query parameter; V is read as JSON when it parses (numbers, lists), else text.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@with_store
def query(store: Store, name_or_file: str, params: tuple[str, ...], as_json: bool) -> None:
    """Run a Cypher file (or a query of cypher/ by name, or a query text) and print the rows."""
    text = _query_text(name_or_file, store.engine)
    values = dict(_parse_param(p) for p in params)
    try:
        rows = store.read(text, values)
    except StoreError:
        raise
    except Exception as exc:  # the engine's own error for a bad query: show it as one line
        raise UserError(f"the query failed: {' '.join(str(exc).split())}") from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(textable.render(rows))


def _query_text(name_or_file: str, engine: str) -> str:
    path = Path(name_or_file)
    if path.suffix == ".cypher" and path.is_file():
        return path.read_text(encoding="utf-8")
    try:
        return queries.load(name_or_file.removesuffix(".cypher"), engine)
    except FileNotFoundError:
        pass
    if " " in name_or_file.strip():
        return name_or_file
    raise UserError(
        f"no query file or named query {name_or_file!r} (expected a .cypher file, a name "
        f"under {queries.cypher_dir()}, or a Cypher text)"
    )


def _parse_param(text: str) -> tuple[str, Any]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UserError(f"--param {text!r}: expected K=V")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=None, help="File to write (default: stdout).")
@with_store
def export(store: Store, out: Path | None) -> None:
    """Write every node and relationship as JSON lines, which `import` accepts back."""
    if out is None:
        export_to(store, sys.stdout)
        return
    with out.open("w", encoding="utf-8") as handle:
        count = export_to(store, handle)
    click.echo(f"wrote {count} lines to {out}", err=True)
