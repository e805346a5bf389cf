// The engine's own handle of each node of the given ids, here FalkorDB's internal id: an import's
// relationship writes find their ends by it (`WHERE id(a) = row.a`, a seek) instead of through
// the index on `id`, which at scale M took half of a batch's time at the server (graphcrm/ingest/
// plan.py, `handles`). Read under the write lock, which holds every other writer off: no node
// is deleted, so no id is given to another node, while the import uses them.
MATCH (n:Node)
WHERE n.id IN $ids
RETURN n.id AS id, id(n) AS handle
