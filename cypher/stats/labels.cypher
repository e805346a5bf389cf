// How many nodes carry each label (every node also carries Node).
MATCH (n:Node)
UNWIND labels(n) AS label
RETURN label, count(*) AS count
ORDER BY label
