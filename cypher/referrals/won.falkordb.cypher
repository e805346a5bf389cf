// Won accounts: status 'won' or at least one won opportunity, with the close dates of their
// won opportunities (when a referral to them turned into a deal) and their ids (what a write
// to one of them may change: graphcrm.referrals._patch). In no order: graphcrm.referrals
// orders them.
// FalkorDB: from the won opportunities first, then the accounts marked won that have none,
// instead of following every account to its opportunities (at scale M: 3 ms instead of 20).
// Its CALL takes no variable scope clause, which Neo4j's Cypher 5 wants (won.neo4j.cypher).
CALL {
  MATCH (o:Opportunity)-[:FOR]->(a:Account)
  WHERE o.status = 'won'
  WITH a, collect(o.close_date) AS won_dates, collect(o.id) AS won_opportunities
  WHERE a.status = 'won' OR size(won_dates) > 0
  RETURN a.id AS id, a.name AS name, won_dates, won_opportunities
  UNION ALL
  MATCH (a:Account)
  WHERE a.status = 'won' AND NOT (a)<-[:FOR]-(:Opportunity {status: 'won'})
  RETURN a.id AS id, a.name AS name, [] AS won_dates, [] AS won_opportunities
}
RETURN id, name, won_dates, won_opportunities
