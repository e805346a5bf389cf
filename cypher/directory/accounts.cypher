// Every account (customers and prospects, label Account) with the number of people who work
// there, by name.
MATCH (a:Account)
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
WITH a, count(DISTINCT p) AS people
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.tier AS tier, a.status AS status,
       a.industry AS industry, people
ORDER BY name, id
