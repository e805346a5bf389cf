// Every person's e-mail address (lower case), to match contacts, mail and calendars to people
// already in the graph (graphcrm/ingest/matching.py). All of them, matched in Python: no
// address read from a mailbox is ever sent to the database, where a query log could keep it.
MATCH (p:Person)
WHERE p.email IS NOT NULL
RETURN p.id AS id, toLower(p.email) AS email
