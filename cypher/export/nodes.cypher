// Every node with its labels and properties (the export's first part).
MATCH (n:Node)
RETURN n.id AS id, labels(n) AS labels, properties(n) AS properties
ORDER BY id
