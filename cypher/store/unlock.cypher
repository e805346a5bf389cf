// Release the write lock (see lock.cypher), if it is still ours.
MATCH (l:WriteLock {name: 'graph'})
WHERE l.holder = $holder
SET l.holder = null, l.until = null
