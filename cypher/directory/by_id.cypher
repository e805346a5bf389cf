// The labels of the record with id $id (none: no row): the cheap first step of resolving what a
// user typed (graphcrm/names.py), through the unique index on `id`, before any scan by name.
MATCH (n:Node {id: $id})
RETURN labels(n) AS labels
