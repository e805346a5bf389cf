// An import's nodes that are in the database already (graphcrm/ingest/plan.py): on Neo4j their
// handle is their id (import/handles), looked up through the index as import/merge_nodes does;
// their own label is theirs already (the import's check refuses another), so only Rep is set
// or removed.
UNWIND $rows AS row
MATCH (n:Node {id: row.handle})
SET n += row.props
FOREACH (_ IN CASE WHEN row.rep = true THEN [1] ELSE [] END | SET n:Rep)
FOREACH (_ IN CASE WHEN row.rep = false THEN [1] ELSE [] END | REMOVE n:Rep)
