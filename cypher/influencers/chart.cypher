// An account (or another organisation) and the people who work there: rank, title, whether
// ours, and their number of informal ties (distinct colleagues there). One row with a null
// person when nobody works there, none when the id is unknown.
MATCH (a:Node {id: $id})
WHERE a:Account OR a:Org
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
OPTIONAL MATCH (p)-[:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES]-(n:Person)-[:WORKS_AT]->(a)
WITH a, p, count(DISTINCT n) AS degree
RETURN a.id AS account, a.name AS account_name, a:Account AS is_account,
       p.id AS id, p.name AS name, p.title AS title, p.rank AS rank, p:Rep AS rep, degree
ORDER BY id
