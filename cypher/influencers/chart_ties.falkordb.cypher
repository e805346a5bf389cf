// The ties among the people of one account (or organisation): the org chart (REPORTS_TO:
// source reports to target) and the informal ties (KNOWS, ALLY, OPPOSES, KIN once per pair,
// from the smaller id; INFLUENCES: the target listens to the source).
// FalkorDB: one relationship type per part, as FalkorDB follows one type much faster than
// several at once (a 500-person account: 15 ms at the server instead of 25). Read with
// Store.scan (graphcrm/influencers.py), whose reply gives text for values other than text,
// whole numbers and null: `plain` says the tie holds no such value but a numeric strength,
// read the same either way.
CALL {
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:REPORTS_TO]->(t:Person)
  WHERE (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
  UNION ALL
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:KNOWS]->(t:Person)
  WHERE s.id < t.id AND (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
  UNION ALL
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:ALLY]->(t:Person)
  WHERE s.id < t.id AND (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
  UNION ALL
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:OPPOSES]->(t:Person)
  WHERE s.id < t.id AND (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
  UNION ALL
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:KIN]->(t:Person)
  WHERE s.id < t.id AND (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
  UNION ALL
  MATCH (a:Node {id: $id})<-[:WORKS_AT]-(s:Person)-[r:INFLUENCES]->(t:Person)
  WHERE (t)-[:WORKS_AT]->(a)
  RETURN s.id AS source, t.id AS target, type(r) AS type, r.strength AS strength,
         r.context AS context, r.since AS since, r.last_contact AS last_contact
}
RETURN source, target, type, strength, context, since, last_contact,
       (strength IS NULL OR typeOf(strength) IN ['Integer', 'Float', 'String'])
       AND all(text IN [context, since, last_contact] WHERE text IS NULL OR typeOf(text) = 'String') AS plain
ORDER BY type, source, target
