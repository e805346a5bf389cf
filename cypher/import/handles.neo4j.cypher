// The engine's own handle of each node of the given ids, here Neo4j's element id: an import's
// relationship writes find their ends by it (`WHERE elementId(a) = row.a`, a seek) instead of
// through the index on `id` (graphcrm/ingest/plan.py, `handles`). Read under the write lock.
MATCH (n:Node)
WHERE n.id IN $ids
RETURN n.id AS id, elementId(n) AS handle
