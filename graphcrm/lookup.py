"""What a user typed for a person, account or opportunity, as the id a question takes.

The questions (`answer` of `graphcrm.paths`, `chains`, `brokers`, `committee`, `influencers`,
`referrals`) take ids: they call each other with ids many times per answer, and a name would
cost a search every time. The shells (the command line and the viewer) turn what the user
typed into ids here, once, before they ask: an id, a unique name or email, or a pinyin
spelling (`graphcrm.names.resolve`).

- Several match: `graphcrm.names.Ambiguous` (its message lists them; `choices` for a form).
- None matches: `graphcrm.names.NoMatch`, worded as for an unknown id ("no person with id
  'x'"), with the closest names, if any, as suggestions and in `choices`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graphcrm.names import KIND_WORDS, Kind, NoMatch, resolve

if TYPE_CHECKING:
    from graphcrm.store import Store

# How a list of parties is typed: commas or semicolons, in either script, or the Chinese 、.
_SEPARATORS = re.compile(r"[,;，；、]")


def one(store: Store, text: str, kind: Kind = "person") -> str:
    """The id of the one `kind` that `text` names. Raises `Ambiguous` or `NoMatch`."""
    try:
        return resolve(store, text, kind)
    except NoMatch as exc:
        word = KIND_WORDS[kind]
        near = ", ".join(f"{c.name} (id {c.id})" for c in exc.choices)
        hint = f"; nor one with that name or email; did you mean {near}?" if near else ""
        raise NoMatch(f"no {word} with id {text.strip()!r}{hint}", exc.text, kind, exc.choices) from None


def optional(store: Store, text: str | None, kind: Kind = "person") -> str | None:
    """`one`, or None when nothing was typed."""
    return None if text is None or not text.strip() else one(store, text, kind)


def split(text: str | None) -> list[str]:
    """The parties of a typed list ("赵志刚, Li Qiong; jinchang.liu-bin"), blanks dropped."""
    return [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]


def several(store: Store, texts: list[str], kind: Kind = "person") -> list[str]:
    """The ids of the `kind`s that `texts` name, in order, each once; raises on the first that
    is ambiguous or unknown (`Ambiguous.text` / `NoMatch.text` says which)."""
    ids: list[str] = []
    for text in texts:
        found = one(store, text, kind)
        if found not in ids:
            ids.append(found)
    return ids
