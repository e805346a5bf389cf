// People holding one of the given e-mail addresses (lower case), to match contacts, mail and
// calendars to people already in the graph (graphcrm/ingest/matching.py).
MATCH (p:Person)
WHERE p.email IS NOT NULL AND toLower(p.email) IN $emails
RETURN p.id AS id, p.name AS name, toLower(p.email) AS email
