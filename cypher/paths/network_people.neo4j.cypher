// Everyone a warm path can pass, for the search's projection (graphcrm/projection.py): a key
// (here the id itself), the id, and whether a rep.
MATCH (p:Person)
RETURN p.id AS key, p.id AS id, p:Rep AS rep
