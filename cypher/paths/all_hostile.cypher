// Every enemy and blocker of every open committee: a path that avoids them all avoids anyone
// the rule of graphcrm.paths (hostile.cypher) asks it to avoid.
MATCH (o:Opportunity)<-[m:IN_COMMITTEE]-(x:Person)
WHERE o.status = 'open' AND m.stance IN ['enemy', 'blocker']
RETURN DISTINCT x.id AS id
ORDER BY id
