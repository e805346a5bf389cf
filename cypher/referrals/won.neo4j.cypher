// Won accounts: status 'won' or at least one won opportunity, with the close dates of their
// won opportunities (when a referral to them turned into a deal) and their ids (what a write
// to one of them may change: graphcrm.referrals._patch). In no order: graphcrm.referrals
// orders them.
MATCH (a:Account)
OPTIONAL MATCH (o:Opportunity)-[:FOR]->(a)
WHERE o.status = 'won'
WITH a, collect(o.close_date) AS won_dates, collect(o.id) AS won_opportunities
WHERE a.status = 'won' OR size(won_dates) > 0
RETURN a.id AS id, a.name AS name, won_dates, won_opportunities
