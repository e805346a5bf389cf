// Whether the graph holds a record: an import into one adds its relationships in bulk in the
// graph itself when there are many (graphcrm/ingest/plan.py, APPEND_MIN_RELS); an empty graph
// keeps its batches below the size of a bulk import.
MATCH (n:Node)
RETURN 1 AS held
LIMIT 1
