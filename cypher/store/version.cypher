// The graph's version (see touch.cypher): null in a graph never written by graphcrm; `batch`
// is the token of the last transaction written.
OPTIONAL MATCH (v:GraphVersion {name: 'graph'})
RETURN v.created AS created, v.version AS version, v.batch AS batch
