// Before an import writes: those of the relationships it will merge that exist already, with
// their properties, by the row's place (`i`: graphcrm/ingest/plan.py, Undo). A symmetric tie is
// asked for each way.
// Both ends are found first (WITH), so that FalkorDB looks for the ties between the two
// (Expand Into) instead of following every tie of the first: 4-5x faster at scale M.
// The ends are found by their handles (import/handles): on Neo4j, their ids.
UNWIND $rows AS row
MATCH (a:Node {id: row.a})
MATCH (b:Node {id: row.b})
WITH row, a, b
MATCH (a)-[r]->(b)
WHERE type(r) = row.type AND (row.kind IS NULL OR r.kind = row.kind)
RETURN row.i AS i, properties(r) AS props
