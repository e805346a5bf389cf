// The account and the people who work there, with their formal rank (1 = top of the org
// chart): one row with a null person when the account has nobody, none when it is unknown.
MATCH (a:Account {id: $account})
OPTIONAL MATCH (p:Person)-[:WORKS_AT]->(a)
RETURN a.id AS account, a.name AS account_name,
       p.id AS id, p.name AS name, p.title AS title, p.rank AS rank
ORDER BY id
