// The members of one opportunity's buying committee.
MATCH (p:Person)-[:IN_COMMITTEE]->(o:Opportunity {id: $opportunity})
RETURN p.id AS id, p.name AS name
ORDER BY id
