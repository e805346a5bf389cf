"""My next steps: across the open opportunities, what to do this week (DOMAIN.md §4.4, §4.6).

For each open opportunity (a rep's own with `rep`: those they own, or, where the CRM named no
owner, those where their ties are the way in), four lists, in the order a seller acts on them:
- **win next**: the committee members worth winning over next, as the committee ranks them
  (influence × distance from supportive × warmth of the way in, `graphcrm.committee`), each
  with the first ask of the warmest path;
- **no way in**: influential members (from `GAP_INFLUENCE` % of the say) whom no one on our
  team reaches: a gap to close before the bid;
- **going cold**: our reps' own ties to the people who matter (committee members, and the first
  person asked on the way to one) whose last contact is older than the half-life, or never
  recorded: the warmth of every path through them halves with each half-life;
- **asks in flight**: introduction requests still waiting for an answer (`graphcrm.intros`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from graphcrm import committee, intros, names, words
from graphcrm.committee import CommitteeReport
from graphcrm.errors import InvalidValue
from graphcrm.paths import WarmPath
from graphcrm.settings import Settings
from graphcrm.store import Store

# A member with at least this much influence (percent) and no way in is a gap worth a line.
GAP_INFLUENCE = 10.0
# At most this many "win next" per opportunity: the rest wait for the committee page.
WIN_NEXT = 3


@dataclasses.dataclass(frozen=True)
class WinNext:
    """A member to win over next, and the first ask on the way to them."""

    id: str
    name: str
    title: str | None
    stance: str
    influence: float
    score: float
    path: WarmPath | None


@dataclasses.dataclass(frozen=True)
class Gap:
    """An influential member no one on our team reaches."""

    id: str
    name: str
    title: str | None
    stance: str
    influence: float


@dataclasses.dataclass(frozen=True)
class ColdTie:
    """One of our reps' ties to someone who matters, with its last contact (None: never)."""

    rep: str
    rep_name: str
    id: str
    name: str
    title: str | None
    last_contact: str | None
    days: int | None  # since the last contact
    why: str  # "on the committee", or "the way in to 陈虹"


@dataclasses.dataclass(frozen=True)
class OpportunitySteps:
    id: str
    name: str
    account_id: str | None
    account_name: str | None
    stage: str | None
    value: float | None
    close_date: str | None
    support: float
    members: int  # on its buying committee
    win_next: tuple[WinNext, ...]
    gaps: tuple[Gap, ...]
    going_cold: tuple[ColdTie, ...]


@dataclasses.dataclass(frozen=True)
class NextSteps:
    rep: str | None
    rep_name: str | None
    today: str
    half_life_days: float
    opportunities: tuple[OpportunitySteps, ...]
    asks: tuple[intros.Ask, ...]


def answer(store: Store, *, rep: str | None = None, settings: Settings | None = None) -> NextSteps:
    """The next steps of the team, or of one rep (`rep`: a name, email or id of one of ours)."""
    settings = settings or Settings.from_env()
    rep_id = rep_name = None
    if rep is not None:
        rep_id = names.resolve(store, rep, "person")
        reps = {r["id"]: r["name"] for r in store.run("directory/reps")}
        if rep_id not in reps:
            raise InvalidValue(f"rep: {rep!r} is not one of our team (only people marked as reps are)")
        rep_name = reps[rep_id] or rep_id
    rows = store.run("next/opportunities")
    reports = committee.answers(store, [row["id"] for row in rows], settings=settings)
    chosen = [
        (row, report, _who_matters(report))
        for row, report in zip(rows, reports, strict=True)
        if rep_id is None or _mine(row, report, rep_id)
    ]
    # our reps' ties to whoever matters on any of them, read once for them all
    everyone = sorted({person for _, _, why in chosen for person in why})
    rep_ties = store.run("next/rep_ties", {"ids": everyone}) if everyone else []
    steps = [_steps(row, report, why, rep_ties, rep_id, settings) for row, report, why in chosen]
    in_flight = intros.asks(store, by=rep_id, status="asked")
    return NextSteps(
        rep=rep_id,
        rep_name=rep_name,
        today=settings.today.isoformat(),
        half_life_days=settings.half_life_days,
        opportunities=tuple(steps),
        asks=in_flight,
    )


def as_text(report: NextSteps) -> str:
    """The next steps as a sales person reads them in a terminal."""
    who = f"{report.rep_name}'s" if report.rep_name else "The team's"
    lines = [f"{who} next steps, {report.today}"]
    if not report.opportunities:
        lines.append("No open opportunities" + (" of yours." if report.rep else "."))
    for opp in report.opportunities:
        lines += ["", f"{opp.name} — {opp.account_name or 'no account'}"]
        facts = [f"stage {opp.stage}" if opp.stage else "", words.money(opp.value) if opp.value else ""]
        if opp.close_date:
            overdue = opp.close_date < report.today
            facts.append(f"close date {opp.close_date} has passed" if overdue else f"closes {opp.close_date}")
        facts.append(f"committee {words.support(opp.support)}")
        lines.append("  " + " · ".join(f for f in facts if f))
        if not opp.members:
            lines.append("  No buying committee recorded yet: add its members to see whom to win over.")
        elif not (opp.win_next or opp.gaps or opp.going_cold):
            lines.append("  Nothing to do here: every member is on our side or out of reach of a step.")
        for w in opp.win_next:
            lines.append(f"  Win next: {w.name} ({words.stance(w.stance)}, {w.influence:g}% of the say)")
            lines.append(f"    {first_ask(w.path)}")
        for g in opp.gaps:
            lines.append(f"  No way in: {g.name} ({words.stance(g.stance)}, {g.influence:g}% of the say)")
        for c in opp.going_cold:
            since = (
                f"last contact {c.last_contact} ({c.days} days ago)"
                if c.last_contact
                else "no contact on record"
            )
            lines.append(f"  Going cold: {c.rep_name} and {c.name}, {since}; {c.why}")
    lines += [
        "",
        "Introductions asked, no answer yet:" if report.asks else "No introductions waiting for an answer.",
    ]
    lines += [f"  {a.created}  {a.by_name} asked {a.via_name} to introduce {a.to_name}" for a in report.asks]
    return "\n".join(lines)


def first_ask(path: WarmPath | None) -> str:
    """The first step of a path in words: who asks whom for what."""
    if path is None:
        return "no way in yet"
    warmth = words.warmth(path.warmth)
    first = path.hops[0]
    if len(path.hops) == 1:
        return f"{first.source.name} knows them: get in touch ({warmth} tie)"
    introduced = path.hops[1].target.name
    return f"{first.source.name} asks {first.target.name} to introduce {introduced} ({warmth} path)"


def _mine(row: dict[str, Any], report: CommitteeReport, rep_id: str) -> bool:
    if row["owner"]:
        return bool(row["owner"] == rep_id)
    return any(m.id == rep_id or (m.path and m.path.hops[0].source.id == rep_id) for m in report.members)


def _who_matters(report: CommitteeReport) -> dict[str, str]:
    """Whose ties with our reps matter to an opportunity, and why: its committee's members, and
    the first person asked on the way to each."""
    why: dict[str, str] = {}
    for m in report.members:
        why.setdefault(m.id, "on the committee")
        if m.path and len(m.path.hops) > 1:
            why.setdefault(m.path.hops[0].target.id, f"the way in to {m.name}")
    return why


def _steps(
    row: dict[str, Any],
    report: CommitteeReport,
    why: dict[str, str],
    rep_ties: list[dict[str, Any]],
    rep_id: str | None,
    settings: Settings,
) -> OpportunitySteps:
    """One opportunity's steps; `rep_ties`: our reps' ties to (at least) everyone in `why`."""
    members = {m.id: m for m in report.members}
    win = []
    for contact in report.next_contacts:
        member = next(m for m in report.members if m.name == contact.name)
        if rep_id is None or (member.path and member.path.hops[0].source.id == rep_id):
            win.append(
                WinNext(
                    member.id,
                    member.name,
                    member.title,
                    member.stance,
                    member.influence,
                    contact.score,
                    member.path,
                )
            )
    gaps = tuple(
        Gap(m.id, m.name, m.title, m.stance, m.influence)
        for m in report.members
        if not m.covered and m.influence >= GAP_INFLUENCE and m.stance_value < 1
    )
    cold = []
    for tie in rep_ties:
        if tie["id"] not in why or (rep_id is not None and tie["rep"] != rep_id):
            continue
        days = _days(tie["last_contact"], settings.today)
        if days is not None and days <= settings.half_life_days:
            continue
        cold.append(
            ColdTie(
                tie["rep"],
                tie["rep_name"] or tie["rep"],
                tie["id"],
                tie["name"] or tie["id"],
                tie["title"],
                str(tie["last_contact"])[:10] if tie["last_contact"] else None,
                days,
                why[tie["id"]],
            )
        )
    weight = {i: members[i].influence if i in members else 0.0 for i in why}
    cold.sort(key=lambda c: (-weight.get(c.id, 0.0), -(c.days or 10**6), c.name, c.rep))
    return OpportunitySteps(
        id=row["id"],
        name=row["name"] or row["id"],
        account_id=row["account_id"],
        account_name=row["account_name"],
        stage=row["stage"],
        value=None if row["value"] is None else float(row["value"]),
        close_date=str(row["close_date"])[:10] if row["close_date"] else None,
        support=report.support,
        members=len(report.members),
        win_next=tuple(win[:WIN_NEXT]),
        gaps=gaps,
        going_cold=tuple(_unique(cold)),
    )


def _unique(cold: list[ColdTie]) -> list[ColdTie]:
    """One line per rep and person (KNOWS and ALLY between the same two are one tie to keep warm)."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for c in cold:
        if (c.rep, c.id) not in seen:
            seen.add((c.rep, c.id))
            kept.append(c)
    return kept


def _days(last_contact: Any, today: dt.date) -> int | None:
    if not last_contact:
        return None
    try:
        return (today - dt.date.fromisoformat(str(last_contact)[:10])).days
    except ValueError:
        return None
