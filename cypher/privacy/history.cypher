// The change history entries held on a person (graphcrm/history.py): those about them ($id among
// the entry's subjects: their edits, ties, contacts and seats), and those whose text names them
// (a name, value or note holding any of $terms, lower case), newest first.
MATCH (c:Change)
WHERE $id IN c.subjects
   OR any(t IN $terms WHERE toLower(c.name) CONTAINS t OR toLower(c.other_name) CONTAINS t
                         OR toLower(c.before) CONTAINS t OR toLower(c.after) CONTAINS t
                         OR toLower(c.note) CONTAINS t)
RETURN c.id AS id, c.at AS at, c.by AS by, c.kind AS kind, c.record AS record, c.other AS other,
       c.type AS type, c.name AS name, c.other_name AS other_name, c.field AS field,
       c.before AS before, c.after AS after, c.note AS note
ORDER BY at DESC, id
