// One node by id, whatever it is (a person, or an account given by mistake): labels and every
// property, for a person's record and to tell an unknown id from one that is not a person.
MATCH (n:Node {id: $id})
RETURN labels(n) AS labels, properties(n) AS properties
