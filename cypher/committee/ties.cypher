// The political ties among the members: ALLY and KIN hold blocs together, OPPOSES splits them.
MATCH (a:Person)-[r:ALLY|KIN|OPPOSES]->(b:Person)
WHERE a.id IN $ids AND b.id IN $ids AND a.id < b.id
RETURN a.id AS a, b.id AS b, type(r) AS type, r.context AS context
ORDER BY a, b, type
