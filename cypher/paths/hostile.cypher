// Whom a path to each of these people must not pass through: the enemies and blockers in any
// open committee on the account the person works at (the rule of graphcrm.paths).
UNWIND $targets AS target
MATCH (t:Person {id: target})
OPTIONAL MATCH (t)-[:WORKS_AT]->(a:Account)<-[:FOR]-(o:Opportunity)<-[m:IN_COMMITTEE]-(x:Person)
WHERE o.status = 'open' AND m.stance IN ['enemy', 'blocker']
RETURN t.id AS id,
       collect(DISTINCT {id: x.id, name: x.name, reason: m.stance + ' in ' + coalesce(o.name, o.id)}) AS hostile
