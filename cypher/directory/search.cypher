// People, accounts, organisations and opportunities whose name or id contains $text, without
// regard to case (the caller strips it; toLower leaves Chinese as it is). Closest first: the
// name or id is the text, the name starts with it, the name contains it, only the id contains
// it (ids share prefixes such as `apex.`); then people, accounts, organisations,
// opportunities; then by name. Each with what the viewer shows beside it.
MATCH (n:Node)
WHERE (n:Person OR n:Account OR n:Org OR n:Opportunity)
  AND (toLower(n.name) CONTAINS toLower($text) OR toLower(n.id) CONTAINS toLower($text))
OPTIONAL MATCH (n)-[:WORKS_AT]->(org:Node)
OPTIONAL MATCH (n)-[:FOR]->(account:Account)
WITH n, min(org.name) AS org_name, min(account.name) AS account_name,
     toLower(coalesce(n.name, n.id)) AS name_key, toLower(n.id) AS id_key, toLower($text) AS text
WITH n, org_name, account_name,
     CASE
       WHEN name_key = text OR id_key = text THEN 0
       WHEN name_key STARTS WITH text THEN 1
       WHEN name_key CONTAINS text THEN 2
       ELSE 3
     END AS closeness,
     CASE
       WHEN n:Person THEN 'person'
       WHEN n:Account THEN 'account'
       WHEN n:Org THEN 'org'
       ELSE 'opportunity'
     END AS kind
RETURN kind, n.id AS id, coalesce(n.name, n.id) AS name, n.title AS title, org_name,
       n.kind AS org_kind, account_name, closeness
ORDER BY closeness,
         CASE kind WHEN 'person' THEN 0 WHEN 'account' THEN 1 WHEN 'org' THEN 2 ELSE 3 END,
         name, id
LIMIT $limit
