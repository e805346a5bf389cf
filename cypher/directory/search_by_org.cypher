// People who work at an account or organisation whose name (any case) or search key
// ($typed, see search.cypher) contains the text: "jinchang" finds the people of 黑龙江金昌有限公司
// Heilongjiang Jinchang Co. Closeness 4, as a match on a title (see search.cypher). Cut to
// $limit before each one's organisation is looked up (see there).
MATCH (o:Node)
WHERE (o:Account OR o:Org)
  AND (toLower(o.name) CONTAINS toLower($text) OR coalesce(o.name_key, '') CONTAINS $typed)
MATCH (n:Person)-[:WORKS_AT]->(o)
WITH DISTINCT n
WITH n, coalesce(n.name, n.id) AS shown
ORDER BY shown, n.id
LIMIT $limit
OPTIONAL MATCH (n)-[:WORKS_AT]->(org:Node)
WITH n, shown, min(org.name) AS org_name
RETURN 'person' AS kind, 0 AS kind_order, n.id AS id, shown AS name,
       n.title AS title, org_name, null AS org_kind, null AS account_name, 4 AS closeness
ORDER BY name, id
