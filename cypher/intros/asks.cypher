// Introduction requests, newest first: all of them, or those by $by, or those with $status;
// each with the names of the people it involves (a person since forgotten shows as null).
MATCH (a:Ask)
WHERE ($by IS NULL OR a.by = $by) AND ($status IS NULL OR a.status = $status)
  AND ($id IS NULL OR a.id = $id)
OPTIONAL MATCH (by:Person {id: a.by})
OPTIONAL MATCH (via:Person {id: a.via})
OPTIONAL MATCH (to:Person {id: a.to})
OPTIONAL MATCH (target:Person {id: a.target})
OPTIONAL MATCH (o:Opportunity {id: a.opportunity})
RETURN a.id AS id, a.by AS by, by.name AS by_name, a.via AS via, via.name AS via_name,
       a.to AS to, to.name AS to_name, a.target AS target, target.name AS target_name,
       a.opportunity AS opportunity, o.name AS opportunity_name, a.status AS status,
       a.message AS message, a.created AS created, a.updated AS updated
ORDER BY created DESC, id
