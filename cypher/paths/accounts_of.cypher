// The accounts each of these people works at (an empty list: none). Someone not in the graph
// has no row.
UNWIND $people AS person
MATCH (p:Person {id: person})
OPTIONAL MATCH (p)-[:WORKS_AT]->(a:Account)
RETURN p.id AS id, collect(a.id) AS accounts
