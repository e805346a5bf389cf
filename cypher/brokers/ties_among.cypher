// Ties among the given people ($ids): both ends among them, either way, with their strength
// (a symmetric tie, stored both ways, comes twice). The broker analysis's neighbourhood: only
// the ties it keeps are sent (a quarter or less of all the ties of those people).
MATCH (a:Person)
WHERE a.id IN $ids
MATCH (a)-[r:KNOWS|KIN|ALLY|INFLUENCES]-(b:Person)
WHERE b.id IN $ids
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, type(r) AS type, r.strength AS strength
