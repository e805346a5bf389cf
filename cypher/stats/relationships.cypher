// How many relationships of each type (symmetric ties are stored once each way).
MATCH ()-[r]->()
RETURN type(r) AS type, count(*) AS count
ORDER BY type
