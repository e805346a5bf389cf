// Per account: the members of the buying committees of its open opportunities (an opportunity
// without a status counts as open), each person once, and how many of them one of our reps
// reaches within 3 hops over KNOWS, KIN, ALLY (stored both ways) and INFLUENCES (from the one
// listened to, as an introduction travels). A rep on a committee covers themself.
MATCH (a:Account)<-[:FOR]-(o:Opportunity)<-[:IN_COMMITTEE]-(m:Person)
WHERE coalesce(o.status, 'open') = 'open'
WITH DISTINCT a, m
OPTIONAL MATCH (c:Person {id: m.id})
WHERE c:Rep OR (c)<-[:KNOWS|KIN|ALLY|INFLUENCES*1..3]-(:Rep)
RETURN a.id AS id, count(m) AS members, count(c) AS covered
ORDER BY id
