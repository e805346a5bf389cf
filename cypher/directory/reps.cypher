// Our own team: the people who carry the Rep label, by name.
MATCH (r:Rep)
RETURN r.id AS id, r.name AS name, r.title AS title, r.rank AS rank
ORDER BY name, id
