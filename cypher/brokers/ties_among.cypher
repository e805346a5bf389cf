// Ties among the given people ($ids): both ends among them, as pairs of ids (a symmetric tie,
// stored both ways, comes both ways round). The broker analysis's neighbourhood: only the ties
// it keeps are sent, and only what it needs of them (a committee of 12 at scale M: 6 ms).
MATCH (a:Person)
WHERE a.id IN $ids
MATCH (a)-[:KNOWS|KIN|ALLY|INFLUENCES]->(b:Person)
WHERE b.id IN $ids
RETURN a.id AS a, b.id AS b
