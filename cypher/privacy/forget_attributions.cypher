// Forget a person, part 1: drop their name from the referrals attributed to them; the
// referral between its ends stays.
MATCH (:Node)-[r:REFERRED]->(:Node)
WHERE r.by_person = $id
REMOVE r.by_person
