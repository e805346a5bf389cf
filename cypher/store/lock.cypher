// The write lock on Neo4j (FalkorDB keeps it in a key: FalkorDBStore.claim_lock): one writer at a time (imports, edits), so that two writers leave the graph
// as the same writes one after the other would (graphcrm/store/lock.py). A lease: `holder`
// holds it until `until` (the server's clock, in ms) and renews it while it writes; it is free
// when nobody holds it, when its lease ran out, or when the caller names the holder as one to
// replace (`$steal`: a process of this machine that died holding it).
// Setting `claim` first makes Neo4j take its write lock on the node before `holder` is read,
// so that two transactions cannot both find it free. The node has no :Node label: exports,
// counts and searches never see it.
MERGE (l:WriteLock {name: 'graph'})
SET l.claim = $holder
WITH l, (l.holder IS NULL OR l.holder = $holder OR l.holder = $steal OR l.until < timestamp()) AS free
SET l.holder = CASE WHEN free THEN $holder ELSE l.holder END,
    l.until = CASE WHEN free THEN timestamp() + $lease ELSE l.until END,
    l.claim = null
RETURN l.holder AS holder, l.until - timestamp() AS left
