// What moves each of these people: who they listen to, their family, their organisations.
MATCH (p:Person)
WHERE p.id IN $ids
OPTIONAL MATCH (s:Person)-[i:INFLUENCES]->(p)
WITH p, collect(DISTINCT {name: s.name, context: i.context}) AS listens_to
OPTIONAL MATCH (p)-[:KIN]->(k:Person)
WITH p, listens_to, collect(DISTINCT k.name) AS kin
OPTIONAL MATCH (p)-[:WORKS_AT|TIED_TO]->(o:Node)
RETURN p.id AS id, listens_to, kin, collect(DISTINCT {id: o.id, name: o.name}) AS orgs
