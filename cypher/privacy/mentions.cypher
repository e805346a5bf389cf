// Other records whose text still names a person (after forgetting them, those words stay
// until the user edits them): the text properties holding any of $terms (lower case).
MATCH (n:Node)
WHERE n.id <> $id
WITH n, [k IN ['name', 'title', 'department', 'notes', 'hobbies'] WHERE any(t IN $terms WHERE toLower(n[k]) CONTAINS t)] AS keys
WHERE size(keys) > 0
RETURN n.id AS id, n.name AS name, keys
ORDER BY id
