"""A CRM's pipeline stage and our buying stage: one rule for every import.

An opportunity keeps the CRM's stage as the CRM wrote it (`crm_stage`, e.g. "Proposal/Price
Quote") and gets the buying stage of DOMAIN.md §3 that per-stage influence uses (`stage`, e.g.
`proposals`). A stage is looked up, case and punctuation aside ("Closed Won" = "closed-won" =
"closedwon"):

1. in the user's own map (`--stage-map FILE`: a CSV with the columns crm_stage, stage), which
   wins over everything below;
2. as one of the nine buying stages itself (`need` … `decide`, or their descriptions);
3. in the default maps of Salesforce's and HubSpot's default pipelines, and a few words CRMs
   use for any pipeline (won, lost, closed won, closed lost, proposal, negotiation…).

A won or lost stage is the `decide` stage and says the deal is closed (`closed()`): the plain
CSV import takes its status from it when the status column is empty (a status given wins), and
the Salesforce import never does (IsClosed and IsWon say it). An unknown stage is a problem
naming the value and the maps that were tried.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graphcrm.ingest import fields as F
from graphcrm.schema import STAGES

# Salesforce's default Opportunity stages (Setup > Object Manager > Opportunity > Stage).
SALESFORCE = {
    "Prospecting": "need",
    "Qualification": "priority",
    "Needs Analysis": "specification",
    "Value Proposition": "consult",
    "Id. Decision Makers": "consult",
    "Perception Analysis": "evaluate",
    "Proposal/Price Quote": "proposals",
    "Negotiation/Review": "negotiate",
    "Closed Won": "decide",
    "Closed Lost": "decide",
}
# HubSpot's default sales pipeline: labels and internal values.
HUBSPOT = {
    "Appointment Scheduled": "need",
    "appointmentscheduled": "need",
    "Qualified To Buy": "priority",
    "qualifiedtobuy": "priority",
    "Presentation Scheduled": "consult",
    "presentationscheduled": "consult",
    "Decision Maker Bought-In": "evaluate",
    "decisionmakerboughtin": "evaluate",
    "Contract Sent": "negotiate",
    "contractsent": "negotiate",
    "Closed Won": "decide",
    "closedwon": "decide",
    "Closed Lost": "decide",
    "closedlost": "decide",
}
# Words any pipeline uses.
COMMON = {
    "won": "decide",
    "lost": "decide",
    "closed won": "decide",
    "closed lost": "decide",
    "discovery": "need",
    "lead": "need",
    "qualified": "priority",
    "qualifying": "priority",
    "demo": "consult",
    "proposal": "proposals",
    "quote": "proposals",
    "evaluation": "evaluate",
    "shortlist": "evaluate",
    "negotiation": "negotiate",
    "contract": "negotiate",
    "commit": "decide",
}
WON = frozenset({"won", "closedwon"})
LOST = frozenset({"lost", "closedlost"})


def key(text: str) -> str:
    """A stage name without case, spaces or punctuation: "Closed Won" and "closed-won" match."""
    return re.sub(r"[\W_]+", "", text.casefold())


@dataclass(frozen=True)
class StageMap:
    """CRM stage → buying stage; `own` is the user's map (its file named in messages)."""

    own: Mapping[str, str] = field(default_factory=dict)
    own_source: str = ""

    def buying_stage(self, text: str) -> str:
        """The buying stage of a CRM stage; `fields.Invalid` naming the value and the maps."""
        found = self.own.get(key(text)) or _DEFAULTS.get(key(text))
        if found is None:
            mine = f"a stage of {self.own_source}, " if self.own_source else ""
            raise F.Invalid(
                "unknown stage",
                f"{mine}one of {', '.join(STAGES)}, or a stage of Salesforce's or HubSpot's default "
                "pipeline; map your own with --stage-map FILE (columns crm_stage, stage)",
                got=text,
            )
        return found

    def parse(self, text: str) -> dict[str, str]:
        """The properties a CRM stage gives an opportunity: its buying stage, and the CRM's own
        text when that is not the buying stage's own name."""
        stage = self.buying_stage(text)
        return {"stage": stage} if key(text) == stage else {"stage": stage, "crm_stage": text}


def closed(text: str) -> str | None:
    """ "won" or "lost" when a stage says the deal is closed so; None otherwise."""
    k = key(text)
    if k in WON:
        return "won"
    if k in LOST:
        return "lost"
    return None


_DEFAULTS: dict[str, str] = {
    **{key(k): v for table in (SALESFORCE, HUBSPOT, COMMON) for k, v in table.items()},
    **{key(description): stage for stage, description in STAGES.items()},
    **{stage: stage for stage in STAGES},
}


def read_stage_map(path: Path) -> tuple[StageMap, list[F.Problem]]:
    """The user's map from a CSV with the columns crm_stage, stage (encodings as every CSV);
    problems name the file, row and column."""
    from graphcrm.ingest.tabular import TableError, read_csv

    def problem(row: int, column: str, message: str, got: str, expected: str) -> None:
        problems.append(F.Problem(path.name, row, column, message, got, expected))

    problems: list[F.Problem] = []
    try:
        table = read_csv(path)
    except TableError as exc:
        return StageMap(), [F.Problem(path.name, 0, "", str(exc), path.name, "a CSV file")]
    for column in ("crm_stage", "stage"):
        if column not in table.columns:
            problem(1, column, "a required column is missing", ", ".join(table.columns), "crm_stage, stage")
    if problems:
        return StageMap(), problems
    own: dict[str, str] = {}
    first: dict[str, int] = {}
    for number, row in zip(table.numbers, table.rows, strict=True):
        crm, stage = row.get("crm_stage", "").strip(), row.get("stage", "").strip().lower()
        if not crm:
            problem(number, "crm_stage", "a required value is empty", "", "the stage as the CRM writes it")
        elif stage not in STAGES:
            problem(number, "stage", "unknown stage", stage, f"one of {', '.join(STAGES)}")
        elif key(crm) in first:
            problem(
                number, "crm_stage", "a CRM stage mapped twice", crm, f"each once (row {first[key(crm)]})"
            )
        else:
            first[key(crm)] = number
            own[key(crm)] = stage
    return StageMap(own, path.name), problems
