"""`graphcrm stats`: counts from the engines' statistics equal the counts read from the graph."""

from __future__ import annotations

from graphcrm import stats
from tests.conftest import SEEDS


def test_the_counts_are_those_of_the_graph(seeds):
    store = seeds(*SEEDS)
    report = stats.answer(store)
    read = {r["label"]: r["count"] for r in store.run("stats/labels") if r["label"] != "Node"}
    assert report.labels == read
    assert report.types == {r["type"]: r["count"] for r in store.run("stats/relationships")}
    text = stats.as_text(report)
    assert f"{read['Person']:,} people, {read['Rep']} of them on our team" in text


def test_an_empty_database_holds_nothing(store):
    report = stats.answer(store)
    assert (report.labels, report.types, report.ties) == ({}, {}, 0)
    assert "0 people; 0 ties." in stats.as_text(report)
