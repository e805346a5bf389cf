// The new status of introduction request $id.
MATCH (a:Ask {id: $id})
SET a.status = $status, a.updated = $now
