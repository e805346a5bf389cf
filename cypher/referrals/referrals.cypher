// Every referral (X REFERRED Y), with the account each side works at when a person made or
// received it (a person who works at an account speaks for it), and the person credited with
// it (by_person). Rows come once per referral unless a person works at several accounts;
// graphcrm.referrals orders them (the same on both engines), so this query does not.
MATCH (s:Node)-[r:REFERRED]->(t:Node)
OPTIONAL MATCH (s)-[:WORKS_AT]->(sa:Account)
OPTIONAL MATCH (t)-[:WORKS_AT]->(ta:Account)
OPTIONAL MATCH (by:Person {id: r.by_person})
RETURN s.id AS referrer, s.name AS referrer_name, s:Person AS referrer_is_person,
       sa.id AS referrer_account, sa.name AS referrer_account_name,
       t.id AS referred, t.name AS referred_name, t:Person AS referred_is_person,
       ta.id AS referred_account, ta.name AS referred_account_name,
       r.by_person AS by_person, by.name AS by_person_name,
       r.date AS date, r.value AS value, r.outcome AS outcome
