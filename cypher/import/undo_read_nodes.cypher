// Before an import writes: the nodes it will change, as they are, so that an import failing
// part-way can put them back (graphcrm/ingest/plan.py, Undo).
MATCH (n:Node)
WHERE n.id IN $ids
RETURN n.id AS id, 'Rep' IN labels(n) AS rep, properties(n) AS props
