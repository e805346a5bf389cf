// An account (or another organisation) and the people who work there: rank, title, whether
// ours, and their stances on the open buying committees they sit on (champion … blocker).
// One row with a null person when nobody works there, none when the id is unknown.
MATCH (a:Node {id: $id})
WHERE a:Account OR a:Org
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
OPTIONAL MATCH (p)-[m:IN_COMMITTEE]->(o:Opportunity)
WHERE o.status = 'open'
WITH a, p, collect(CASE WHEN m IS NULL THEN null ELSE coalesce(m.stance, 'neutral') END) AS stances
RETURN a.id AS account, a.name AS account_name, a:Account AS is_account,
       p.id AS id, p.name AS name, p.title AS title, p.rank AS rank, p:Rep AS rep, stances
ORDER BY id
