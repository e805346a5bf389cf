// Run in every write transaction: the graph's version goes up by one, so cached projections
// (graphcrm/projection.py) know they are stale. `created` tells a new graph from an old one;
// `batch`, a random token per transaction, tells a store retrying a batch whose reply was lost
// that it was applied (graphcrm/store/base.py, Store.write). `name_keys`: the rule the search
// keys of names follow in this graph, equal to KEY_RULE in graphcrm/names.py (change both
// together): every write of this graphcrm keeps the keys, a graph without it gets them when opened.
// `pending`: null, but in the version written just before relationships are added with FalkorDB's
// bulk protocol in the graph itself (graphcrm/store/bulk.py, `append`), which writes no version:
// a graph so marked keeps nothing with its version (Store.version), until the next write.
// The node has no :Node label: exports, counts and searches never see it.
MERGE (v:GraphVersion {name: 'graph'})
ON CREATE SET v.created = timestamp()
SET v.version = coalesce(v.version, 0) + 1, v.batch = $batch, v.name_keys = 1, v.pending = $pending
