// Accounts and organisations by name, to match companies named in a LinkedIn export.
MATCH (n:Node)
WHERE n:Account OR n:Org
RETURN n.id AS id, n.name AS name
