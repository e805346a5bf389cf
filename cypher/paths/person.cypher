// One person by id, for names in answers and a clear "not found".
MATCH (p:Person {id: $id})
RETURN p.id AS id, p.name AS name
