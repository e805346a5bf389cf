// The ties behind the hops of found paths: for each [source id, target id] pair, every
// introduction tie from source to target, with both names (the search keeps the warmest). A
// manager asking their direct report comes as MANAGES (a REPORTS_TO tie read the other way).
UNWIND $pairs AS pair
MATCH (a:Person {id: pair[0]})-[r:KNOWS|KIN|ALLY|INFLUENCES|REPORTS_TO]->(b:Person {id: pair[1]})
RETURN a.id AS source, a.name AS source_name, b.id AS target, b.name AS target_name, type(r) AS type,
       r.strength AS strength, r.context AS context, r.last_contact AS last_contact
UNION ALL
UNWIND $pairs AS pair
MATCH (a:Person {id: pair[0]})<-[r:REPORTS_TO]-(b:Person {id: pair[1]})
RETURN a.id AS source, a.name AS source_name, b.id AS target, b.name AS target_name, 'MANAGES' AS type,
       r.strength AS strength, r.context AS context, r.last_contact AS last_contact
