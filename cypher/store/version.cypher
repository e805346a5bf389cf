// The graph's version (see touch.cypher): null in a graph never written by graphcrm; `batch`
// is the token of the last transaction written; `name_keys` the rule of the search keys.
OPTIONAL MATCH (v:GraphVersion {name: 'graph'})
RETURN v.created AS created, v.version AS version, v.batch AS batch, v.name_keys AS name_keys
