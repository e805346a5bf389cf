// Which of the given ties between people the graph holds already, whatever their properties:
// an address book says who knows whom, not how well, so a tie already held is left out of the
// import and keeps its strength and context (graphcrm/ingest/contacts.py).
UNWIND $rows AS row
MATCH (a:Node {id: row.source})-[r]->(b:Node {id: row.target})
WHERE type(r) = row.type
RETURN DISTINCT row.source AS source, row.target AS target, row.type AS type
