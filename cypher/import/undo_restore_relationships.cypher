// Undo of an import that failed part-way: relationships it merged that were there before get
// back their properties as they were.
UNWIND $rows AS row
MATCH (a:Node {id: row.source})-[r]->(b:Node {id: row.target})
WHERE type(r) = row.type AND (row.kind IS NULL OR r.kind = row.kind)
SET r = row.props
