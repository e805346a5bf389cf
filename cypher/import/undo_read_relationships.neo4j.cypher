// Before an import writes: those of the relationships of one type (`$type`) it will merge that
// exist already, with their properties, by their place in the lists (`i`: graphcrm/ingest/plan.py,
// Undo). The pairs come as lists of the ends' handles (import/handles: on Neo4j, their ids) and,
// for TIED_TO, of kinds. A symmetric tie is asked for each way.
UNWIND range(0, size($a) - 1) AS i
MATCH (a:Node {id: $a[i]})
MATCH (b:Node {id: $b[i]})
WITH i, a, b
MATCH (a)-[r]->(b)
WHERE type(r) = $type AND ($kinds IS NULL OR r.kind = $kinds[i])
RETURN i, properties(r) AS props
