"""Both engines side by side: the embedded FalkorDB and the session's Neo4j (tests/conftest.py).

Each seed imported into Neo4j must export exactly as from the embedded
FalkorDB, which proves both engines accept the same Cypher and give the same plain shapes.
"""

from __future__ import annotations

import pytest

from graphcrm.demo import seed_path
from graphcrm.export import export_lines
from graphcrm.ingest.files import import_path
from tests.conftest import SEEDS


@pytest.mark.parametrize("seed", SEEDS)
def test_seed_exports_the_same_from_both_engines(neo4j_store, embedded_store, seed):
    for target in (neo4j_store, embedded_store):
        import_path(target, seed_path(seed), progress=False)
    assert list(export_lines(neo4j_store)) == list(export_lines(embedded_store))


def test_plain_shapes_match(neo4j_store, embedded_store):
    query = "MATCH p = (a:Person)-[r:KNOWS]->(b:Person) RETURN a, r, p ORDER BY a.id, b.id LIMIT 5"
    for target in (neo4j_store, embedded_store):
        import_path(target, seed_path("jinchang"), progress=False)
    assert neo4j_store.read(query) == embedded_store.read(query)


def test_every_question_answers_the_same_on_both_engines(neo4j_store, embedded_store):
    import dataclasses
    import datetime as dt

    from graphcrm import chains, committee, influencers, paths, priority, referrals
    from graphcrm.settings import Settings

    settings = Settings(today=dt.date(2026, 11, 23))
    for target in (neo4j_store, embedded_store):
        for seed in SEEDS:
            import_path(target, seed_path(seed), progress=False)

    def answers(s):
        return [
            paths.warm_paths(s, "jinchang.zhao-zhigang", settings=settings),
            chains.chains(s, "kissinger.wb-president", settings=settings),
            chains.brokers(s, among=["kissinger.farmer", "kissinger.rothschild", "kissinger.wb-president"]),
            influencers.influencers(s, "hd.dingsheng"),
            committee.committee(s, "apex.opp-apex-mobile-office", settings=settings),
            referrals.referrals(s),
            priority.priority(s, settings=settings),
        ]

    assert [dataclasses.asdict(a) for a in answers(neo4j_store)] == [
        dataclasses.asdict(a) for a in answers(embedded_store)
    ]
