// Every relationship between nodes, by the ids of its ends (the export's second part).
MATCH (a:Node)-[r]->(b:Node)
RETURN a.id AS start, type(r) AS type, b.id AS end, properties(r) AS properties
ORDER BY start, type, end
