// One person's profile and trust information, with the organisations they work at (an
// account or another organisation), first by id.
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)-[:WORKS_AT]->(org:Node)
WITH p, org
ORDER BY org.id
RETURN p.id AS id, p.name AS name, p.title AS title, p.department AS department, p.rank AS rank,
       p:Rep AS is_rep, p.email AS email, p.phone AS phone, p.birthday AS birthday,
       p.hobbies AS hobbies, p.channels AS channels, p.notes AS notes,
       collect(org.id) AS org_ids, collect(org.name) AS org_names, collect(org.kind) AS org_kinds
