"""The `graphcrm` command: a thin shell over the library; every command takes `--db URL`.

A user's mistake (a bad file, an unreachable database: any `graphcrm.errors.UserError`) ends
with a clear message on stderr and exit status 2, in one place (`_Commands.invoke`); any other
exception is a bug and stays a traceback.

Each question command parses its options, turns the names typed into ids
(`graphcrm.lookup`), asks the question's `answer` and prints its `as_text`, or the report as
JSON with `--json`. The library is imported inside the commands, so that `graphcrm --help`
does not load pandas, numpy or networkx.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphcrm import words
from graphcrm.errors import InvalidValue, UserError
from graphcrm.schema import STAGES

if TYPE_CHECKING:  # the library is imported by the commands that use it: `--help` stays fast
    from graphcrm.ingest.files import ImportResult
    from graphcrm.spreadsheet import SpreadsheetExport
    from graphcrm.store import Store

EXIT_USER_ERROR = 2


class _Failure(click.ClickException):
    """How a `UserError` ends a command: `error: MESSAGE` on stderr, exit status 2."""

    exit_code = EXIT_USER_ERROR

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class _Commands(click.Group):
    """The command group: the one place a `UserError` becomes a message; a bug stays a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise _Failure(_message(exc)) from exc


def _message(error: UserError) -> str:
    """The line that ends the command; an import's problems are printed before it, one a line."""
    files = sys.modules.get("graphcrm.ingest.files")  # not loaded: the error is no InvalidInput
    if files is not None and isinstance(error, files.InvalidInput):
        for problem in error.problems:
            click.echo(problem, err=True)
        return f"nothing was imported: {len(error.problems)} problem(s) listed above"
    return str(error)


def _linger() -> float:
    """How long an embedded database's server stays up after a command (GRAPHCRM_KEEP_SERVER,
    seconds, default 600; 0: it stops with the command), so the next one finds it loaded."""
    text = os.environ.get("GRAPHCRM_KEEP_SERVER", "600")
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < 86_400 * 365:
        raise InvalidValue(f"GRAPHCRM_KEEP_SERVER={text!r}: expected a number of seconds, 0 or more")
    return seconds


def open_store(url: str | None, **options: Any) -> Store:
    """`graphcrm.store.open_store`, imported when a command runs (tests replace this function)."""
    from graphcrm.store import open_store as open_it

    return open_it(url, **options)


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
        store = open_store(db_url, linger=_linger())
        try:
            return command(store, **kwargs)
        finally:
            store.close()

    return wrapper


class FilePath(click.Path):
    """A path option: click's own, but a NUL character in it is a usage error rather than the
    ValueError that click's check of the path lets through (a traceback)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if "\x00" in str(value):
            self.fail("a NUL character in the path: expected a file or folder name", param, ctx)
        return super().convert(value, param, ctx)


FILE_PATH = FilePath(path_type=Path)


class Days(click.FloatRange):
    """A number of days above 0 and at most a century: click's range, NaN refused too."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        days = super().convert(value, param, ctx)
        if math.isnan(days):
            self.fail(f"{value!r} is not a number of days", param, ctx)
        return days


DAYS = Days(0, 36_500, min_open=True)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphcrm")
def main() -> None:
    """graphcrm: who knows whom, who decides, who blocks, who referred whom."""


@main.command()
@with_store
def init(store: Store) -> None:
    """Create the database (and its indexes) if it does not exist."""
    click.echo(f"database ready: {store.url} ({store.engine})")


STAGE_MAP = click.option(
    "--stage-map",
    type=FILE_PATH,
    help="A CSV with columns crm_stage, stage: your pipeline's stages as buying stages.",
)


@main.command("import")
@click.argument("path", type=FILE_PATH)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@STAGE_MAP
@with_store
def import_command(store: Store, path: Path, dry_run: bool, stage_map: Path | None) -> None:
    """Import a folder of CSV files, one CSV, an XLSX workbook, or a .jsonl export."""
    from graphcrm.ingest.files import import_path

    _report(import_path(store, path, dry_run=dry_run, stage_map=stage_map), path.name)


@main.command("import-linkedin")
@click.argument("path", type=FILE_PATH)
@click.option(
    "--rep", "rep_id", required=True, metavar="REP_ID", help="The id of our rep whose export it is."
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_linkedin(store: Store, path: Path, rep_id: str, dry_run: bool) -> None:
    """Import LinkedIn's Connections.csv: people, their companies, and KNOWS ties from the rep."""
    from graphcrm.ingest.files import apply_plan
    from graphcrm.ingest.linkedin import plan_linkedin

    plan, problems = plan_linkedin(store, path, rep_id)
    _report(apply_plan(store, plan, problems, dry_run=dry_run), path.name)


@main.command("import-contacts")
@click.argument("path", type=FILE_PATH)
@click.option(
    "--rep", "rep_id", required=True, metavar="REP_ID", help="The id of our rep whose address book it is."
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_contacts_command(store: Store, path: Path, rep_id: str, dry_run: bool) -> None:
    """Import an address book (a vCard .vcf file or Google Contacts' CSV export): people, their
    organisations, KNOWS ties from the rep, and the relations between the contacts."""
    from graphcrm.ingest.contacts import import_contacts

    _report(import_contacts(store, path, rep_id, dry_run=dry_run), path.name)


@main.command("import-salesforce")
@click.argument("folder", type=FILE_PATH)
@STAGE_MAP
@click.option(
    "--roles",
    "role_map",
    type=FILE_PATH,
    help="A CSV with columns crm_role, role: your contact roles as D, E, S, U (empty: a seat with no role).",
)
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_salesforce(
    store: Store, folder: Path, stage_map: Path | None, role_map: Path | None, dry_run: bool
) -> None:
    """Import a Salesforce export folder: accounts, contacts and their managers, opportunities
    with their contact roles, and our users as reps."""
    from graphcrm.ingest.files import apply_plan
    from graphcrm.ingest.salesforce import plan_salesforce

    plan, problems = plan_salesforce(store, folder, stage_map=stage_map, role_map=role_map)
    _report(apply_plan(store, plan, problems, dry_run=dry_run), folder.name or folder.resolve().name)


@main.command("import-interactions")
@click.argument("files", nargs=-1, required=True, type=FILE_PATH)
@click.option(
    "--rep",
    "rep_id",
    required=True,
    metavar="REP_ID",
    help="The id of our rep whose mailbox and calendar these are.",
)
@click.option(
    "--me",
    multiple=True,
    metavar="ADDRESS",
    help="An address the rep writes from besides their e-mail in the graph (repeat for each).",
)
@click.option("--dry-run", is_flag=True, help="Check and count, write nothing (counts only, no addresses).")
@with_store
def import_interactions_command(
    store: Store, files: tuple[Path, ...], rep_id: str, me: tuple[str, ...], dry_run: bool
) -> None:
    """Who writes to and meets whom, from the headers of .mbox files and .ics calendars: KNOWS
    ties between people already in the graph. Subjects and bodies are never read; the addresses
    of anyone else are dropped, never stored."""
    from graphcrm.ingest.interactions import as_text as interactions_text
    from graphcrm.ingest.interactions import import_interactions

    click.echo(interactions_text(import_interactions(store, list(files), rep_id, me, dry_run=dry_run)))


@main.command("import-hubspot")
@click.argument("path", type=FILE_PATH)
@STAGE_MAP
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@with_store
def import_hubspot(store: Store, path: Path, stage_map: Path | None, dry_run: bool) -> None:
    """Import HubSpot's export of companies, contacts and deals (CSV or XLSX files in a folder)."""
    from graphcrm.ingest.files import apply_plan
    from graphcrm.ingest.hubspot import plan_hubspot

    plan, problems = plan_hubspot(store, path, stage_map=stage_map)
    _report(apply_plan(store, plan, problems, dry_run=dry_run), path.name or path.resolve().name)


def _report(result: ImportResult, name: str) -> None:
    verb = "imported" if result.written else "would import (dry run, nothing written)"
    click.echo(f"{name}: {verb}: {words.imported(result.counts, result.unchanged)}")


@main.command("demo")
@with_store
def demo_command(store: Store) -> None:
    """Load every seed data set (APEX, Kissinger, Jinchang, Xuri, hidden decider)."""
    from graphcrm import demo

    for name, result in demo.load_demo(store).items():
        _report(result, f"seeds/{name}")
    click.echo("")
    from graphcrm import stats as counts

    click.echo(counts.as_text(counts.answer(store)))
    click.echo(
        "\nTry (after `. .venv/bin/activate`, or with .venv/bin/graphcrm):\n"
        "  graphcrm stats\n"
        "  graphcrm query 'MATCH (p:Person)-[:IN_COMMITTEE]->(o:Opportunity {id: $opp}) "
        "RETURN p.name AS name' --param opp=apex.opp-apex-mobile-office\n"
        "  graphcrm export --out graph.jsonl"
    )


@main.command()
@json_option
@with_store
def stats(store: Store, as_json: bool) -> None:
    """What the database holds: people, accounts, opportunities and ties, counted."""
    from graphcrm import stats as counts

    _emit(counts.answer(store), as_json, counts.as_text)


@main.command()
@click.argument("name_or_file")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="K=V",
    help="A query parameter; V is read as JSON when it parses (numbers, lists), else text.",
)
@click.option(
    "--write",
    "writes",
    is_flag=True,
    help="Let the query write: it runs as one write batch, so the graph version goes up and "
    "every reader (the viewer, path data) sees the change. Its rows are not printed.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@with_store
def query(store: Store, name_or_file: str, params: tuple[str, ...], writes: bool, as_json: bool) -> None:
    """Run a Cypher file (or a query of cypher/ by name, or a query text) and print the rows.

    Read-only unless --write: the database refuses a query that would write, and nothing changes.
    Values reach the query only as parameters ($name), never pasted into its text."""
    from graphcrm import textable
    from graphcrm.store.base import QueryWrites

    text = _query_text(name_or_file, store.engine)
    values: dict[str, Any] = {}
    for raw in params:
        key, value = _parse_param(raw)
        if key in values:
            raise UserError(f"--param {key}: given twice")
        values[key] = value
    try:
        if writes:
            store.write([(text, values)])
        else:
            rows = store.read_only(text, values)
    except QueryWrites as exc:
        raise UserError("the query writes, and nothing was changed: add --write to let it write") from exc
    except UserError:
        raise
    except Exception as exc:  # the engine's own error for a bad query: show it as one line
        raise UserError(f"the query failed: {' '.join(str(exc).split())}") from exc
    if writes:
        version = store.version()[1]
        if as_json:
            click.echo(json.dumps({"written": True, "graph_version": version}))
        else:
            click.echo(f"written as one batch; the graph version is now {version}")
    elif as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(textable.render(rows))


def _query_text(name_or_file: str, engine: str) -> str:
    from graphcrm import queries
    from graphcrm.ingest.tabular import clip

    path = Path(name_or_file)
    if path.suffix == ".cypher" and path.is_file():
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read {name_or_file}: {exc} (expected a UTF-8 text file)") from exc
    try:
        return queries.load(name_or_file.removesuffix(".cypher"), engine)
    except (OSError, ValueError):  # not a name (too long for a file name, or holding a NUL)
        pass
    if len(name_or_file.split()) > 1:
        return name_or_file
    raise UserError(
        f"no query file or named query {clip(name_or_file)!r} (expected a .cypher file, a name "
        f"under {queries.cypher_dir()}, or a Cypher text)"
    )


def _parse_param(text: str) -> tuple[str, Any]:
    """`K=V`: K a plain name (it is written into the engine's parameter header), V JSON or text."""
    from graphcrm.ingest.tabular import clip

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UserError(f"--param {clip(text)!r}: expected K=V")
    if not (key.isascii() and key.isidentifier()):
        raise UserError(
            f"--param {clip(text)!r}: the name {clip(key)!r} is not a plain name "
            "(expected ASCII letters, digits and _, not starting with a digit)"
        )
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


@main.command()
@click.option(
    "--out",
    type=FILE_PATH,
    default=None,
    help="File to write (default: stdout); a folder for --format csv, a .xlsx file for --format xlsx.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "xlsx"]),
    default=None,
    help="jsonl (default): every node and relationship, the exact backup; csv: the six import "
    "files in a folder; xlsx: one workbook with those sheets (both open safely in Excel).",
)
@click.option("--person", "person_id", metavar="ID", help="Everything held on this one person, as JSON.")
@with_store
def export(store: Store, out: Path | None, fmt: str | None, person_id: str | None) -> None:
    """Write the graph (JSON lines, which `import` accepts back), the import files, or one person."""
    from graphcrm.export import export_to, person_json
    from graphcrm.ingest.tabular import unopenable

    if out is not None and (problem := unopenable(out)):
        raise UserError(f"--out: {problem}")
    if person_id is not None:
        if fmt is not None:
            raise UserError("--person writes the person's record as JSON: leave out --format")
        text = person_json(store, person_id)
        if out is None:
            click.echo(text, nl=False)
        else:
            _write_text(out, text)
            click.echo(f"wrote everything held on {person_id} to {out}", err=True)
        return
    if fmt in ("csv", "xlsx"):
        _export_spreadsheet(store, fmt, out)
        return
    if out is None:
        export_to(store, sys.stdout)
        return
    try:
        with out.open("w", encoding="utf-8") as handle:
            count = export_to(store, handle)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc
    click.echo(f"wrote {count} lines to {out}", err=True)


def _write_text(out: Path, text: str) -> None:
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc


def _export_spreadsheet(store: Store, fmt: str, out: Path | None) -> None:
    """`export --format csv|xlsx`: the six import files, and what they could not hold."""
    from graphcrm.spreadsheet import export_csv, export_xlsx

    if fmt == "csv" and (out is None or (out.exists() and not out.is_dir())):
        raise UserError("--format csv writes six CSV files into a folder: give it with --out FOLDER")
    if fmt == "xlsx" and (out is None or out.suffix.lower() != ".xlsx" or out.is_dir()):
        raise UserError("--format xlsx writes one workbook: give it with --out FILE.xlsx")
    assert out is not None
    try:
        result: SpreadsheetExport = export_csv(store, out) if fmt == "csv" else export_xlsx(store, out)
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc
    rows = ", ".join(f"{name} {count}" for name, count in result.rows.items())
    click.echo(f"wrote {out} ({fmt}): rows {rows}", err=True)
    if result.left_out:
        left = ", ".join(f"{what} ({count})" for what, count in result.left_out.items())
        click.echo(
            f"left out, having no import column: {left}; `graphcrm export` (JSON lines) keeps everything",
            err=True,
        )
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


# -- the questions ---------------------------------------------------------------------------------


def _emit(report: Any, as_json: bool, text: Callable[[Any], str]) -> None:
    """The report as JSON (dataclasses as objects), or as readable text."""
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        click.echo(text(report))


@main.command()
@click.argument("target")
@click.option("--from", "source", metavar="PERSON", help="Start from this person (default: any of our reps).")
@click.option("--k", default=3, show_default=True, type=click.IntRange(1, 50), help="How many paths.")
@click.option("--max-hops", default=5, show_default=True, type=click.IntRange(1, 6), help="Longest path.")
@click.option("--strict", is_flag=True, help="Avoid people tied to a competitor instead of flagging them.")
@click.option(
    "--half-life",
    type=DAYS,
    help="Days for a tie's warmth to halve (default 365).",
)
@json_option
@with_store
def path(
    store: Store,
    target: str,
    source: str | None,
    k: int,
    max_hops: int,
    strict: bool,
    half_life: float | None,
    as_json: bool,
) -> None:
    """Who can introduce me to TARGET (a name, email, pinyin spelling or id): the warmest paths
    from our team, hop by hop."""
    from graphcrm import lookup, paths
    from graphcrm.settings import Settings

    settings = Settings.from_env(half_life_days=half_life)
    report = paths.answer(
        store,
        lookup.one(store, target),
        source=lookup.optional(store, source),
        k=k,
        max_hops=max_hops,
        strict=strict,
        settings=settings,
    )
    _emit(report, as_json, paths.as_text)


@main.command()
@click.argument("target")
@click.option("--from", "source", metavar="PERSON", help="Start from this person (default: any of our reps).")
@click.option("--k", default=3, show_default=True, type=click.IntRange(1, 50), help="How many chains.")
@json_option
@with_store
def chain(store: Store, target: str, source: str | None, k: int, as_json: bool) -> None:
    """Chains of asks that win TARGET's yes (a person's name, email, pinyin spelling or id):
    through whom they listen to, or a broker's asks."""
    from graphcrm import chains, lookup
    from graphcrm.settings import Settings

    settings = Settings.from_env()
    report = chains.answer(
        store, lookup.one(store, target), source=lookup.optional(store, source), k=k, settings=settings
    )
    _emit(report, as_json, chains.as_text)


@main.command("brokers")
@click.option(
    "--among",
    metavar="PERSON,PERSON,...",
    help="The parties to connect: names, emails or ids, comma-separated.",
)
@click.option("--opportunity", metavar="OPPORTUNITY", help="The parties: this opportunity's committee.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10_000))
@json_option
@with_store
def brokers_command(
    store: Store, among: str | None, opportunity: str | None, limit: int, as_json: bool
) -> None:
    """People who alone connect parties that do not know each other (structural holes)."""
    from graphcrm import brokers, lookup

    parties = lookup.several(store, lookup.split(among))
    deal = lookup.optional(store, opportunity, "opportunity")
    _emit(brokers.answer(store, among=parties, opportunity=deal, limit=limit), as_json, brokers.as_text)


@main.command("committee")
@click.argument("opportunity")
@click.option("--stage", type=click.Choice(list(STAGES)), help="Weigh by influence in this buying stage.")
@json_option
@with_store
def committee_command(store: Store, opportunity: str, stage: str | None, as_json: bool) -> None:
    """The buying committee of OPPORTUNITY (its name or id): roles, stances, blocs, support per
    stage, coverage, risks, next contacts."""
    from graphcrm import committee, lookup
    from graphcrm.settings import Settings

    settings = Settings.from_env()
    deal = lookup.one(store, opportunity, "opportunity")
    _emit(committee.answer(store, deal, stage=stage, settings=settings), as_json, committee.as_text)


@main.command("influencers")
@click.argument("account")
@json_option
@with_store
def influencers_command(store: Store, account: str, as_json: bool) -> None:
    """Who really decides at ACCOUNT (its name or id): hidden influencers, gatekeepers,
    figureheads, with reasons."""
    from graphcrm import influencers, lookup

    _emit(influencers.answer(store, lookup.one(store, account, "account")), as_json, influencers.as_text)


@main.command("referrals")
@click.option(
    "--from", "root", metavar="ACCOUNT", help="One account's cascade (default: every won account's)."
)
@json_option
@with_store
def referrals_command(store: Store, root: str | None, as_json: bool) -> None:
    """How referrals spread from won accounts: generations, reach, value, conversion, best referrers."""
    from graphcrm import lookup, referrals

    _emit(referrals.answer(store, lookup.optional(store, root, "account")), as_json, referrals.as_text)


@main.command("priority")
@json_option
@with_store
def priority_command(store: Store, as_json: bool) -> None:
    """Account priority: A+/A/B/C from existing revenue × potential (seed 001), and the 80/20 line."""
    from graphcrm import priority
    from graphcrm.settings import Settings

    _emit(priority.answer(store, settings=Settings.from_env()), as_json, priority.as_text)


@main.command("next")
@click.option("--rep", metavar="REP", help="One of our reps (name, email or id); default: the whole team.")
@json_option
@with_store
def next_command(store: Store, rep: str | None, as_json: bool) -> None:
    """My next steps across the open opportunities: whom to win next and the first ask, who no
    one reaches yet, ties going cold with the people who matter, introductions asked."""
    from graphcrm import next_steps
    from graphcrm.settings import Settings

    _emit(next_steps.answer(store, rep=rep, settings=Settings.from_env()), as_json, next_steps.as_text)


@main.group("intro")
def intro() -> None:
    """Ask for an introduction along a warm path, and record the answer."""


@intro.command("ask")
@click.argument("target")
@click.option("--from", "source", metavar="REP", help="Start from this rep (default: any of our reps).")
@click.option(
    "--path", "number", default=1, show_default=True, type=click.IntRange(1, 10), help="Which path."
)
@click.option("--about", help="Why you want to meet them (the opportunity, say).")
@click.option("--record", is_flag=True, help="Record the ask as sent (default: only print the draft).")
@with_store
def intro_ask(
    store: Store, target: str, source: str | None, number: int, about: str | None, record: bool
) -> None:
    """Draft the first ask of the warmest path (or path --path N) to TARGET; with --record, keep it
    as asked until you record the answer."""
    from graphcrm import intros, lookup, paths
    from graphcrm.settings import Settings

    target_id, source_id = lookup.one(store, target), lookup.optional(store, source)
    found = paths.answer(store, target_id, source=source_id, k=max(number, 3), settings=Settings.from_env())
    if number > len(found.paths):
        raise InvalidValue(f"--path {number}: there are {len(found.paths)} warm paths to {found.target.name}")
    draft = intros.draft(found.paths[number - 1], about=about)
    click.echo(f"To {draft.via_name}:\n\n{draft.text}")
    if record:
        click.echo(f"\nrecorded: {intros.ask(store, draft).id}")


@intro.command("list")
@click.option("--status", type=click.Choice(["asked", "introduced", "declined"]), help="Only these.")
@with_store
def intro_list(store: Store, status: str | None) -> None:
    """The introductions asked, newest first."""
    from graphcrm import intros

    click.echo(intros.as_text(intros.asks(store, status=status)))


@intro.command("answer")
@click.argument("ask_id", metavar="ASK")
@click.argument("status", type=click.Choice(["introduced", "declined", "asked"]))
@with_store
def intro_answer(store: Store, ask_id: str, status: str) -> None:
    """Record the answer to ask ASK (its id, from `graphcrm intro list`); introduced: you have met
    the person, logged as a meeting."""
    from graphcrm import intros

    click.echo(intros.as_text((intros.set_status(store, ask_id, status),)))


@main.command("checksum")
@json_option
@with_store
def checksum_command(store: Store, as_json: bool) -> None:
    """Counts by label and type, and the sha256 of the export: equal graphs, equal checksums
    (to check that a backup was restored exactly, on any backend)."""
    from graphcrm.export import checksum

    def text(r: Any) -> str:
        labels = ", ".join(f"{k} {v}" for k, v in r.labels.items()) or "none"
        types = ", ".join(f"{k} {v}" for k, v in r.types.items()) or "none"
        return "\n".join(
            [
                f"database: {store.url} ({store.engine})",
                f"nodes: {labels}",
                f"relationships: {types}",
                f"export lines: {r.lines}",
                f"sha256:{r.sha256}",
            ]
        )

    _emit(checksum(store), as_json, text)


@main.command("forget")
@click.argument("person_id")
@click.option("--dry-run", is_flag=True, help="Show what would be removed; change nothing.")
@json_option
@with_store
def forget_command(store: Store, person_id: str, dry_run: bool, as_json: bool) -> None:
    """Erase a person: the node, every tie, committee seat and referral attribution, and
    (embedded database) the old writes holding their data, from disk."""
    from graphcrm.privacy import forget, forget_text

    _emit(forget(store, person_id, dry_run=dry_run), as_json, forget_text)


@main.command()
@click.option("--db", "db_url", metavar="URL", default=None, help="Database (as for every command).")
def stop(db_url: str | None) -> None:
    """Stop the embedded database's server kept running after the last command
    (GRAPHCRM_KEEP_SERVER seconds, default 600), which otherwise stops when left idle that long."""
    from graphcrm.store import default_url
    from graphcrm.store.keeper import stop as stop_keeper

    target = db_url or default_url()
    if "://" in target and not target.startswith("file:"):
        raise InvalidValue(f"--db {target}: only an embedded database (a folder) has a server to stop")
    click.echo(stop_keeper(Path(target.removeprefix("file://").removeprefix("file:"))))


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on; any but loopback requires GRAPHCRM_PASSWORD_HASH (a login).",
)
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535))
@click.option("--db", "db_url", metavar="URL", default=None, help="Database (as for every command).")
@click.option("--threads", default=8, show_default=True, help="Requests served at once.")
def serve(host: str, port: int, db_url: str | None, threads: int) -> None:
    """Start the viewer (waitress), on 127.0.0.1 unless told otherwise."""
    import ipaddress

    import waitress

    from graphcrm.web import create_app

    try:  # an IPv4-mapped address (::ffff:127.0.0.1) is its IPv4 address: waitress binds that
        mapped = ipaddress.IPv6Address(host).ipv4_mapped
    except ValueError:
        mapped = None
    bind = str(mapped) if mapped else host
    app = create_app({"DB": db_url, "HOST": host})
    from graphcrm.web import db

    db.keep_current(app)
    shown = f"[{bind}]" if ":" in bind else bind
    click.echo(f"graphcrm viewer on http://{shown}:{port}/ (Ctrl+C to stop)")
    # waitress reads a whole request before Flask sees it, by default up to 1 GB: let Flask
    # answer an upload over its limit with a page (413), and waitress cut off anything far over
    limit = 4 * app.config["MAX_CONTENT_LENGTH"]
    try:
        waitress.serve(
            app, host=bind, port=port, threads=threads, ident="graphcrm", max_request_body_size=limit
        )
    except OSError as exc:  # binding: the port is taken, the address is not this machine's
        reason = (exc.strerror or str(exc)).lower()
        raise UserError(f"cannot serve on {shown}:{port}: {reason}") from exc


@main.command("hash-password")
@click.password_option(prompt="Password for the viewer")
def hash_password(password: str) -> None:
    """Print a hash to put in GRAPHCRM_PASSWORD_HASH, for serving beyond this machine."""
    from werkzeug.security import generate_password_hash

    click.echo(generate_password_hash(password))


# The edit and history commands live in their own module (graphcrm/cli_edits.py).
from graphcrm.cli_edits import register as _register_edits  # noqa: E402

_register_edits(main)
