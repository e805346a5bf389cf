// Every tie between people, for ranking everyone as a broker (no parties given).
MATCH (a:Person)-[r:KNOWS|KIN|ALLY|INFLUENCES]->(b:Person)
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, type(r) AS type, r.strength AS strength
