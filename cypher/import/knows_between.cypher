// The KNOWS ties already held between given pairs of people (each pair asked both ways: a
// symmetric tie is stored once each way), so that an import of mail and calendars never
// lowers a strength or moves a date back (graphcrm/ingest/interactions.py).
UNWIND $pairs AS pair
MATCH (a:Node {id: pair.a})-[r:KNOWS]->(b:Node {id: pair.b})
RETURN a.id AS a, b.id AS b, r.strength AS strength, r.since AS since, r.last_contact AS last_contact
