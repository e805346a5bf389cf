// Undo of an import that failed part-way: remove the nodes it created, with their ties.
MATCH (n:Node)
WHERE n.id IN $ids
DETACH DELETE n
