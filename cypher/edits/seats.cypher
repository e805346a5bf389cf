// Every seat of an opportunity's buying committee with its properties: a seat edit checks the
// per-stage influence over all of them (read under the write lock).
MATCH (p:Person)-[s:IN_COMMITTEE]->(o:Opportunity {id: $id})
RETURN p.id AS id, properties(s) AS props
