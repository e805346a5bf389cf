// The people each of our reps (or one person) knows directly, with the tie: the asks a
// broker can make himself. Only brokers who know the target directly can broker a chain to
// them, so only their contacts are read (on a large graph, a few dozen rows instead of every
// rep's thousands).
MATCH (b:Person)-[:KNOWS|KIN|ALLY]->(:Person {id: $target})
WHERE (b.id = $from) OR ($from IS NULL AND b:Rep)
WITH DISTINCT b
MATCH (b)-[k:KNOWS|KIN|ALLY]->(p:Person)
RETURN b.id AS broker, b.name AS broker_name, p.id AS id, p.name AS name, type(k) AS type,
       k.strength AS strength, k.context AS context, k.since AS since, k.last_contact AS last_contact
