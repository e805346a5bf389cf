// Whom a path must not pass through, per account: the enemies and blockers in its open
// committees (the rule of graphcrm.paths: a path to anyone who works at the account avoids
// them). Read once per version of the graph; `accounts_of` says who works where.
MATCH (a:Account)<-[:FOR]-(o:Opportunity)<-[m:IN_COMMITTEE]-(x:Person)
WHERE o.status = 'open' AND m.stance IN ['enemy', 'blocker']
RETURN a.id AS account, x.id AS id, x.name AS name, m.stance + ' in ' + coalesce(o.name, o.id) AS reason
ORDER BY account, id, reason
