// Referrals attributed to one person (`by_person`): the referral itself is between its ends
// (usually accounts); the person is who made it happen.
MATCH (a:Node)-[r:REFERRED]->(b:Node)
WHERE r.by_person = $id
RETURN a.id AS source, labels(a) AS source_labels, a.name AS source_name,
       b.id AS target, labels(b) AS target_labels, b.name AS target_name, properties(r) AS properties
ORDER BY source, target
