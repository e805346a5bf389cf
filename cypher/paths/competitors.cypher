// Whom a path should flag (or, strict, avoid): anyone tied to a competitor organisation.
MATCH (y:Person)-[c:TIED_TO]->(org:Org {kind: 'competitor'})
RETURN DISTINCT y.id AS id, y.name AS name, 'tied to competitor ' + org.name + ' (' + c.kind + ')' AS reason
