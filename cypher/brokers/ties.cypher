// Ties between people for the broker analysis (and a broker chain's look at whom the target
// knows): those of the given people ($ids), either way, with their strength (a symmetric tie,
// stored both ways, comes twice).
MATCH (a:Person)
WHERE a.id IN $ids
MATCH (a)-[r:KNOWS|KIN|ALLY|INFLUENCES]-(b:Person)
RETURN a.id AS a, a.name AS a_name, b.id AS b, b.name AS b_name, type(r) AS type, r.strength AS strength
