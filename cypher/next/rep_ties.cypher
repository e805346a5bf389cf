// Our reps' own ties (knows, ally, family) to the people $ids, with strength and last contact:
// where one goes cold, the way in goes with it.
MATCH (r:Rep)-[t:KNOWS|ALLY|KIN]->(p:Person)
WHERE p.id IN $ids AND NOT p:Rep
RETURN r.id AS rep, r.name AS rep_name, p.id AS id, p.name AS name, p.title AS title,
       type(t) AS type, t.strength AS strength, t.last_contact AS last_contact
ORDER BY rep, id, type
