// The organisations the people $ids are TIED_TO (suppliers, competitors, banks, ...), with the
// kind of tie: risks (a competitor) and entry points (a supplier's managers).
UNWIND $ids AS id
MATCH (p:Person {id: id})-[t:TIED_TO]->(org:Org)
RETURN p.id AS source, org.id AS id, org.name AS name, org.kind AS kind, t.kind AS tie,
       t.strength AS strength, t.since AS since, t.last_contact AS last_contact
ORDER BY source, id
