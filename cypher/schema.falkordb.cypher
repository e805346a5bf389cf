// FalkorDB: a range index on `id` for every label (the unique constraint on Node.id is made
// by GRAPH.CONSTRAINT, which is not Cypher: see graphcrm/store/falkordb.py).
CREATE INDEX FOR (n:Node) ON (n.id);
CREATE INDEX FOR (n:Account) ON (n.id);
CREATE INDEX FOR (n:Org) ON (n.id);
CREATE INDEX FOR (n:Person) ON (n.id);
CREATE INDEX FOR (n:Opportunity) ON (n.id);
CREATE INDEX FOR (n:Account) ON (n.name);
CREATE INDEX FOR (n:Org) ON (n.name);
CREATE INDEX FOR (n:Person) ON (n.name);
