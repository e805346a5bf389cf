// The account's people in the buying committees of its open opportunities (an opportunity
// without a status counts as open): their largest influence (percent), their largest say at
// the `decide` stage, and the opportunities on which they hold the decider's role (D).
MATCH (a:Account {id: $account})<-[:FOR]-(o:Opportunity)<-[m:IN_COMMITTEE]-(p:Person)-[:WORKS_AT]->(a)
WHERE coalesce(o.status, 'open') = 'open'
RETURN p.id AS id,
       max(coalesce(m.influence, 0)) AS influence,
       max(coalesce(m.influence_decide, 0)) AS decide,
       collect(DISTINCT CASE WHEN 'D' IN coalesce(m.roles, []) THEN coalesce(o.name, o.id) END) AS decides
ORDER BY id
