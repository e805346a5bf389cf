// People with one of the given names (lower case), to match a contact without a known e-mail;
// two people of one name are an ambiguity to report, never a guess (graphcrm/ingest/matching.py).
MATCH (p:Person)
WHERE toLower(p.name) IN $names
RETURN p.id AS id, p.name AS name, toLower(p.name) AS key
