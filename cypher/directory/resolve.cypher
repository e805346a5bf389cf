// The people, accounts, organisations or opportunities ($kind) that $text may name: by id, by
// name or email (folded: $folded), or by a spelling in the name's search key ($typed, one
// space-separated word of `name_key`, see graphcrm/names.py). `exact` is true for all of these;
// the caller turns one exact row into its id and several into a choice.
// People are told by their label after the text found them, the other kinds before: a label
// test on every node costs more than the text's for people, less for the few of other kinds
// (measured at scale M: docs/performance.md).
MATCH (n:Node)
WHERE ($kind = 'person' OR (n:Account AND $kind = 'account') OR (n:Org AND $kind = 'org')
       OR (n:Opportunity AND $kind = 'opportunity'))
  AND (n.id = $text OR toLower(n.name) = $folded OR toLower(n.email) = $folded
       OR (' ' + n.name_key + ' ') CONTAINS (' ' + $typed + ' '))
WITH n, CASE $kind WHEN 'person' THEN n:Person WHEN 'account' THEN n:Account
                   WHEN 'org' THEN n:Org WHEN 'opportunity' THEN n:Opportunity END AS wanted
WHERE wanted
OPTIONAL MATCH (n)-[:WORKS_AT]->(org:Node)
OPTIONAL MATCH (n)-[:FOR]->(account:Account)
WITH n, min(org.name) AS org_name, min(account.name) AS account_name
RETURN $kind AS kind, n.id AS id, coalesce(n.name, n.id) AS name, n.title AS title,
       coalesce(org_name, account_name, n.kind) AS place, true AS exact
ORDER BY name, id
LIMIT 50
