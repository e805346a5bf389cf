// Merge relationships between nodes that existed before the import (checked before writing):
// one per type and pair, and for TIED_TO one per kind. A symmetric tie is one row, written
// both ways. Ties to a node new in this import, and ties found not there before the import
// wrote, go through import/create_relationships.
// A batch whose rows share one type runs that type's FOREACH line alone (graphcrm.queries.branch).
// The ends are found by their handles (import/handles): on Neo4j, their ids.
UNWIND $rows AS row
MATCH (a:Node {id: row.a})
MATCH (b:Node {id: row.b})
FOREACH (_ IN CASE WHEN row.type = 'KNOWS' THEN [1] ELSE [] END | MERGE (a)-[r:KNOWS]->(b) SET r += row.props MERGE (b)-[s:KNOWS]->(a) SET s += row.props)
FOREACH (_ IN CASE WHEN row.type = 'ALLY' THEN [1] ELSE [] END | MERGE (a)-[r:ALLY]->(b) SET r += row.props MERGE (b)-[s:ALLY]->(a) SET s += row.props)
FOREACH (_ IN CASE WHEN row.type = 'OPPOSES' THEN [1] ELSE [] END | MERGE (a)-[r:OPPOSES]->(b) SET r += row.props MERGE (b)-[s:OPPOSES]->(a) SET s += row.props)
FOREACH (_ IN CASE WHEN row.type = 'KIN' THEN [1] ELSE [] END | MERGE (a)-[r:KIN]->(b) SET r += row.props MERGE (b)-[s:KIN]->(a) SET s += row.props)
FOREACH (_ IN CASE WHEN row.type = 'INFLUENCES' THEN [1] ELSE [] END | MERGE (a)-[r:INFLUENCES]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'REPORTS_TO' THEN [1] ELSE [] END | MERGE (a)-[r:REPORTS_TO]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'TIED_TO' THEN [1] ELSE [] END | MERGE (a)-[r:TIED_TO {kind: row.kind}]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'WORKS_AT' THEN [1] ELSE [] END | MERGE (a)-[r:WORKS_AT]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'REFERRED' THEN [1] ELSE [] END | MERGE (a)-[r:REFERRED]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'IN_COMMITTEE' THEN [1] ELSE [] END | MERGE (a)-[r:IN_COMMITTEE]->(b) SET r += row.props)
FOREACH (_ IN CASE WHEN row.type = 'FOR' THEN [1] ELSE [] END | MERGE (a)-[r:FOR]->(b) SET r += row.props)
