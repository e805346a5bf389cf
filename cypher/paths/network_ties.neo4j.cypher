// The ties an introduction travels over, from the people whose id is in [$lo, $hi) (null: no
// bound), with what their warmth is made of: KNOWS, KIN, ALLY (stored both ways), INFLUENCES
// (from the one listened to), and REPORTS_TO both ways (a direct report and their manager can
// introduce each other; `org` marks them: their default strength is a setting). Keys are the ids (see network_people).
MATCH (a:Person)
WHERE ($lo IS NULL OR a.id >= $lo) AND ($hi IS NULL OR a.id < $hi)
MATCH (a)-[r:KNOWS|KIN|ALLY|INFLUENCES|REPORTS_TO]->(b:Person)
RETURN a.id AS source, b.id AS target, r.strength AS strength, r.last_contact AS last_contact,
       type(r) = 'REPORTS_TO' AS org
UNION ALL
MATCH (a:Person)
WHERE ($lo IS NULL OR a.id >= $lo) AND ($hi IS NULL OR a.id < $hi)
MATCH (a)<-[r:REPORTS_TO]-(b:Person)
RETURN a.id AS source, b.id AS target, r.strength AS strength, r.last_contact AS last_contact, true AS org
