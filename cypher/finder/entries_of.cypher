// entries.cypher's rows for the records of $ids (those there still are): what a write touching
// only those records may have changed (graphcrm.finder). An index look-up per id.
UNWIND $ids AS wanted
MATCH (n:Node {id: wanted})
WITH n,
     CASE WHEN n:Person THEN 0 WHEN n:Account THEN 1 WHEN n:Org THEN 2 WHEN n:Opportunity THEN 3 END AS kind_order
WHERE kind_order IS NOT NULL
OPTIONAL MATCH (n)-[:WORKS_AT]->(org:Node)
OPTIONAL MATCH (n)-[:FOR]->(account:Account)
RETURN n.id AS id, kind_order, n.name AS name, n.name_key AS name_key, n.title AS title,
       n.email AS email, n.kind AS org_kind,
       CASE kind_order WHEN 0 THEN org.id WHEN 3 THEN account.id END AS place
