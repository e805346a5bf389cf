// Every account with its existing revenue, its potential and the tier recorded for it, for
// the priority grid of seed 001 (existing revenue × potential business) and the 80/20 line.
MATCH (a:Account)
RETURN a.id AS id, a.name AS name, a.status AS status, a.tier AS tier,
       a.revenue AS revenue, a.potential AS potential
ORDER BY id
