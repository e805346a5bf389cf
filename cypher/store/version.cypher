// The graph's version (see touch.cypher): null in a graph never written by graphcrm.
OPTIONAL MATCH (v:GraphVersion {name: 'graph'})
RETURN v.created AS created, v.version AS version
