// The members of these opportunities' buying committees (ids, each once): the next steps work
// out the warmest path to all of them at once before mapping each committee.
UNWIND $opportunities AS opportunity
MATCH (:Opportunity {id: opportunity})<-[:IN_COMMITTEE]-(p:Person)
RETURN DISTINCT p.id AS id
ORDER BY id
