// The names of the indexes there are (a constraint's own index carries the constraint's name):
// when every one of schema.neo4j.cypher is there, opening a database sends nothing more.
SHOW INDEXES YIELD name
RETURN collect(name) AS names
