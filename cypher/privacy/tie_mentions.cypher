// Relationships between other records whose context (or TIED_TO kind) names a person: the
// words stay after forgetting them, until the user edits them. Symmetric ties come both ways.
MATCH (a:Node)-[r]->(b:Node)
WHERE a.id <> $id AND b.id <> $id
  AND any(t IN $terms WHERE toLower(r.context) CONTAINS t OR toLower(r.kind) CONTAINS t)
RETURN a.id AS start, a.name AS start_name, type(r) AS type, b.id AS end, b.name AS end_name
ORDER BY start, type, end
