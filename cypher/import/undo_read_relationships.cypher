// Before an import writes: those of the relationships it will merge that exist already, with
// their properties (graphcrm/ingest/plan.py, Undo). A symmetric tie is asked for each way.
UNWIND $rows AS row
MATCH (a:Node {id: row.source})-[r]->(b:Node {id: row.target})
WHERE type(r) = row.type AND (row.kind IS NULL OR r.kind = row.kind)
RETURN row.source AS source, row.target AS target, row.type AS type, row.kind AS kind, properties(r) AS props
