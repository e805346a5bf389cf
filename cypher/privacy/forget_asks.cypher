// Forget a person, part 4: introduction requests (graphcrm/intros.py). The asks involving them
// ($id as the rep, the one asked, the one to meet or the target) are deleted; in the others, a
// message naming them (holding any of $terms, lower case) becomes '(forgotten)'.
MATCH (a:Ask)
WHERE $id IN [a.by, a.via, a.to, a.target]
DELETE a
WITH count(*) AS deleted
MATCH (a:Ask)
WHERE any(t IN $terms WHERE toLower(a.message) CONTAINS t)
SET a.message = '(forgotten)'
