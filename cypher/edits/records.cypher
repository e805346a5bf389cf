// The records an edit names, as they are (read under the write lock, just before the edit is
// written): labels, every property, where a person works (WORKS_AT, with its properties: a
// Salesforce import marks a second employer `indirect`), and the account of an opportunity.
MATCH (n:Node)
WHERE n.id IN $ids
OPTIONAL MATCH (n)-[w:WORKS_AT]->(o:Node)
OPTIONAL MATCH (n)-[:FOR]->(a:Account)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props,
       collect(DISTINCT CASE WHEN o IS NULL THEN null ELSE {id: o.id, name: o.name, indirect: w.indirect} END) AS employers,
       min(a.id) AS account_id
