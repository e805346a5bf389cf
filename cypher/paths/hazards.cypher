// Who a path to this person should avoid or flag: enemies and blockers in any open
// committee on the target's account, and anyone tied to a competitor organisation.
MATCH (t:Person {id: $target})
OPTIONAL MATCH (t)-[:WORKS_AT]->(a:Account)<-[:FOR]-(o:Opportunity)<-[m:IN_COMMITTEE]-(x:Person)
WHERE o.status = 'open' AND m.stance IN ['enemy', 'blocker']
WITH collect(DISTINCT {id: x.id, name: x.name, reason: m.stance + ' in ' + coalesce(o.name, o.id)}) AS hostile
OPTIONAL MATCH (y:Person)-[c:TIED_TO]->(org:Org {kind: 'competitor'})
RETURN hostile,
       collect(DISTINCT {id: y.id, name: y.name, reason: 'tied to competitor ' + org.name + ' (' + c.kind + ')'})
         AS competitor
