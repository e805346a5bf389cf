// The people among the given ids that the graph holds, with their properties and how many
// organisations they work at: an address book fills in what a person lacks and never overwrites
// what the graph holds (graphcrm/ingest/contacts.py).
MATCH (p:Node)
WHERE p.id IN $ids AND p:Person
OPTIONAL MATCH (p)-[:WORKS_AT]->(o:Node)
RETURN p.id AS id, properties(p) AS props, count(o) AS employers
