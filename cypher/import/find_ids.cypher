// Which of the given ids are already in the database, and as what.
MATCH (n:Node)
WHERE n.id IN $ids
RETURN n.id AS id, labels(n) AS labels
