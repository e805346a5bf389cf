// Which of the people of $ids are in the graph, and whether each is one of our reps: the
// people a write touched (graphcrm.projection.patching). UNWIND: an index look-up per id.
UNWIND $ids AS wanted
MATCH (p:Person {id: wanted})
RETURN p.id AS id, p:Rep AS rep
