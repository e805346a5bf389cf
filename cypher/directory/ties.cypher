// One person's ties. Outgoing: every type (a symmetric tie, stored both ways, is found once
// from this side), including TIED_TO organisations. Incoming: the directed types only
// (INFLUENCES: this person listens to the other; REPORTS_TO: the other reports to them).
MATCH (p:Person {id: $id})-[r:KNOWS|ALLY|OPPOSES|KIN|INFLUENCES|REPORTS_TO|TIED_TO]->(x:Node)
RETURN type(r) AS type, 'out' AS side, x.id AS other_id, x.name AS other_name, x:Rep AS rep,
       x:Person AS person, x:Account AS account, x.kind AS org_kind, r.strength AS strength,
       coalesce(r.context, r.kind) AS context, r.since AS since, r.last_contact AS last_contact
UNION ALL
MATCH (p:Person {id: $id})<-[r:INFLUENCES|REPORTS_TO]-(x:Person)
RETURN type(r) AS type, 'in' AS side, x.id AS other_id, x.name AS other_name, x:Rep AS rep,
       x:Person AS person, x:Account AS account, x.kind AS org_kind, r.strength AS strength,
       coalesce(r.context, r.kind) AS context, r.since AS since, r.last_contact AS last_contact
