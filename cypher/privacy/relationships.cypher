// Every relationship of one person, out and in, with the other end's id, labels and name and
// the relationship's properties (symmetric ties appear both ways, as they are stored).
MATCH (p:Person {id: $id})-[r]->(o:Node)
RETURN 'out' AS direction, type(r) AS type, o.id AS other, labels(o) AS other_labels, o.name AS other_name,
       properties(r) AS properties
UNION ALL
MATCH (p:Person {id: $id})<-[r]-(o:Node)
RETURN 'in' AS direction, type(r) AS type, o.id AS other, labels(o) AS other_labels, o.name AS other_name,
       properties(r) AS properties
