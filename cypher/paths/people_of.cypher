// Which of the people of $ids are in the graph, and whether each is one of our reps: the
// people a write touched (graphcrm.projection.patch).
MATCH (p:Person)
WHERE p.id IN $ids
RETURN p.id AS id, p:Rep AS rep
