// Forget a person, part 2: the person node with every relationship in and out (ties, the
// org chart, WORKS_AT, committee seats, TIED_TO, referrals from or to them).
MATCH (p:Person {id: $id})
DETACH DELETE p
