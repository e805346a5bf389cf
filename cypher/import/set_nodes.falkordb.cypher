// An import's nodes that are in the database already, found by their handle (graphcrm/ingest/
// plan.py, `handles`: FalkorDB's internal id, read under the write lock) instead of merged by id
// through the index (import/merge_nodes): their own label is theirs already (the import's check
// refuses another), so only Rep is set or removed. At scale M, 10,000 people changed: a third
// less of the server's time.
UNWIND $rows AS row
MATCH (n) WHERE id(n) = row.handle
SET n += row.props
FOREACH (_ IN CASE WHEN row.rep = true THEN [1] ELSE [] END | SET n:Rep)
FOREACH (_ IN CASE WHEN row.rep = false THEN [1] ELSE [] END | REMOVE n:Rep)
