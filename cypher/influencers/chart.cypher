// An account (or another organisation) and the people who work there: rank, title, whether
// ours. One row with a null person when nobody works there, none when the id is unknown.
MATCH (a:Node {id: $id})
WHERE a:Account OR a:Org
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
RETURN a.id AS account, a.name AS account_name, a:Account AS is_account,
       p.id AS id, p.name AS name, p.title AS title, p.rank AS rank, p:Rep AS rep
ORDER BY id
