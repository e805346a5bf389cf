// The ties among the people of one account (or organisation): the org chart (REPORTS_TO:
// source reports to target) and the informal ties (KNOWS, ALLY, OPPOSES, KIN once per pair,
// from the smaller id; INFLUENCES: the target listens to the source). `plain` as in the
// FalkorDB variant: Neo4j's rows hold their values as they are.
MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:REPORTS_TO|KNOWS|ALLY|OPPOSES|KIN|INFLUENCES]->(t:Person)
WHERE (t)-[:WORKS_AT]->(a)
  AND (NOT type(r) IN ['KNOWS', 'ALLY', 'OPPOSES', 'KIN'] OR s.id < t.id)
RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
       r.context AS context, r.since AS since, r.last_contact AS last_contact, true AS plain
ORDER BY type, source, target
