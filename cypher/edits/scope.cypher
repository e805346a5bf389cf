// What the history of one record covers: an account's (or organisation's) people and
// opportunities, an opportunity's committee members (graphcrm/history.py).
MATCH (n:Node {id: $id})
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(n)
WITH n, collect(DISTINCT p.id) AS people
OPTIONAL MATCH (o:Opportunity)-[:FOR]->(n)
WITH n, people, collect(DISTINCT o.id) AS opportunities
OPTIONAL MATCH (m:Person)-[:IN_COMMITTEE]->(n)
RETURN labels(n) AS labels, n.name AS name, people, opportunities, collect(DISTINCT m.id) AS members
