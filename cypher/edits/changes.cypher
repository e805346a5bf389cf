// History entries (graphcrm/history.py) about any of $ids (every entry when $ids is null),
// made on or after the day $since (YYYY-MM-DD, UTC; null: since the beginning), newest first and, within
// one edit, in the order it made them.
MATCH (c:Change)
WHERE ($ids IS NULL OR any(s IN c.subjects WHERE s IN $ids))
  AND ($since IS NULL OR c.at >= $since)
RETURN c.id AS id, c.edit AS edit, c.seq AS seq, c.at AS at, c.by AS by, c.kind AS kind,
       c.record AS record, c.other AS other, c.type AS type, c.name AS name,
       c.other_name AS other_name, c.field AS field, c.before AS before, c.after AS after,
       c.note AS note, c.subjects AS subjects
ORDER BY at DESC, edit, seq
