// The ties among the account's people: the org chart (REPORTS_TO: source reports to target)
// and the informal network (KNOWS, ALLY, KIN: stored once each way; INFLUENCES: the target
// listens to the source). OPPOSES is left out: being at odds is no channel of influence.
MATCH (a:Account {id: $account})<-[:WORKS_AT]-(s:Person)-[r:REPORTS_TO|KNOWS|ALLY|KIN|INFLUENCES]->(t:Person)
WHERE (t)-[:WORKS_AT]->(a)
RETURN type(r) AS type, s.id AS source, t.id AS target, r.strength AS strength, r.context AS context
ORDER BY type, source, target
