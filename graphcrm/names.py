"""Names as users type them: the search key of a name, and a name, email or id turned into an id.

Every form and command that takes a person, account, organisation or opportunity takes what
the user knows: an id, the exact name (any case), an email, or the pinyin of a Chinese name.
`resolve` turns that into the one id, or raises:
- `Ambiguous` when several match exactly (two 王丹): the message lists them, `choices` holds
  them for a form to offer;
- `NoMatch` when none matches exactly: the message says so and suggests the closest names,
  `choices` holds them (a partial name never silently picks someone: edits must hit the
  person meant).

The **search key** of a name (`search_key`, stored as `name_key` on every named node, one rule
for the importers and the edits) holds the name's spellings, folded (lower case, no accents, no
spaces): the whole name, each run of one script in it, and for Chinese characters their pinyin
spelled every way people type it, full syllables or initials per character ("zhao zhigang",
"zhaozhigang", "zhaozg", "zzg" all find 赵志刚). Spellings are separated by spaces: a typed
text (`typed`, also without spaces) is found with CONTAINS, an exact spelling as a whole word.

The key is derived data: `keyed` adds it wherever a name is written, `stored` takes it out of
what is exported or shown, and a graph written before keys existed (or by an older rule,
`KEY_RULE`) gets them when it is opened (`fill_keys`, called by `graphcrm.store.open_store`).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from graphcrm.errors import InvalidValue, NotFound

if TYPE_CHECKING:
    from graphcrm.store import Store

Kind = Literal["person", "account", "org", "opportunity"]
KINDS: tuple[Kind, ...] = ("person", "account", "org", "opportunity")
# How a kind is written in messages ("no account named …").
_LABELS = {"person": "Person", "account": "Account", "org": "Org", "opportunity": "Opportunity"}
KIND_WORDS = {"person": "person", "account": "account", "org": "organisation", "opportunity": "opportunity"}

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN = re.compile(f"[{_HAN_CHARS}]")
# Runs of Chinese characters, and runs of anything else but them and separators.
_SCRIPT_RUNS = re.compile(f"[{_HAN_CHARS}]+|[^{_HAN_CHARS}()（）/,，;；]+")
# Names longer than this (in Chinese characters) get full and joined spellings only: every
# full/initial mix of a long name would make the key long for no real use.
_MIXED_UP_TO = 4

# The version of the rule `search_key` follows. Every write records it on the graph's version
# node (cypher/store/touch.cypher writes this number: change both together); a graph without
# it, or with another, gets every key made again when opened (`fill_keys`). Raise it when
# `search_key` changes.
KEY_RULE = 1
# Properties made from others, for search only: never exported, listed, or taken from an import.
DERIVED = frozenset({"name_key"})
_FILL_BATCH = 5000


@dataclasses.dataclass(frozen=True)
class Choice:
    """One candidate for a name: what a form offers when the name is not unique."""

    kind: str
    id: str
    name: str
    detail: str  # people: title · organisation; organisations: their kind; opportunities: account


class Ambiguous(InvalidValue):
    """Several records match the name exactly; `choices` lists them."""

    def __init__(self, message: str, text: str, kind: Kind, choices: tuple[Choice, ...]) -> None:
        super().__init__(message)
        self.text, self.kind, self.choices = text, kind, choices


class NoMatch(NotFound):
    """No record matches the name exactly; `choices` holds the closest ones (maybe none)."""

    def __init__(self, message: str, text: str, kind: Kind, choices: tuple[Choice, ...]) -> None:
        super().__init__(message)
        self.text, self.kind, self.choices = text, kind, choices


def fold(text: str) -> str:
    """Text as keys hold it: lower case, accents off Latin letters, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def typed(text: str) -> str:
    """A typed name as keys hold its spellings: folded, without spaces ("Zhao Zhigang",
    "zhao zhigang" and "zhaozhigang" are one spelling)."""
    return fold(text).replace(" ", "")


@functools.lru_cache(maxsize=65_536)  # pure; a large import repeats names (1,051 for 100,000 people at M)
def search_key(name: str | None) -> str | None:
    """The `name_key` of a name: space-separated spellings (see the module): the whole name,
    each run of one script in it ("赵志刚 Zhao Zhigang" is also "赵志刚" and "zhaozhigang"),
    then the pinyin of its Chinese characters."""
    if not name or not name.strip():
        return None
    runs = [typed(run) for run in _SCRIPT_RUNS.findall(name)]
    words = [typed(name), *runs, *_pinyin_spellings(name.strip())]
    return " ".join(dict.fromkeys(w for w in words if w))


def keyed(props: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties to write, with the `name_key` of the name they set (null when they set
    the name to null, which removes both); a derived property given in `props` is dropped.
    Properties without a name are left as they are: the node keeps its key."""
    out = {k: v for k, v in props.items() if k not in DERIVED}
    if "name" in out:
        name = out["name"]
        out["name_key"] = search_key(name) if isinstance(name, str) else None
    return out


def stored(props: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties as exports and records show them: without the derived ones."""
    return {k: v for k, v in props.items() if k not in DERIVED}


def fill_keys(store: Store) -> int:
    """Give every named node the key of its name, when the graph was written before keys
    existed or by another `KEY_RULE`; return how many nodes got a new key.

    Cheap when there is nothing to do (one read of the version node): run when a store is
    opened. Idempotent; holds the write lock while it fills, so that an import writing at the
    same time cannot be given stale keys. A graph never written by graphcrm and without named
    nodes is left untouched (no write)."""
    state = store.run("store/version")
    if state and state[0].get("name_keys") == KEY_RULE:
        return 0
    if not _stale_keys(store) and not (state and state[0].get("created") is not None):
        return 0
    with store.exclusive():
        stale = _stale_keys(store)
        for start in range(0, len(stale), _FILL_BATCH):
            store.run_write("directory/fill_keys", [{"rows": stale[start : start + _FILL_BATCH]}])
        if not stale:
            store.write([])  # the rule is recorded by the write itself
    return len(stale)


def _stale_keys(store: Store) -> list[dict[str, Any]]:
    """The named nodes whose stored key is not the key of their name, with the right one."""
    rows = []
    for row in store.run("directory/names"):
        name = row["name"]
        key = search_key(name) if isinstance(name, str) else None
        if row["name_key"] != key:
            rows.append({"id": row["id"], "key": key})
    return rows


@functools.lru_cache(maxsize=4096)
def _pinyin_spellings(name: str) -> tuple[str, ...]:
    """Every pinyin spelling of the Chinese characters of `name` (none without any)."""
    han = "".join(_HAN.findall(name))
    if not han:
        return ()
    from pypinyin import Style, pinyin  # its dictionaries load on first use

    # The surname's every reading (单 is shàn as a surname); the rest as the phrase reads.
    first = [fold(r) for r in pinyin(han[0], heteronym=True, style=Style.NORMAL)[0]]
    rest = [fold(r[0]) for r in pinyin(han[1:], style=Style.NORMAL)] if len(han) > 1 else []
    spellings: list[str] = []
    for surname in dict.fromkeys(first):
        syllables = [surname, *rest]
        spellings.append("".join(syllables))
        if len(syllables) <= _MIXED_UP_TO:
            for mix in itertools.product((True, False), repeat=len(syllables)):
                spellings.append("".join(s if full else s[0] for s, full in zip(syllables, mix, strict=True)))
        else:
            spellings.append("".join(s[0] for s in syllables))
    return tuple(dict.fromkeys(spellings))


def resolve(store: Store, text: str, kind: Kind = "person") -> str:
    """The id of the one `kind` that `text` names: an id, an exact name or email (any case),
    or a pinyin spelling of the name. Raises `Ambiguous` or `NoMatch` (see the module)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    text = text.strip()
    word = KIND_WORDS[kind]
    if not text:
        raise NoMatch(f"give a {word}'s name, email or id", text, kind, ())
    found = store.run("directory/by_id", {"id": text})
    if found and _LABELS[kind] in found[0]["labels"]:  # an id: one index look-up, no scan
        return text
    params = {"text": text, "folded": fold(text), "typed": typed(text), "kind": kind}
    rows = store.run("directory/resolve", params)
    exact = [r for r in rows if r["exact"]]
    if len(exact) == 1:
        return str(exact[0]["id"])
    if any(r["id"] == text for r in exact):  # an id is never ambiguous
        return text
    if exact:
        choices = tuple(_choice(r) for r in exact)
        listed = "; ".join(f"{c.name} ({c.detail + ', ' if c.detail else ''}id {c.id})" for c in choices[:5])
        raise Ambiguous(
            f"{len(exact)} {word}s are called {text!r}: {listed}; give the id or the email instead",
            text,
            kind,
            choices,
        )
    from graphcrm.directory import search  # directory imports this module

    hits = search(store, text, limit=20)
    near = tuple(Choice(h.kind, h.id, h.name, h.detail) for h in hits if h.kind == kind)[:5]
    hint = f"; did you mean {', '.join(f'{c.name} (id {c.id})' for c in near)}?" if near else ""
    raise NoMatch(f"no {word} is called {text!r} or has that id or email{hint}", text, kind, near)


def _choice(row: dict[str, object]) -> Choice:
    detail = " · ".join(str(p) for p in (row.get("title"), row.get("place")) if p)
    return Choice(str(row["kind"]), str(row["id"]), str(row["name"] or row["id"]), detail)
