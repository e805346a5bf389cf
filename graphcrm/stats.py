"""What the database holds: people, accounts, opportunities and ties, counted.

Counts come from the engines' own statistics (`cypher/stats/counts.cypher`: one single-label or
single-type count per statement, which FalkorDB answers from its matrices and Neo4j from its
count store), so they cost milliseconds at any size; counting all relationships by type in one
query read every one (8 s at scale M).
"""

from __future__ import annotations

import dataclasses

from graphcrm import queries, textable
from graphcrm.schema import NODE_LABELS, REP_LABEL, SYMMETRIC_TIES
from graphcrm.store import Store

LABELS = (*NODE_LABELS, REP_LABEL)
# The plain words of the summary line, by label.
NOUNS = {
    "Person": ("person", "people"),
    "Rep": ("of them on our team", "of them on our team"),
    "Account": ("account", "accounts"),
    "Org": ("other organisation", "other organisations"),
    "Opportunity": ("opportunity", "opportunities"),
}


@dataclasses.dataclass(frozen=True)
class Stats:
    url: str
    engine: str
    labels: dict[str, int]  # label -> nodes, those with any
    types: dict[str, int]  # relationship type -> relationships (symmetric ties: each way)

    @property
    def ties(self) -> int:
        """Ties between people and to organisations, a symmetric one counted once."""
        return sum(n // 2 if t in SYMMETRIC_TIES else n for t, n in self.types.items())


def answer(store: Store) -> Stats:
    """The counts of `store`, by label and by relationship type (zeros left out)."""
    labels: dict[str, int] = {}
    types: dict[str, int] = {}
    for statement in queries.statements(queries.load("stats/counts", store.engine)):
        for row in store.read(statement):
            for name, count in row.items():
                if count:
                    (labels if name in LABELS else types)[name] = int(count)
    return Stats(store.url, store.engine, labels, types)


def as_text(report: Stats) -> str:
    """A summary line in words, then the counts by label and by type."""
    parts = []
    for label, (one, many) in NOUNS.items():
        count = report.labels.get(label, 0)
        if count or label == "Person":
            parts.append(f"{count:,} {one if count == 1 else many}")
    summary = ", ".join(parts) + f"; {report.ties:,} ties."
    label_rows = [{"label": k, "count": v} for k, v in sorted(report.labels.items())]
    type_rows = [{"type": k, "count": v} for k, v in sorted(report.types.items())]
    return "\n".join(
        [
            f"database: {report.url} ({report.engine})",
            summary,
            "",
            textable.render(label_rows, ["label", "count"]),
            "",
            textable.render(type_rows, ["type", "count"]),
            "(KNOWS, ALLY, OPPOSES and KIN are stored once each way: a pair counts twice)",
        ]
    )
