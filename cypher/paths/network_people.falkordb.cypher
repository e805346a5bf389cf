// Everyone a warm path can pass, for the search's projection (graphcrm/projection.py): the
// engine's own key (FalkorDB's internal id, small and fast to read), the id, and whether a rep.
MATCH (p:Person)
RETURN id(p) AS key, p.id AS id, p:Rep AS rep
