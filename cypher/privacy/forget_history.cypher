// Forget a person, part 3: their change history (graphcrm/history.py). The entries about them
// ($id among the subjects) are deleted; in the others, each text naming them (holding any of
// $terms, lower case) becomes '(forgotten)': old and new values and notes may hold anything.
MATCH (c:Change)
WHERE $id IN c.subjects
DELETE c
WITH count(*) AS deleted
MATCH (c:Change)
WHERE any(t IN $terms WHERE toLower(c.name) CONTAINS t OR toLower(c.other_name) CONTAINS t
                         OR toLower(c.before) CONTAINS t OR toLower(c.after) CONTAINS t
                         OR toLower(c.note) CONTAINS t)
SET c.name = CASE WHEN any(t IN $terms WHERE toLower(c.name) CONTAINS t) THEN '(forgotten)' ELSE c.name END,
    c.other_name = CASE WHEN any(t IN $terms WHERE toLower(c.other_name) CONTAINS t) THEN '(forgotten)' ELSE c.other_name END,
    c.before = CASE WHEN any(t IN $terms WHERE toLower(c.before) CONTAINS t) THEN '(forgotten)' ELSE c.before END,
    c.after = CASE WHEN any(t IN $terms WHERE toLower(c.after) CONTAINS t) THEN '(forgotten)' ELSE c.after END,
    c.note = CASE WHEN any(t IN $terms WHERE toLower(c.note) CONTAINS t) THEN '(forgotten)' ELSE c.note END
