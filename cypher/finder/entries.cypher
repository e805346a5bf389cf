// Every record search looks through (graphcrm.finder): people, accounts, organisations and
// opportunities (kind_order 0-3; a record with two of those labels counts as the first), with
// what a search matches (the name, its search key, the id, a person's title and email) and
// shows beside a hit (a person's places of work, the account an opportunity is for, an
// organisation's kind). One row per place: a person who works at two gives two rows, a record
// with none one row with a null place. One branch per label, each from the label's own scan: a
// look at every node with a label test and a typed OPTIONAL MATCH took 3.7 s at scale M, this 0.35.
MATCH (n:Person:Node)
OPTIONAL MATCH (n)-[:WORKS_AT]->(place:Node)
RETURN n.id AS id, 0 AS kind_order, n.name AS name, n.name_key AS name_key, n.title AS title,
       n.email AS email, n.kind AS org_kind, place.id AS place
UNION ALL
MATCH (n:Account:Node)
WHERE NOT n:Person
RETURN n.id AS id, 1 AS kind_order, n.name AS name, n.name_key AS name_key, n.title AS title,
       n.email AS email, n.kind AS org_kind, null AS place
UNION ALL
MATCH (n:Org:Node)
WHERE NOT n:Person AND NOT n:Account
RETURN n.id AS id, 2 AS kind_order, n.name AS name, n.name_key AS name_key, n.title AS title,
       n.email AS email, n.kind AS org_kind, null AS place
UNION ALL
MATCH (n:Opportunity:Node)
WHERE NOT n:Person AND NOT n:Account AND NOT n:Org
OPTIONAL MATCH (n)-[:FOR]->(place:Account)
RETURN n.id AS id, 3 AS kind_order, n.name AS name, n.name_key AS name_key, n.title AS title,
       n.email AS email, n.kind AS org_kind, place.id AS place
