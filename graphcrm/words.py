"""The seller's words for what the graph holds: one place for every label a page or a command
shows to a sales person (the engine's names stay in details views).

- warmth of a tie or a path as a word: **strong** from 0.5, **fair** from 0.2, **weak** below
  (0.5 is a good acquaintance seen this year; a two-hop path of such ties is 0.25, fair);
- ties in words ("knows", "reports to", "listens to", "opposes", "family of");
- roles, attitudes and stances spelled out, stances as for us / against us;
- money with thousands separators and the currency when one is known.
"""

from __future__ import annotations

from graphcrm.schema import ATTITUDES, ROLES

STRONG, FAIR = 0.5, 0.2

# A tie read from its source, then from its target: "A knows B", "A reports to B" / "B manages
# A", "A influences B" / "B listens to A", and so on.
TIE_WORDS = {
    "KNOWS": ("knows", "knows"),
    "ALLY": ("is an ally of", "is an ally of"),
    "OPPOSES": ("opposes", "opposes"),
    "KIN": ("is family of", "is family of"),
    "INFLUENCES": ("influences", "listens to"),
    "REPORTS_TO": ("reports to", "manages"),
    "TIED_TO": ("is tied to", "is tied to"),
    "WORKS_AT": ("works at", "employs"),
    "REFERRED": ("referred", "was referred by"),
}
# The kind of a tie as a noun, for legends and lists.
TIE_NOUNS = {
    "KNOWS": "knows",
    "ALLY": "ally",
    "OPPOSES": "opposes",
    "KIN": "family",
    "INFLUENCES": "listens to",
    "REPORTS_TO": "reports to",
    "TIED_TO": "tied to",
}
# What an import holds, as the seller calls it (one, several): the records first, then the ties,
# in this order (`counted`).
COUNT_WORDS = {
    "Account": ("account", "accounts"),
    "Org": ("organisation", "organisations"),
    "Person": ("person", "people"),
    "Opportunity": ("opportunity", "opportunities"),
    "WORKS_AT": ("place of work", "places of work"),
    **{kind: (f'"{noun}" tie', f'"{noun}" ties') for kind, noun in TIE_NOUNS.items() if kind != "TIED_TO"},
    "TIED_TO": ("tie to an organisation", "ties to organisations"),
    "IN_COMMITTEE": ("committee seat", "committee seats"),
    "FOR": ("opportunity's account", "opportunities' accounts"),
    "REFERRED": ("referral", "referrals"),
}
STANCE_WORDS = {
    "champion": "champion (for us)",
    "supporter": "supporter (leans for us)",
    "neutral": "neutral",
    "enemy": "against us",
    "blocker": "blocker (works against us)",
}


def warmth(value: float | None) -> str:
    """ "strong", "fair" or "weak" (no value: "no path")."""
    if value is None:
        return "no path"
    return "strong" if value >= STRONG else "fair" if value >= FAIR else "weak"


def strength(value: float) -> str:
    """A tie's strength as a word with the number: "strong tie (0.8)"."""
    return f"{warmth(value)} tie ({value:g})"


def tie(kind: str, outgoing: bool = True) -> str:
    """A tie of type `kind` read from its source (`outgoing`) or from its target."""
    words = TIE_WORDS.get(kind)
    if words is None:
        return kind.lower().replace("_", " ")
    return words[0] if outgoing else words[1]


def counted(counts: dict[str, int]) -> str:
    """What an import holds (records by label, ties by type) in words: "3 people, 4 "knows"
    ties, 2 places of work"; a kind not in `COUNT_WORDS` by its own name, last; none: "nothing"."""
    order = list(COUNT_WORDS)
    kinds = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
    parts = []
    for kind in kinds:
        one, several = COUNT_WORDS.get(kind, (kind, kind))
        parts.append(f"{counts[kind]:,} {one if counts[kind] == 1 else several}")
    return ", ".join(parts) or "nothing"


def imported(counts: dict[str, int], unchanged: int = 0) -> str:
    """An import's summary (`counted`), with what it found there already as it would leave it
    (`unchanged` records and ties, not written): "…; all of it was there already, as it is:
    nothing changed"."""
    if not unchanged:
        return counted(counts)
    if unchanged >= sum(counts.values()):
        return f"{counted(counts)}; all of it was there already, as it is: nothing changed"
    return f"{counted(counts)}; {unchanged:,} of these were there already, as they are, and were left alone"


def roles(codes: tuple[str, ...] | list[str]) -> str:
    """Committee roles spelled out ("decider, evaluator"); none: "no role"."""
    return ", ".join(ROLES.get(code, code) for code in codes) or "no role"


def attitude(code: str | None) -> str:
    """An attitude spelled out ("active"); none: "unknown"."""
    return ATTITUDES.get(code, code) if code else "unknown"


def stance(value: str | None) -> str:
    """A stance toward us in words ("blocker (works against us)")."""
    return STANCE_WORDS.get(value or "neutral", value or "neutral")


def money(value: float | None, currency: str | None = None) -> str:
    """An amount with thousands separators, whole when it is whole ("CNY 1,200,000")."""
    if value is None:
        return "—"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


def percent(value: float) -> str:
    """A share (0..1) as a whole percentage ("83%")."""
    return f"{value * 100:.0f}%"


def support(value: float) -> str:
    """A committee's support (−100..+100) in words: "for us (+25)", "against us (−12.5)"."""
    if value > 0:
        return f"for us (+{value:g})"
    if value < 0:
        return f"against us (−{-value:g})"
    return "undecided (0)"


def reach(rep_name: str | None, hops: int | None) -> str:
    """How our team reaches someone (`graphcrm.paths.covered`): "our team", "our contact: 王磊",
    "via 王磊, 3 steps", or "no warm path"."""
    if rep_name is None or hops is None:
        return "no warm path"
    if hops == 0:
        return "our team"
    if hops == 1:
        return f"our contact: {rep_name}"
    return f"via {rep_name}, {hops} steps"
