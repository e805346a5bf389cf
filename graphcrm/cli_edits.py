"""The commands that record what a user learns (`person set`, `tie set`, `tie remove`, `contact`,
`seat`, `account set`, `opportunity set`) and `history`: thin shells over graphcrm.edits and
graphcrm.history, registered on the main group by `register`.

Wherever a command takes a person, account or opportunity, a unique name or email works as well
as an id. An option left out leaves its field as it is; an empty value (`--title ""`) clears it.
Each prints what changed (or that nothing did); the change is recorded in the history as done by
the OS user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from graphcrm.schema import CONTACT_WEIGHTS

if TYPE_CHECKING:  # the library is imported when a command runs: `graphcrm --help` stays fast
    from graphcrm import edits
    from graphcrm.store import Store


def _store_command(command: Any) -> Any:
    from graphcrm.cli import with_store  # cli imports this module at its end

    return with_store(command)


def _show(edit: edits.Edit) -> None:
    from graphcrm import edits

    click.echo(edits.as_text(edit))


def register(main: click.Group) -> None:
    """Add the edit and history commands to `main`."""

    @main.group("person")
    def person() -> None:
        """Add or correct a person."""

    @person.command("set")
    @click.argument("person_id", metavar="ID")
    @click.option("--name", help="Their name (required to add a new person).")
    @click.option("--org", help='The account or organisation they work at (name or id; "" for none).')
    @click.option("--title")
    @click.option("--department")
    @click.option("--rank", help="Level in the org chart: 1 is the top.")
    @click.option("--email")
    @click.option("--phone")
    @click.option("--birthday", help="YYYY-MM-DD.")
    @click.option("--hobbies")
    @click.option("--channels", help="Influence channels, separated by ';' (e.g. \"trade press;live demo\").")
    @click.option("--notes")
    @_store_command
    def person_set(store: Store, person_id: str, **values: str | None) -> None:
        """Correct the person ID (an id, name or email), or add one: give a new id with --name.

        Example: graphcrm person set 陈虹 --title "CIO"; graphcrm person set apex.zhao-xin --name
        "赵新 Zhao Xin" --org APEX."""
        from graphcrm import edits

        _show(edits.set_person(store, person_id, **values))

    @main.group("tie")
    def tie() -> None:
        """Add, change or remove a tie between two people."""

    type_help = (
        "KNOWS, ALLY, OPPOSES, KIN, INFLUENCES, REPORTS_TO, TIED_TO, or in words: knows, "
        "reports to, manages, influences, listens to (A listens to B: B influences A), family, ally, opposes."
    )

    @tie.command("set")
    @click.argument("a")
    @click.argument("b")
    @click.option("--type", "tie_type", required=True, help=type_help)
    @click.option("--strength", help="0 to 1 (weak below 0.2, strong from 0.5).")
    @click.option("--context", help="How they know each other; for TIED_TO, the kind of tie.")
    @_store_command
    def tie_set(
        store: Store, a: str, b: str, tie_type: str, strength: str | None, context: str | None
    ) -> None:
        """Add or change the tie from person A to person B (names, emails or ids); a symmetric
        tie (knows, ally, opposes, family) goes both ways. A new tie without --strength gets 0.5."""
        from graphcrm import edits

        _show(edits.set_tie(store, a, b, tie_type, strength=strength, context=context))

    @tie.command("remove")
    @click.argument("a")
    @click.argument("b")
    @click.option("--type", "tie_type", required=True, help=type_help)
    @_store_command
    def tie_remove(store: Store, a: str, b: str, tie_type: str) -> None:
        """Remove the tie of that type from person A to person B."""
        from graphcrm import edits

        _show(edits.remove_tie(store, a, b, tie_type))

    weights = ", ".join(f"{k} {v:g}" for k, v in CONTACT_WEIGHTS.items())

    @main.command(
        "contact",
        help=f"""Log a contact between people A and B (names, emails or ids).

    Sets the date as their KNOWS tie's last contact and strengthens the tie (created when there
    was none, from 0): strength ← s + (1 − s)·w, w by kind: {weights}.""",
    )
    @click.argument("a")
    @click.argument("b")
    @click.option("--date", help="YYYY-MM-DD (default: today).")
    @click.option("--kind", help=f"{', '.join(CONTACT_WEIGHTS)} (default: meeting).")
    @click.option("--note", help="What was said or learnt.")
    @_store_command
    def contact(store: Store, a: str, b: str, date: str | None, kind: str | None, note: str | None) -> None:
        from graphcrm import edits

        _show(edits.log_contact(store, a, b, date=date, kind=kind, note=note))

    @main.command("seat")
    @click.argument("opportunity", metavar="OPP")
    @click.argument("person", metavar="PERSON")
    @click.option("--roles", help="D decider, E evaluator, S screener, U user; separated by ';' (e.g. D;E).")
    @click.option("--attitude", help="A active, P passive, R resistant.")
    @click.option("--stance", help="champion, supporter, neutral, enemy or blocker.")
    @click.option("--influence", help="Overall influence, percent (0 to 100).")
    @click.option(
        "--stage-influence",
        help="Percent per buying stage, e.g. need=30;decide=20 (stages: need, priority, urgency, "
        "specification, consult, proposals, evaluate, negotiate, decide).",
    )
    @_store_command
    def seat(store: Store, opportunity: str, person: str, **values: str | None) -> None:
        """Set PERSON's seat on the buying committee of OPP (added when missing)."""
        from graphcrm import edits

        _show(edits.set_seat(store, opportunity, person, **values))

    @main.group("account")
    def account() -> None:
        """Mark an account's tier and status."""

    @account.command("set")
    @click.argument("account_id", metavar="ACCOUNT")
    @click.option("--tier", help="A+, A, B or C.")
    @click.option("--status", help="prospect, active, won or lost.")
    @_store_command
    def account_set(store: Store, account_id: str, tier: str | None, status: str | None) -> None:
        """Set the tier or status of ACCOUNT (a name or id)."""
        from graphcrm import edits

        _show(edits.set_account(store, account_id, tier=tier, status=status))

    @main.group("opportunity")
    def opportunity() -> None:
        """Mark an opportunity's stage and status."""

    @opportunity.command("set")
    @click.argument("opportunity_id", metavar="OPP")
    @click.option(
        "--stage", help='A buying stage (need … decide) or your CRM\'s stage name (e.g. "Closed Won").'
    )
    @click.option("--status", help="open, won or lost.")
    @_store_command
    def opportunity_set(store: Store, opportunity_id: str, stage: str | None, status: str | None) -> None:
        """Set the stage or status of OPP (a name or id)."""
        from graphcrm import edits

        _show(edits.set_opportunity(store, opportunity_id, stage=stage, status=status))

    @main.command("history")
    @click.argument("record", metavar="[ID]", required=False)
    @click.option("--since", help="Only changes made on or after this day (YYYY-MM-DD).")
    @_store_command
    def history_command(store: Store, record: str | None, since: str | None) -> None:
        """What changed, newest first, and who changed it: everything, or about ID (a person,
        account or opportunity, by name or id; an account's history covers its people,
        opportunities and committee seats)."""
        from graphcrm import history

        record_id = history.record_id(store, record) if record else None
        click.echo(history.as_text(history.history(store, record_id, since=since)))
