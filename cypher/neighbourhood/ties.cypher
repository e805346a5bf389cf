// The informal ties among the people $ids (KNOWS, ALLY, OPPOSES, KIN: stored both ways, once per
// pair from the smaller id; INFLUENCES as stored: the target listens to the source). The people
// are collected first: a list parameter tested on every row is slow on FalkorDB.
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH collect(p) AS people
UNWIND people AS a
MATCH (a)-[r:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES]->(b:Person)
WHERE b IN people AND (type(r) = 'INFLUENCES' OR a.id < b.id)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.strength AS strength,
       r.context AS context, r.since AS since, r.last_contact AS last_contact
ORDER BY type, source, target
