// The graph's version (see touch.cypher): null in a graph never written by graphcrm; `batch`
// is the token of the last transaction written; `name_keys` the rule of the search keys;
// `pending` set while relationships are added in bulk (touch.cypher).
OPTIONAL MATCH (v:GraphVersion {name: 'graph'})
RETURN v.created AS created, v.version AS version, v.batch AS batch, v.name_keys AS name_keys,
       v.pending AS pending
