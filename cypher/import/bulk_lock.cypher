// A bulk import (graphcrm/store/bulk.py) builds the graph beside the real one and then puts it in
// the real one's place: the new graph holds the write lock for the same writer, with a fresh
// lease (see store/lock.cypher), so that it still holds it after the swap and releases it as usual.
MERGE (l:WriteLock {name: 'graph'})
SET l.holder = $holder, l.until = timestamp() + $lease
