// These people's names, by id (the reps a coverage names).
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p.id AS id, p.name AS name
