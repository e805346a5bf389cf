// The handle by which an import's relationship writes find each node of the given ids
// (graphcrm/ingest/plan.py, `handles`). On Neo4j the id itself: the writes seek it through the
// unique constraint's index, which cost what a seek by element id did (scale S, both ways, in
// turn: 6.5-8.2 s to write 100,000 ties either way); FalkorDB's variant gives its internal id.
MATCH (n:Node)
WHERE n.id IN $ids
RETURN n.id AS id, n.id AS handle
