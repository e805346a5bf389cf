// Opportunities with the account each is for: all of them ($account null) or one account's,
// by account name, then name.
MATCH (o:Opportunity)
OPTIONAL MATCH (o)-[:FOR]->(a:Account)
WITH o, a
WHERE $account IS NULL OR a.id = $account
RETURN o.id AS id, o.name AS name, o.stage AS stage, o.value AS value, o.status AS status,
       o.close_date AS close_date, a.id AS account_id, a.name AS account_name
ORDER BY account_name, name, id
