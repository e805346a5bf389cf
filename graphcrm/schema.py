"""The graph's vocabulary: labels, relationship types and the values fields may take.

Every node has the label `Node` besides its own, with a unique string `id` (a database
constraint). Symmetric ties (KNOWS, ALLY, OPPOSES, KIN) are stored as two directed
relationships, one each way, with the same properties: a query follows them with a directed
pattern, `(a)-[:KNOWS]->(b)`, which every engine can search, FalkorDB's `shortestPath`
included (it knows no undirected one). Counting such ties counts each pair twice.
"""

from __future__ import annotations

NODE_LABELS = ("Account", "Org", "Person", "Opportunity")
REP_LABEL = "Rep"
# One node without the base label holds the graph's version (cypher/store/touch.cypher).
VERSION_LABEL = "GraphVersion"
# One node without the base label is the write lock (cypher/store/lock.cypher).
WRITE_LOCK_LABEL = "WriteLock"
# The change history (graphcrm/history.py): one node per field an edit changed, without the base
# label, so that exports, counts and searches never see it; no relationship (ids in properties).
CHANGE_LABEL = "Change"
# An introduction request (graphcrm/intros.py): our own work, without the base label either.
ASK_LABEL = "Ask"

SYMMETRIC_TIES = ("KNOWS", "ALLY", "OPPOSES", "KIN")
DIRECTED_TIES = ("INFLUENCES", "REPORTS_TO", "TIED_TO")
TIE_TYPES = SYMMETRIC_TIES + DIRECTED_TIES
# The ties an introduction travels (cypher/paths/network_ties.cypher: the warm-path search's network).
NETWORK_TIES = frozenset({"KNOWS", "KIN", "ALLY", "INFLUENCES", "REPORTS_TO"})
RELATIONSHIP_TYPES = (*TIE_TYPES, "WORKS_AT", "REFERRED", "IN_COMMITTEE", "FOR")
# A tie imported with no strength has this one; a reports-to tie has none, and is read with
# Settings.org_chart_strength instead.
DEFAULT_STRENGTH = 0.5

ACCOUNT_KINDS = ("customer", "prospect")
ORG_KINDS = ("supplier", "government", "competitor", "bank", "association", "consultant", "media", "other")
NATURES = ("commercial", "institution", "government")
TIERS = ("A+", "A", "B", "C")
ACCOUNT_STATUSES = ("prospect", "active", "won", "lost")
OPPORTUNITY_STATUSES = ("open", "won", "lost")
REFERRAL_OUTCOMES = ("open", "won", "lost")

ROLES = {"D": "decider", "E": "evaluator", "S": "screener", "U": "user"}
ATTITUDES = {"A": "active", "P": "passive", "R": "resistant"}
STANCES = ("champion", "supporter", "neutral", "enemy", "blocker")
# The kinds of contact a user logs, each with how much it closes a tie's gap to full strength
# (the contact rule of graphcrm/edits.py).
CONTACT_WEIGHTS = {"meeting": 0.2, "visit": 0.25, "call": 0.1, "event": 0.1, "message": 0.05}

# The nine stages of the buying process (seed 002), in order, with what each means.
STAGES = {
    "need": "discover the need or problem",
    "priority": "set priority",
    "urgency": "size and urgency",
    "specification": "product specification and performance preferences",
    "consult": "consult potential suppliers",
    "proposals": "request proposals from suppliers",
    "evaluate": "evaluate the shortlisted proposals",
    "negotiate": "negotiate with the shortlisted suppliers",
    "decide": "decide and follow up",
}

# Channels that work on a person (seed 002's influence sources), for reference and the viewer.
CHANNELS = (
    "magazines",
    "direct mail",
    "exhibitions",
    "lectures",
    "advertising",
    "live demo",
    "illustrated presentation",
    "trade press",
    "internal reports",
    "competitors",
    "consultants",
    "public opinion",
    "other users in the industry",
)


def stage_property(stage: str) -> str:
    """The IN_COMMITTEE property holding a member's influence in `stage`, e.g. `influence_need`."""
    return f"influence_{stage}"
