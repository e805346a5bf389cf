// What the graph holds: nodes by label and relationships by type, one statement each, so
// that every count is a single-label or single-type count, which both engines answer from
// their own statistics without reading the graph (FalkorDB: the matrix's size; Neo4j: its
// count store). Counted together (one UNION), FalkorDB would scan every relationship.
// Each returns one count named after its label or type: anything more in the RETURN (even a
// constant) makes FalkorDB count by reading. graphcrm/stats.py runs them one by one.
MATCH (n:Account) RETURN count(n) AS Account;
MATCH (n:Opportunity) RETURN count(n) AS Opportunity;
MATCH (n:Org) RETURN count(n) AS Org;
MATCH (n:Person) RETURN count(n) AS Person;
MATCH (n:Rep) RETURN count(n) AS Rep;
MATCH ()-[r:ALLY]->() RETURN count(r) AS ALLY;
MATCH ()-[r:FOR]->() RETURN count(r) AS FOR;
MATCH ()-[r:INFLUENCES]->() RETURN count(r) AS INFLUENCES;
MATCH ()-[r:IN_COMMITTEE]->() RETURN count(r) AS IN_COMMITTEE;
MATCH ()-[r:KIN]->() RETURN count(r) AS KIN;
MATCH ()-[r:KNOWS]->() RETURN count(r) AS KNOWS;
MATCH ()-[r:OPPOSES]->() RETURN count(r) AS OPPOSES;
MATCH ()-[r:REFERRED]->() RETURN count(r) AS REFERRED;
MATCH ()-[r:REPORTS_TO]->() RETURN count(r) AS REPORTS_TO;
MATCH ()-[r:TIED_TO]->() RETURN count(r) AS TIED_TO;
MATCH ()-[r:WORKS_AT]->() RETURN count(r) AS WORKS_AT;
