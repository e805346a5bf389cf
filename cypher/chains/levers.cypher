// Who the target listens to, and who they listen to in turn: chains of INFLUENCES ending at
// the target (A->B: B listens to A), at most 4 long, each with the strength of every link.
MATCH p = (:Person)-[:INFLUENCES*1..4]->(t:Person {id: $target})
RETURN [n IN nodes(p) | n.id] AS ids,
       [n IN nodes(p) | n.name] AS names,
       [r IN relationships(p) | {strength: r.strength, context: r.context, last_contact: r.last_contact}]
         AS links
