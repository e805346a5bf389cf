// Introduction paths to a person: from one person ($from), or from any of our reps, over the
// ties an introduction can travel (KNOWS, KIN, ALLY stored both ways; INFLUENCES from the one
// listened to), at most $max_hops long, avoiding the people in $avoid along the way.
MATCH (t:Person {id: $target})
MATCH p = (s:Person)-[:KNOWS|KIN|ALLY|INFLUENCES*1..6]->(t)
WHERE length(p) <= $max_hops
  AND ((s.id = $from) OR ($from IS NULL AND s:Rep))
  AND none(n IN nodes(p)[1..-1] WHERE n.id IN $avoid)
RETURN [n IN nodes(p) | n.id] AS ids,
       [n IN nodes(p) | n.name] AS names,
       [n IN nodes(p) | n:Rep] AS reps,
       [r IN relationships(p) | {type: type(r), strength: r.strength, context: r.context,
                                 last_contact: r.last_contact}] AS ties
LIMIT $limit
