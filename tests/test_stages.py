"""The CRM's pipeline stage and the buying stage: defaults, won/lost, the user's own map."""

from __future__ import annotations

import pytest

from graphcrm.ingest import InvalidInput, import_path
from graphcrm.ingest.stages import StageMap, closed
from tests.test_import import MINI

OPPORTUNITIES = (
    "id,account_id,name,stage,status\n"
    "o.won,acme,won deal,Closed Won,\n"
    "o.sf,acme,quote sent,Proposal/Price Quote,open\n"
    "o.hs,acme,contract,contractsent,\n"
    "o.own,acme,handshake,Verbal Commit,open\n"
    "o.plain,acme,shortlisted,evaluate,open\n"
    "o.lostwon,acme,stage says won,won,lost\n"
)
OPPS = (
    "MATCH (o:Opportunity) WHERE o.id STARTS WITH 'o.' "
    "RETURN o.id AS id, o.stage AS stage, o.crm_stage AS crm, o.status AS status ORDER BY id"
)


def test_default_maps_and_names():
    stages = StageMap()
    assert stages.parse("Proposal/Price Quote") == {"stage": "proposals", "crm_stage": "Proposal/Price Quote"}
    assert stages.parse("closed-won") == {"stage": "decide", "crm_stage": "closed-won"}
    assert stages.parse("decisionmakerboughtin") == {
        "stage": "evaluate",
        "crm_stage": "decisionmakerboughtin",
    }
    assert stages.parse("Negotiate") == {"stage": "negotiate"}
    assert stages.parse("evaluate the shortlisted proposals") == {
        "stage": "evaluate",
        "crm_stage": "evaluate the shortlisted proposals",
    }
    assert [closed(s) for s in ("Closed Won", "closedlost", "won", "Negotiation")] == [
        "won",
        "lost",
        "won",
        None,
    ]


def test_the_plain_import_takes_crm_stages_and_a_map(store, write_files, tmp_path):
    import_path(store, MINI, progress=False)
    folder = write_files({"opportunities.csv": OPPORTUNITIES})
    with pytest.raises(InvalidInput) as err:
        import_path(store, folder, progress=False)
    assert err.value.problems == [
        "opportunities.csv:5:stage: unknown stage (got 'Verbal Commit', expected one of need, priority, "
        "urgency, specification, consult, proposals, evaluate, negotiate, decide, or a stage of Salesforce's "
        "or HubSpot's default pipeline; map your own with --stage-map FILE (columns crm_stage, stage))"
    ]
    mapping = tmp_path / "stages.csv"
    mapping.write_text("CRM_Stage,Stage\nVerbal Commit,negotiate\nclosed won,decide\n", encoding="utf-8-sig")
    import_path(store, folder, progress=False, stage_map=mapping)
    assert store.read(OPPS) == [
        {"id": "o.hs", "stage": "negotiate", "crm": "contractsent", "status": None},
        {"id": "o.lostwon", "stage": "decide", "crm": "won", "status": "lost"},  # a status given wins
        {"id": "o.own", "stage": "negotiate", "crm": "Verbal Commit", "status": "open"},
        {"id": "o.plain", "stage": "evaluate", "crm": None, "status": "open"},
        {"id": "o.sf", "stage": "proposals", "crm": "Proposal/Price Quote", "status": "open"},
        {"id": "o.won", "stage": "decide", "crm": "Closed Won", "status": "won"},  # from the stage
    ]


def test_a_bad_stage_map_is_named_and_nothing_is_written(store, write_files, tmp_path):
    import_path(store, MINI, progress=False)
    version = store.version()
    mapping = tmp_path / "stages.csv"
    mapping.write_text("crm_stage,stage\nVerbal Commit,shaking hands\n,decide\nverbal-commit,negotiate\n")
    with pytest.raises(InvalidInput) as err:
        import_path(
            store, write_files({"opportunities.csv": OPPORTUNITIES}), progress=False, stage_map=mapping
        )
    assert err.value.problems == [
        "stages.csv:2:stage: unknown stage (got 'shaking hands', expected one of need, priority, urgency, "
        "specification, consult, proposals, evaluate, negotiate, decide)",
        "stages.csv:3:crm_stage: a required value is empty (got '', expected the stage as the CRM writes it)",
    ]
    mapping.write_text("stage\ndecide\n")
    with pytest.raises(InvalidInput, match=r"stages.csv:1:crm_stage: a required column is missing"):
        import_path(
            store, write_files({"opportunities.csv": OPPORTUNITIES}), progress=False, stage_map=mapping
        )
    assert store.version() == version


def test_the_cli_takes_a_stage_map(cli, write_files, tmp_path):
    assert cli("import", str(MINI)).exit_code == 0
    folder = write_files({"opportunities.csv": OPPORTUNITIES})
    mapping = tmp_path / "stages.csv"
    mapping.write_text("crm_stage,stage\nVerbal Commit,negotiate\n")
    assert cli("import", str(folder)).exit_code == 2
    result = cli("import", str(folder), "--stage-map", str(mapping))
    assert result.exit_code == 0, result.output
