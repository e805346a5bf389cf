// `won.*.cypher` for the accounts of $ids and the accounts the opportunities of $ids are for:
// what a write touching only those records may have changed (graphcrm.referrals._patch).
// In no order: graphcrm.referrals orders them.
UNWIND $ids AS wanted
MATCH (n:Node {id: wanted})
OPTIONAL MATCH (n)-[:FOR]->(of:Account)
WITH DISTINCT CASE WHEN n:Account THEN n ELSE of END AS a
WHERE a IS NOT NULL
OPTIONAL MATCH (o:Opportunity)-[:FOR]->(a)
WHERE o.status = 'won'
WITH a, collect(o.close_date) AS won_dates, collect(o.id) AS won_opportunities
WHERE a.status = 'won' OR size(won_dates) > 0
RETURN a.id AS id, a.name AS name, won_dates, won_opportunities
