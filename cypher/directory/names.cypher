// Every person, account, organisation and opportunity with its name and the search key stored
// for it (graphcrm/names.py, fill_keys: a graph written before keys existed gets them).
MATCH (n:Node)
WHERE n:Person OR n:Account OR n:Org OR n:Opportunity
RETURN n.id AS id, n.name AS name, n.name_key AS name_key
ORDER BY id
