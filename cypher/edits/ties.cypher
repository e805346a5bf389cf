// Every relationship between two records, each way, with its properties: the tie an edit
// changes (a symmetric tie is stored once each way), read under the write lock.
MATCH (a:Node {id: $a})-[r]->(b:Node {id: $b})
RETURN 'out' AS direction, type(r) AS type, properties(r) AS props
UNION ALL
MATCH (a:Node {id: $a})<-[r]-(b:Node {id: $b})
RETURN 'in' AS direction, type(r) AS type, properties(r) AS props
