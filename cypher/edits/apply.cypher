// One edit (graphcrm/edits.py) with its history entries (graphcrm/history.py), as ONE query:
// a query is one transaction on every engine and is undone whole when it fails (FalkorDB runs
// the statements of a batch in MULTI/EXEC, which would keep the first when a later one failed).
// Everything it names was read and checked under the write lock just before.
// - $remove: relationships to delete ({type, source, target}; a symmetric tie is listed both ways);
// - $records: nodes whose properties become `props` whole (a new person: `person` true);
// - $ties: relationships whose properties become `props` whole, created where missing (a
//   symmetric tie is listed both ways; TIED_TO is one per kind);
// - $changes: the history entries, nodes labelled Change without the :Node label.
OPTIONAL MATCH (x:Node)-[r]->(y:Node)
WHERE x.id IN [t IN $remove | t.source]
  AND any(t IN $remove WHERE t.source = x.id AND t.target = y.id AND t.type = type(r)
                         AND (t.kind IS NULL OR t.kind = r.kind))
DELETE r
WITH count(*) AS removed
FOREACH (row IN $records |
  MERGE (n:Node {id: row.id})
  SET n = row.props
  FOREACH (_ IN CASE WHEN row.person THEN [1] ELSE [] END | SET n:Person))
FOREACH (row IN $ties |
  MERGE (a:Node {id: row.source})
  MERGE (b:Node {id: row.target})
  FOREACH (_ IN CASE WHEN row.type = 'KNOWS' THEN [1] ELSE [] END | MERGE (a)-[r:KNOWS]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'ALLY' THEN [1] ELSE [] END | MERGE (a)-[r:ALLY]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'OPPOSES' THEN [1] ELSE [] END | MERGE (a)-[r:OPPOSES]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'KIN' THEN [1] ELSE [] END | MERGE (a)-[r:KIN]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'INFLUENCES' THEN [1] ELSE [] END | MERGE (a)-[r:INFLUENCES]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'REPORTS_TO' THEN [1] ELSE [] END | MERGE (a)-[r:REPORTS_TO]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'TIED_TO' THEN [1] ELSE [] END | MERGE (a)-[r:TIED_TO {kind: row.kind}]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'WORKS_AT' THEN [1] ELSE [] END | MERGE (a)-[r:WORKS_AT]->(b) SET r = row.props)
  FOREACH (_ IN CASE WHEN row.type = 'IN_COMMITTEE' THEN [1] ELSE [] END | MERGE (a)-[r:IN_COMMITTEE]->(b) SET r = row.props))
FOREACH (row IN $changes |
  CREATE (:Change {id: row.id, edit: row.edit, seq: row.seq, at: row.at, by: row.by, kind: row.kind,
                   record: row.record, other: row.other, type: row.type, name: row.name,
                   other_name: row.other_name, field: row.field, before: row.before, after: row.after,
                   note: row.note, subjects: row.subjects}))
