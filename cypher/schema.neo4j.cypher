// Neo4j: every node carries :Node with a unique string id; lookups by id and name are indexed.
CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE INDEX account_id IF NOT EXISTS FOR (n:Account) ON (n.id);
CREATE INDEX org_id IF NOT EXISTS FOR (n:Org) ON (n.id);
CREATE INDEX person_id IF NOT EXISTS FOR (n:Person) ON (n.id);
CREATE INDEX opportunity_id IF NOT EXISTS FOR (n:Opportunity) ON (n.id);
CREATE INDEX account_name IF NOT EXISTS FOR (n:Account) ON (n.name);
CREATE INDEX org_name IF NOT EXISTS FOR (n:Org) ON (n.name);
CREATE INDEX person_name IF NOT EXISTS FOR (n:Person) ON (n.name);
// One write-lock node (store/lock.cypher): unique, so that two first writers MERGE one node.
CREATE CONSTRAINT write_lock_name IF NOT EXISTS FOR (l:WriteLock) REQUIRE l.name IS UNIQUE;
