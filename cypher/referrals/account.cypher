// One account by id: the root a user names with `referrals --from`.
MATCH (a:Account {id: $id})
RETURN a.id AS id, a.name AS name, a.status AS status
