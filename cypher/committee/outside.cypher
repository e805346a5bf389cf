// Each member's ties outside the committee: organisations (suppliers, competitors, ...), the
// tie (its kind, strength and dates) and the people they know who work at those organisations:
// risks and entry points.
MATCH (p:Person)-[t:TIED_TO]->(org:Org)
WHERE p.id IN $ids
OPTIONAL MATCH (p)-[:KNOWS]->(x:Person)-[:WORKS_AT]->(org)
WITH p, org, t, collect(DISTINCT x.name) AS people
RETURN p.id AS id, org.id AS org, org.name AS org_name, org.kind AS org_kind, t.kind AS tie,
       t.strength AS strength, t.since AS since, t.last_contact AS last_contact, people
ORDER BY id, org
