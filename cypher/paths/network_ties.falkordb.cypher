// The ties an introduction travels over (KNOWS, KIN, ALLY stored both ways; INFLUENCES from
// the one listened to), from the people whose id is in [$lo, $hi) (null: no bound), with what
// their warmth is made of. Keys are FalkorDB's internal ids (see network_people).
MATCH (a:Person)
WHERE ($lo IS NULL OR a.id >= $lo) AND ($hi IS NULL OR a.id < $hi)
MATCH (a)-[r:KNOWS|KIN|ALLY|INFLUENCES]->(b:Person)
RETURN id(a) AS source, id(b) AS target, r.strength AS strength, r.last_contact AS last_contact
