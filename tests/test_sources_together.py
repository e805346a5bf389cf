"""Issue 14's "done when": a Salesforce export, a HubSpot export, a vCard file and a mailbox with
its calendar each import with one command into one graph, and `path`, `committee` and
`influencers` answer on the result (on both engines)."""

from __future__ import annotations

import json

from graphcrm.demo import seed_path
from tests.test_contacts import DATA as CONTACTS
from tests.test_hubspot import EXPORT as HUBSPOT
from tests.test_interactions import DATA as INTERACTIONS
from tests.test_interactions import FILES as MAIL_AND_CALENDAR
from tests.test_salesforce import EXPORT as SALESFORCE

REP = "jinchang.you"


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_every_source_into_one_graph_and_the_questions_answer(cli, monkeypatch):
    monkeypatch.setenv("GRAPHCRM_TODAY", "2026-11-23")
    _ok(cli("import", str(seed_path("jinchang"))))  # our team and an account already held
    _ok(cli("import-salesforce", str(SALESFORCE)))
    _ok(cli("import-hubspot", str(HUBSPOT)))
    _ok(cli("import-contacts", str(CONTACTS / "apple.vcf"), "--rep", REP))
    _ok(cli("import", str(INTERACTIONS / "people.csv")))  # e-mail addresses for the people mailed
    _ok(cli("import-interactions", *map(str, MAIL_AND_CALENDAR), "--rep", REP))

    stats = _ok(cli("stats"))
    opportunities = json.loads(
        _ok(cli("query", "MATCH (o:Opportunity) RETURN o.id AS id ORDER BY id", "--json"))
    )
    ids = [row["id"] for row in opportunities]
    assert any(i.startswith("sf:") for i in ids) and any(i.startswith("hs-deal:") for i in ids), stats
    for opportunity in (
        next(i for i in ids if i.startswith("sf:")),
        next(i for i in ids if i.startswith("hs-deal:")),
    ):
        assert "support = " in _ok(cli("committee", opportunity))

    path = _ok(cli("path", "jinchang.zhao-zhigang"))
    assert path.startswith("Warmest paths to 赵志刚 Zhao Zhigang:")
    # the address book made the tie, the mail and calendar made it stronger (0.5 to 0.56)
    assert "1. 你 You: contact 赵志刚 Zhao Zhigang directly (your address book; strong tie (0.56);" in path

    account = json.loads(
        _ok(
            cli(
                "query",
                "MATCH (o:Opportunity {id: $id})-[:FOR]->(a) RETURN a.id AS id",
                "--param",
                f"id={ids[0]}",
                "--json",
            )
        )
    )
    influencers = _ok(cli("influencers", account[0]["id"]))
    assert "formal power (org chart) and informal power" in influencers
