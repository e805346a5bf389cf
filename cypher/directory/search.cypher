// People, accounts, organisations and opportunities (or only those of $kind) that $text names
// by their own fields: the name (any case: toLower on both sides, which leaves Chinese as it
// is), a spelling of the name's search key ($typed: the text folded, without spaces, so
// "zhaozg" and "zhao zhigang" find 赵志刚 by its pinyin; see graphcrm/names.py), the id, and for
// people the title and the email. A node without a key (written by hand) is found by its name.
// Closeness, 0 closest: the name, id or email is the text, or the text is a whole spelling of
// the key; 1: a word of the name is the text ("li" in 李琼 Li Qiong); 2: the name or a spelling
// starts with it; 3: the name or a spelling contains it; 4: the title or the email does (or the
// organisation: search_by_org.cypher); 5: only the id contains it (ids share prefixes such as
// `apex.`, which say little). Then people, accounts, organisations, opportunities (`kind_order`), then by name. Each
// with what the viewer shows beside it. The caller merges these with search_by_org.cypher.
// The text is looked for first, in the WHERE of the scan (no projection of every node), and the
// kind is told after, on what was found: a label test on each of 100,000 nodes took 180 ms of a
// search's 420 at scale M, the projection 170 (docs/performance.md). The hits are cut to
// $limit before their organisations are looked up: "li" matches thousands of people at scale M,
// and following each to their organisation took 0.6 s of 0.8. A name is lower-cased only for a
// node without a key (or a text without a spelling): the key holds the name folded (lower case,
// accents off, no spaces), so a text the name contains is one its key contains (10% of a search).
WITH toLower($text) AS lower
MATCH (n:Node)
WHERE n.name_key CONTAINS $typed
   OR ((n.name_key IS NULL OR $typed IS NULL) AND toLower(n.name) CONTAINS lower)
   OR toLower(n.id) CONTAINS lower
   OR ((toLower(n.title) CONTAINS lower OR toLower(n.email) CONTAINS lower) AND n:Person)
WITH n, lower,
     CASE WHEN n:Person THEN 0 WHEN n:Account THEN 1 WHEN n:Org THEN 2 WHEN n:Opportunity THEN 3 END AS kind_order
WHERE kind_order IS NOT NULL AND ($kind IS NULL OR ['person', 'account', 'org', 'opportunity'][kind_order] = $kind)
WITH n, lower, kind_order, toLower(n.name) AS name, toLower(n.id) AS ident,
     coalesce(n.name_key, '') AS spellings, toLower(n.title) AS title, toLower(n.email) AS email
WITH n, kind_order,
     CASE
       WHEN name = lower OR ident = lower OR email = lower
            OR (' ' + spellings + ' ') CONTAINS (' ' + $typed + ' ') THEN 0
       WHEN (' ' + name + ' ') CONTAINS (' ' + lower + ' ') THEN 1
       WHEN name STARTS WITH lower OR (' ' + spellings) CONTAINS (' ' + $typed) THEN 2
       WHEN name CONTAINS lower OR spellings CONTAINS $typed THEN 3
       WHEN n:Person AND (title CONTAINS lower OR email CONTAINS lower) THEN 4
       ELSE 5
     END AS closeness
WITH n, kind_order, closeness, coalesce(n.name, n.id) AS shown
ORDER BY closeness, kind_order, shown, n.id
LIMIT $limit
OPTIONAL MATCH (n)-[:WORKS_AT]->(org:Node)
OPTIONAL MATCH (n)-[:FOR]->(account:Account)
WITH n, closeness, kind_order, shown, min(org.name) AS org_name, min(account.name) AS account_name
RETURN ['person', 'account', 'org', 'opportunity'][kind_order] AS kind, kind_order,
       n.id AS id, shown AS name, n.title AS title, org_name, n.kind AS org_kind,
       account_name, closeness
ORDER BY closeness, kind_order, name, id
