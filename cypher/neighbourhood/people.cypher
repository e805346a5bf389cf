// One person and everyone within $hops (1 or 2) informal ties of them, either way (KNOWS, ALLY,
// OPPOSES, KIN, stored both ways; INFLUENCES in either direction): each with their distance,
// their number of informal ties (distinct people) and the organisations they work at. The
// caller orders them (closest, then best connected) and keeps what it can draw.
MATCH (x:Person {id: $id})
OPTIONAL MATCH (x)-[:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES]-(n:Person)
WITH x, 0 AS distance, count(DISTINCT n) AS degree
RETURN x.id AS id, x.name AS name, x.title AS title, x:Rep AS rep, distance, degree,
       [(x)-[:WORKS_AT]->(o:Node) | {id: o.id, name: o.name, account: o:Account, kind: o.kind}] AS orgs
UNION ALL
MATCH p = (e:Person {id: $id})-[:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES*1..2]-(x:Person)
WHERE length(p) <= $hops AND x.id <> e.id
WITH x, min(length(p)) AS distance
OPTIONAL MATCH (x)-[:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES]-(n:Person)
WITH x, distance, count(DISTINCT n) AS degree
RETURN x.id AS id, x.name AS name, x.title AS title, x:Rep AS rep, distance, degree,
       [(x)-[:WORKS_AT]->(o:Node) | {id: o.id, name: o.name, account: o:Account, kind: o.kind}] AS orgs
