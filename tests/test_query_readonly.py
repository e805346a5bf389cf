"""`graphcrm query` is read-only unless told `--write`, and a write it makes counts as a write.

Before, `query` ran the user's Cypher through `Store.read`: a query that wrote changed the graph
without bumping its version, so a running viewer kept answering from stale path data. Now the
database itself refuses a writing query (FalkorDB's GRAPH.RO_QUERY; Neo4j's READ access mode)
and nothing changes; `--write` runs it as one write batch, and the version goes up.
"""

from __future__ import annotations

import json

import pytest

from graphcrm.paths import warm_paths
from graphcrm.store.base import QueryWrites
from tests.conftest import snapshot
from tests.test_import import MINI

REFUSED = "error: the query writes, and nothing was changed: add --write to let it write\n"
WRITING_QUERIES = [
    "CREATE (n:Node:Person {id: 'intruder', name: 'X'})",
    "MERGE (n:Node:Person {id: 'p1'}) SET n.name = 'renamed'",
    "MATCH (n:Person {id: 'p1'}) SET n.notes = 'changed'",
    "MATCH (n:Person {id: 'p1'}) REMOVE n.title",
    "MATCH ()-[r:KNOWS]->() DELETE r",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Person) WITH n LIMIT 1 CALL { WITH n CREATE (:Node {id: 'sub'}) } RETURN n.id",
    "CREATE INDEX FOR (n:Person) ON (n.email)",
    "import/merge_nodes",  # a write query of cypher/, by name
]
# On each engine: a procedure that writes, and a query behind the engine's own prefix.
ENGINE_QUERIES = {
    "embedded": [
        "CALL db.idx.fulltext.createNodeIndex('Person', 'notes')",
        "CYPHER x=1 MATCH (n) DETACH DELETE n",
    ],
    "neo4j": ["CALL db.createLabel('Intruder')", "CYPHER 5 MATCH (n) DETACH DELETE n"],
}
INDEXES = {  # the indexes, on each engine
    "embedded": "CALL db.indexes() YIELD label, properties RETURN label, properties",
    "neo4j": "SHOW INDEXES YIELD labelsOrTypes AS l, properties AS p RETURN l, p ORDER BY l, p",
}


@pytest.fixture
def mini(store):
    from graphcrm.ingest.files import import_path

    import_path(store, MINI, progress=False)
    return store


def test_a_read_query_runs_and_changes_nothing(mini, cli):
    before, version = snapshot(mini), mini.version()
    result = cli(
        "query", "MATCH (p:Person) WHERE p.rank >= $r RETURN p.id AS id ORDER BY id", "--param", "r=2"
    )
    assert result.exit_code == 0
    assert result.output.splitlines() == ["id", "--", "p1", "p2"]
    assert snapshot(mini) == before and mini.version() == version


@pytest.mark.parametrize("text", [*WRITING_QUERIES, "engine's own 0", "engine's own 1"])
def test_a_writing_query_is_refused_and_nothing_changes(mini, cli, engine, text):
    if text.startswith("engine's own"):
        text = ENGINE_QUERIES[engine][int(text[-1])]
    before, version = snapshot(mini), mini.version()
    indexes = mini.read(INDEXES[engine])
    result = cli("query", text)
    assert result.exit_code == 2
    assert result.output == REFUSED
    assert snapshot(mini) == before
    assert mini.version() == version
    assert mini.read(INDEXES[engine]) == indexes


def test_a_cypher_file_that_writes_is_refused_too(mini, cli, tmp_path):
    before = snapshot(mini)
    path = tmp_path / "wipe.cypher"
    path.write_text("// looks harmless\nMATCH (n) DETACH DELETE n\n", encoding="utf-8")
    result = cli("query", str(path))
    assert (result.exit_code, result.output) == (2, REFUSED)
    assert snapshot(mini) == before


def test_write_runs_as_one_batch_and_the_version_goes_up(mini, cli):
    created, version = mini.version()
    result = cli(
        "query",
        "MATCH (p:Person {id: $id}) SET p.notes = $notes",
        "--param",
        "id=p1",
        "--param",
        'notes=met at the "tea" fair',
        "--write",
    )
    assert result.exit_code == 0
    assert result.output == f"written as one batch; the graph version is now {version + 1}\n"
    assert mini.version() == (created, version + 1)
    assert mini.read("MATCH (p:Person {id: 'p1'}) RETURN p.notes AS n") == [{"n": 'met at the "tea" fair'}]


def test_write_with_json_says_so_as_json(mini, cli):
    version = mini.version()[1]
    result = cli("query", "MATCH (p:Person {id: 'p2'}) SET p.hobbies = 'go'", "--write", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"written": True, "graph_version": version + 1}


def test_a_write_by_query_is_seen_by_an_open_reader_at_once(mini, cli):
    """The viewer's path data is read once per graph version: a `query --write` must bump it."""
    mini.write([("MERGE (:Node:Person {id: 'p3', name: 'New Person'})", {})])
    assert warm_paths(mini, "p3").paths == ()  # and the path data of this version is now cached
    # A write that bypasses the version (as `query` did before) is not seen: the cache is real.
    ties = (
        "MATCH (a:Person {id: 'p2'}), (b:Person {id: 'p3'}) "
        "CREATE (a)-[:KNOWS {strength: 0.9}]->(b), (b)-[:KNOWS {strength: 0.9}]->(a)"
    )
    mini._transaction([(ties, {})], "bypass")
    assert warm_paths(mini, "p3").paths == ()
    result = cli("query", "MATCH (p:Person {id: 'p3'}) SET p.name = 'Renamed'", "--write")
    assert result.exit_code == 0, result.output
    found = warm_paths(mini, "p3").paths
    assert [p.id for p in found[0].people] == ["rep1", "p1", "p2", "p3"]
    assert found[0].people[-1].name == "Renamed"


def test_a_failing_write_is_one_line(mini, cli):
    before = snapshot(mini)
    result = cli("query", "MATCH (n RETURN n", "--write")
    assert result.exit_code == 2 and result.output.startswith("error: the query failed:")
    assert len(result.output.splitlines()) == 1
    assert snapshot(mini) == before


@pytest.mark.parametrize(
    ("param", "message"),
    [
        (
            "x y=1",
            "error: --param 'x y=1': the name 'x y' is not a plain name "
            "(expected ASCII letters, digits and _, not starting with a digit)\n",
        ),
        (
            "x RETURN 1 //=1",
            "error: --param 'x RETURN 1 //=1': the name 'x RETURN 1 //' is not a plain name "
            "(expected ASCII letters, digits and _, not starting with a digit)\n",
        ),
        ("x=NaN", "error: parameter $x: nan is not a finite number\n"),
        (
            "x=123456789012345678901234567890",
            "error: parameter $x: a whole number of 97 bits: "
            "graphcrm holds whole numbers from -2^63 to 2^63-1\n",
        ),
        ("=1", "error: --param '=1': expected K=V\n"),
    ],
)
def test_bad_parameters_are_one_line(mini, cli, param, message):
    before = snapshot(mini)
    result = cli("query", "RETURN $x AS x", "--param", param)
    assert (result.exit_code, result.output) == (2, message)
    assert snapshot(mini) == before


def test_a_parameter_given_twice_is_refused(mini, cli):
    result = cli("query", "RETURN $x AS x", "--param", "x=1", "--param", "x=2")
    assert (result.exit_code, result.output) == (2, "error: --param x: given twice\n")


def test_a_cypher_file_that_is_not_text_is_one_line(mini, cli, tmp_path):
    path = tmp_path / "binary.cypher"
    path.write_bytes(b"\xff\xfe\x00R\x00E")
    result = cli("query", str(path))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot read {path}: ") and result.output.endswith(
        "(expected a UTF-8 text file)\n"
    )


def test_the_store_refuses_a_write_on_the_read_only_path(mini):
    before, version = snapshot(mini), mini.version()
    assert mini.read_only("MATCH (p:Person {id: $id}) RETURN p.name AS name", {"id": "p1"}) == [
        {"name": "李琼 Li Qiong"}
    ]
    with pytest.raises(QueryWrites, match="the query writes; nothing was changed"):
        mini.read_only("MATCH (p:Person {id: $id}) SET p.name = $name", {"id": "p1", "name": "x"})
    assert snapshot(mini) == before and mini.version() == version


def test_neo4j_read_only_refuses_a_write(neo4j_store):
    with neo4j_store as neo4j:
        count = "MATCH (n) RETURN count(n) AS c"
        before = neo4j.read(count)
        assert neo4j.read_only("RETURN $x AS x", {"x": 'a"}) RETURN 1 //'}) == [{"x": 'a"}) RETURN 1 //'}]
        with pytest.raises(QueryWrites):
            neo4j.read_only("CREATE (:Node {id: 'graphcrm-readonly-probe'})")
        assert neo4j.read(count) == before
