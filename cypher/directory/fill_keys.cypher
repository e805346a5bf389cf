// Store the search key of each node's name (graphcrm/names.py, fill_keys); a null key removes it.
UNWIND $rows AS row
MATCH (n:Node {id: row.id})
SET n.name_key = row.key
