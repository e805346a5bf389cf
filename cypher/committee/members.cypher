// These opportunities' buying committees: each member's seat (roles, attitude, stance,
// influence overall and per stage) and who they are, with the opportunity and its account.
// An opportunity without members comes once, with no member; an unknown id not at all.
UNWIND $opportunities AS opportunity
MATCH (o:Opportunity {id: opportunity})
OPTIONAL MATCH (o)-[:FOR]->(a:Account)
OPTIONAL MATCH (p:Person)-[m:IN_COMMITTEE]->(o)
RETURN o.id AS opportunity, o.name AS opportunity_name, o.stage AS current_stage, o.status AS status,
       a.id AS account, a.name AS account_name,
       p.id AS id, p.name AS name, p.title AS title, p.channels AS channels, properties(m) AS seat
ORDER BY opportunity, id
