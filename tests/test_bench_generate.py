"""The benchmark's data generator: its output imports cleanly, is deterministic, and the manifest is true."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.generate import SCALES, TODAY, generate
from graphcrm.ingest.files import import_path

FILES = ("accounts", "people", "ties", "opportunities", "committee", "referrals")
SMALL = (1_200, 6_000)  # people, ties: a few companies, a referral, generated in a blink


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A small data set and its manifest, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("bench-small")
    return folder, generate(folder, *SMALL)


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def test_tiny_scale_imports_and_the_database_holds_what_the_manifest_says(store, tmp_path):
    manifest = generate(tmp_path / "tiny", *SCALES["tiny"])
    import_path(store, tmp_path / "tiny", progress=False)  # raises InvalidInput on any problem
    labels = {r["label"]: r["count"] for r in store.run("stats/labels")}
    types = {r["type"]: r["count"] for r in store.run("stats/relationships")}
    assert {**labels, **types} == manifest["graph"]
    assert manifest["counts"]["people.csv"] == 1_000
    assert abs(manifest["counts"]["ties.csv"] - 10_000) <= 500
    assert sum(manifest["tie_types"].values()) == manifest["counts"]["ties.csv"]


def test_the_same_seed_gives_byte_identical_files(small, tmp_path):
    folder, _ = small
    again = tmp_path / "again"
    generate(again, *SMALL)
    for name in (*(f"{f}.csv" for f in FILES), "manifest.json"):
        assert (again / name).read_bytes() == (folder / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, *SMALL, seed=8)
    assert (other / "ties.csv").read_bytes() != (folder / "ties.csv").read_bytes()


def test_manifest_ids_are_in_the_files(small):
    folder, manifest = small
    people, accounts = read(folder, "people"), read(folder, "accounts")
    opportunities, committee = read(folder, "opportunities"), read(folder, "committee")
    assert manifest["today"] == TODAY
    assert (people["org_id"] == manifest["big_account"]).sum() == 500
    open_ids = set(opportunities.loc[opportunities["status"] == "open", "id"])
    assert set(manifest["open_opportunities"]) <= open_ids and manifest["open_opportunities"]
    assert set(manifest["open_opportunities"]) <= set(committee["opportunity_id"])
    in_open = set(committee.loc[committee["opportunity_id"].isin(open_ids), "person_id"])
    assert manifest["targets"] and set(manifest["targets"]) <= in_open
    won = accounts.set_index("id").loc[manifest["won_accounts"], "status"]
    assert manifest["won_accounts"] and (won == "won").all()
    assert set(manifest["won_accounts"]) <= set(read(folder, "referrals")["source"])
    reps = people.loc[people["is_rep"] == "true", "id"]
    assert sorted(manifest["reps"]) == sorted(reps) and len(reps) == 20


def test_files_follow_the_rules_the_importer_does_not_check(small):
    """Stage percentages add up to exactly 100, nobody both allies with and opposes someone,
    dates are never after today, and only a few people are tied to competitors."""
    folder, _ = small
    ties, committee = read(folder, "ties"), read(folder, "committee")
    stages = committee.assign(part=committee["stage_influence"].str.split(";")).explode("part")
    stages[["stage", "percent"]] = stages["part"].str.split("=", expand=True)
    assert (
        stages.groupby(["opportunity_id", "stage"])["percent"].apply(lambda p: p.astype(int).sum()) == 100
    ).all()
    assert committee.groupby("opportunity_id")["roles"].apply(lambda r: r.str.contains("D").any()).all()
    pairs = ties.assign(pair=[tuple(sorted(p)) for p in zip(ties["source"], ties["target"], strict=True)])
    allies = set(pairs.loc[pairs["type"] == "ALLY", "pair"])
    assert not allies & set(pairs.loc[pairs["type"] == "OPPOSES", "pair"])
    dated = ties[ties["last_contact"] != ""]
    assert (dated["since"] <= dated["last_contact"]).all() and (dated["last_contact"] <= TODAY).all()
    assert 0 < (ties["type"] == "TIED_TO").sum() <= 1
