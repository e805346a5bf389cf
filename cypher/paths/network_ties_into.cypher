// The introduction ties into the people of $ids (as network_ties.cypher reads them, by id): what
// a write that touched only these people may have changed (graphcrm.projection.patching).
UNWIND $ids AS wanted
MATCH (b:Person {id: wanted})
MATCH (a:Person)-[r:KNOWS|KIN|ALLY|INFLUENCES|REPORTS_TO]->(b)
RETURN a.id AS source, b.id AS target, r.strength AS strength, r.last_contact AS last_contact,
       type(r) = 'REPORTS_TO' AS org
UNION ALL
UNWIND $ids AS wanted
MATCH (b:Person {id: wanted})
MATCH (a:Person)<-[r:REPORTS_TO]-(b)
RETURN a.id AS source, b.id AS target, r.strength AS strength, r.last_contact AS last_contact, true AS org
