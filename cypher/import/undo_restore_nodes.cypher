// Undo of an import that failed part-way: the nodes it changed get back their properties and
// their Rep label as they were (their own label an import never changes).
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n = row.props
FOREACH (_ IN CASE WHEN row.rep THEN [1] ELSE [] END | SET n:Rep)
FOREACH (_ IN CASE WHEN row.rep THEN [] ELSE [1] END | REMOVE n:Rep)
