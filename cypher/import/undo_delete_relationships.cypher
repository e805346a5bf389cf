// Undo of an import that failed part-way: remove the relationships it merged between nodes
// that were there before, where none was (the ties of nodes it created go with the nodes).
UNWIND $rows AS row
MATCH (a:Node {id: row.source})-[r]->(b:Node {id: row.target})
WHERE type(r) = row.type AND (row.kind IS NULL OR r.kind = row.kind)
DELETE r
