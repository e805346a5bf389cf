// The open opportunities, soonest to close first, with their account and owner (a rep's id,
// or null when the CRM gave none).
MATCH (o:Opportunity)
WHERE o.status = 'open'
OPTIONAL MATCH (o)-[:FOR]->(a:Account)
RETURN o.id AS id, o.name AS name, o.stage AS stage, o.value AS value, o.close_date AS close_date,
       o.owner AS owner, a.id AS account_id, a.name AS account_name
ORDER BY close_date, name, id
