// Per account: the members of the buying committees of its open opportunities (an opportunity
// without a status counts as open), each person once. Whom of them our team covers is
// graphcrm.paths.covered's to say.
MATCH (a:Account)<-[:FOR]-(o:Opportunity)<-[:IN_COMMITTEE]-(m:Person)
WHERE coalesce(o.status, 'open') = 'open'
RETURN a.id AS id, collect(DISTINCT m.id) AS members
ORDER BY id
