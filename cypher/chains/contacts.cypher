// The people each of our reps (or one person) knows directly, with the tie: the asks a
// broker can make himself.
MATCH (b:Person)-[k:KNOWS|KIN|ALLY]->(p:Person)
WHERE (b.id = $from) OR ($from IS NULL AND b:Rep)
RETURN b.id AS broker, b.name AS broker_name, p.id AS id, p.name AS name, type(k) AS type,
       k.strength AS strength, k.context AS context, k.since AS since, k.last_contact AS last_contact
