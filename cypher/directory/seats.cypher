// The buying committees one person sits on: the opportunity, its account and the seat.
MATCH (p:Person {id: $id})-[m:IN_COMMITTEE]->(o:Opportunity)
OPTIONAL MATCH (o)-[:FOR]->(a:Account)
RETURN o.id AS opportunity_id, o.name AS opportunity_name, o.status AS status,
       a.id AS account_id, a.name AS account_name, properties(m) AS seat
ORDER BY opportunity_name, opportunity_id
