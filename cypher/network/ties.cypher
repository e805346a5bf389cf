// The ties of the types $types among the people $ids: a symmetric tie (KNOWS, ALLY, OPPOSES,
// KIN: stored both ways) once per pair, from the smaller id; INFLUENCES and REPORTS_TO as
// stored (source listened to by / reporting to target). The people are collected first: a
// list parameter tested on every row is slow on FalkorDB.
UNWIND $ids AS id
MATCH (p:Person {id: id})
WITH collect(p) AS people, $types AS types
UNWIND people AS a
MATCH (a)-[r:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES|REPORTS_TO]->(b:Person)
WHERE b IN people AND type(r) IN types
  AND (NOT type(r) IN ['KNOWS', 'ALLY', 'OPPOSES', 'KIN'] OR a.id < b.id)
RETURN a.id AS source, b.id AS target, type(r) AS type, r.strength AS strength,
       r.context AS context, r.since AS since, r.last_contact AS last_contact
ORDER BY type, source, target
