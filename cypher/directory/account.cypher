// One account or other organisation by id, with the people who work there (one row each; a
// single row with a null person when nobody does, none when the id is unknown).
MATCH (a:Node {id: $id})
WHERE a:Account OR a:Org
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
RETURN a.id AS id, a.name AS name, a.kind AS kind, a.industry AS industry, a.nature AS nature,
       a.tier AS tier, a.status AS status, a.revenue AS revenue, a.potential AS potential,
       a.region AS region, a:Account AS is_account,
       p.id AS person_id, p.name AS person_name, p.title AS person_title, p.rank AS person_rank
ORDER BY person_rank, person_name, person_id
