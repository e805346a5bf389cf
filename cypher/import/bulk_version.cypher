// A bulk import (graphcrm/store/bulk.py) builds the graph beside the real one and then puts it in
// the real one's place: the new graph's version node first takes the real one's creation time
// and version (none: now and 0), then store/touch.cypher counts the import as one write.
// The node has no :Node label: exports, counts and searches never see it.
MERGE (v:GraphVersion {name: 'graph'})
SET v.created = coalesce($created, timestamp()), v.version = $version
