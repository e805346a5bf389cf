// Ties between people for the broker analysis: all of them, or those within one step of
// the given parties ($ids), as undirected pairs with their strength.
MATCH (a:Person)-[r:KNOWS|KIN|ALLY|INFLUENCES]->(b:Person)
WHERE $ids IS NULL OR (a.id IN $ids OR b.id IN $ids)
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, type(r) AS type, r.strength AS strength
