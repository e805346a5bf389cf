// The referrals made or received by the records of $ids, as `referrals.cypher` gives them: all
// that a write touching only those records may have changed (graphcrm.referrals._patch).
// An index look-up per id, instead of the look at every node that finding all referrals takes.
UNWIND $ids AS wanted
MATCH (:Node {id: wanted})-[r:REFERRED]-(:Node)
WITH DISTINCT r
WITH startNode(r) AS s, r, endNode(r) AS t
OPTIONAL MATCH (s)-[:WORKS_AT]->(sa:Account)
OPTIONAL MATCH (t)-[:WORKS_AT]->(ta:Account)
OPTIONAL MATCH (by:Person {id: r.by_person})
RETURN s.id AS referrer, s.name AS referrer_name, s:Person AS referrer_is_person,
       sa.id AS referrer_account, sa.name AS referrer_account_name,
       t.id AS referred, t.name AS referred_name, t:Person AS referred_is_person,
       ta.id AS referred_account, ta.name AS referred_account_name,
       r.by_person AS by_person, by.name AS by_person_name,
       r.date AS date, r.value AS value, r.outcome AS outcome
