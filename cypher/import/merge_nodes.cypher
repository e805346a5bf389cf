// Merge nodes by id: every node carries :Node plus its own label; Rep is set or removed when
// `rep` is true or false and left alone when null. Properties are added or updated, never
// removed, so importing the same rows twice changes nothing.
UNWIND $rows AS row
MERGE (n:Node {id: row.id})
SET n += row.props
FOREACH (_ IN CASE WHEN row.label = 'Account' THEN [1] ELSE [] END | SET n:Account)
FOREACH (_ IN CASE WHEN row.label = 'Org' THEN [1] ELSE [] END | SET n:Org)
FOREACH (_ IN CASE WHEN row.label = 'Person' THEN [1] ELSE [] END | SET n:Person)
FOREACH (_ IN CASE WHEN row.label = 'Opportunity' THEN [1] ELSE [] END | SET n:Opportunity)
FOREACH (_ IN CASE WHEN row.rep = true THEN [1] ELSE [] END | SET n:Rep)
FOREACH (_ IN CASE WHEN row.rep = false THEN [1] ELSE [] END | REMOVE n:Rep)
