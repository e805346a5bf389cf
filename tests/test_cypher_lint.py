"""Every Cypher file under cypher/ must pass Neo4j's own linter.

The linter is `lintCypherQuery` from the npm package
@neo4j-cypher/language-support, pinned in tools/cypher-lint/package.json and
run by tools/cypher-lint/lint.mjs (read its header for the input it takes and
what each schema field makes the linter check). Node runs once for all files.

* Any diagnostic fails the file: syntax and semantic errors, and warnings too
  (labels, relationship types or properties not in our graph, deprecated
  syntax or functions, performance notifications such as cartesian products).
* Files are linted as Cypher 5 (we target Neo4j 5 LTS and later) unless the
  file starts with `CYPHER 25`.
* `$name` parameters are taken from each file itself (outside strings and
  comments), since the application supplies them at run time.
* `*.falkordb.cypher` files are FalkorDB-only variants and are not linted, but
  only if a `*.neo4j.cypher` sibling with the same base name exists.
* GRAPHCRM_CYPHER_DIR overrides the folder that is checked (default:
  <repo>/cypher).

Needs `node` and `npm ci --prefix tools/cypher-lint` (`make test` does it).
Without them the tests are skipped, or fail when CI=true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graphcrm.ingest.files import FILES
from graphcrm.schema import (
    ASK_LABEL,
    CHANGE_LABEL,
    NODE_LABELS,
    RELATIONSHIP_TYPES,
    REP_LABEL,
    STAGES,
    VERSION_LABEL,
    WRITE_LOCK_LABEL,
    stage_property,
)
from graphcrm.store.base import BASE_LABEL

REPO = Path(__file__).resolve().parents[1]
CYPHER_DIR = Path(os.environ.get("GRAPHCRM_CYPHER_DIR") or REPO / "cypher").resolve()
TOOL_DIR = REPO / "tools" / "cypher-lint"
LINT_JS = TOOL_DIR / "lint.mjs"
LINTER_PACKAGE = TOOL_DIR / "node_modules" / "@neo4j-cypher" / "language-support"

FALKORDB_SUFFIX = ".falkordb.cypher"
NEO4J_SUFFIX = ".neo4j.cypher"

# The graph's schema, from graphcrm.schema and the import formats: a label, relationship type
# or property not known there is reported wherever it is used (MATCH, MERGE, CREATE, SET,
# index and constraint commands). Keys written by any .cypher file (`SET x.key =`, map keys,
# properties named in CREATE INDEX / CONSTRAINT) are added automatically.
GRAPH_LABELS = (
    BASE_LABEL,
    *NODE_LABELS,
    REP_LABEL,
    VERSION_LABEL,
    WRITE_LOCK_LABEL,
    CHANGE_LABEL,
    ASK_LABEL,
)
GRAPH_RELATIONSHIP_TYPES = RELATIONSHIP_TYPES
KNOWN_PROPERTY_KEYS = tuple(
    sorted(
        {column.name for spec in FILES.values() for column in spec.columns}
        | {stage_property(stage) for stage in STAGES}
        | {"version", "created"}  # the graph version node (cypher/store/touch.cypher)
        | {"kind", "source", "linkedin"}  # set by the TIED_TO and LinkedIn imports
        | {"owner"}  # an opportunity's owner, from the CRM imports (graphcrm/ingest/salesforce.py)
    )
)

HINT = (
    "(A label, relationship type or property the linter calls 'not present in "
    "the database' may be real but new: add it to GRAPH_LABELS, "
    "graphcrm/schema.py or the import formats of graphcrm/ingest/files.py.)"
)


# --------------------------------------------------------------------- scanning
_QUOTED = r"`(?:[^`]|``)+`"
_NAME = rf"(?:\w+|{_QUOTED})"
_PARAMETER = re.compile(rf"\$({_NAME})")


def _unquote(name: str) -> str:
    if name.startswith("`") and name.endswith("`"):
        return name[1:-1].replace("``", "`")
    return name


def scan_cypher(text: str) -> tuple[str, set[str]]:
    """Return (code, parameter names) of a Cypher text.

    `code` is the text with string literals and comments replaced by spaces
    (newlines kept, so offsets still match); `quoted names` stay. Parameters
    are `$name`, `$0` or `` $`odd name` `` found outside strings and comments.
    """
    out = list(text)
    params: set[str] = set()
    i, n = 0, len(text)

    def blank(start: int, end: int) -> None:
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            end = text.find("\n", i)
            end = n if end == -1 else end
            blank(i, end)
            i = end
        elif c == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            blank(i, end)
            i = end
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            blank(i, j + 1)
            i = j + 1
        elif c == "`":
            j = i + 1
            while j < n:
                if text[j] == "`":
                    if j + 1 < n and text[j + 1] == "`":
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif c == "$":
            m = _PARAMETER.match(text, i)
            if m:
                params.add(_unquote(m.group(1)))
                i = m.end()
            else:
                i += 1
        else:
            i += 1
    return "".join(out), params


_CLAUSE_END = re.compile(
    r"\b(?:RETURN|WITH|MATCH|OPTIONAL|MERGE|CREATE|DELETE|DETACH|REMOVE|UNWIND|"
    r"CALL|FOREACH|UNION|ORDER|SKIP|LIMIT|ON|WHERE|FINISH|USE|SET)\b|;",
    re.IGNORECASE,
)
_MAP_KEY = re.compile(rf"[{{,]\s*({_NAME})\s*:(?!:)")
_ASSIGNED_PROPERTY = re.compile(rf"\b\w+\s*\.\s*({_NAME})\s*\+?=(?![=~])")
_ANY_PROPERTY = re.compile(rf"\b\w+\s*\.\s*({_NAME})")
_SCHEMA_COMMAND = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:\w+\s+){0,2}(?:CONSTRAINT|INDEX)\b",
    re.IGNORECASE,
)


def written_property_keys(code: str) -> set[str]:
    """Property keys a Cypher text writes or declares (see KNOWN_PROPERTY_KEYS)."""
    keys = {m.group(1) for m in _MAP_KEY.finditer(code)}
    for m in re.finditer(r"\bSET\b", code, re.IGNORECASE):
        end = _CLAUSE_END.search(code, m.end())
        clause = code[m.end() : end.start() if end else len(code)]
        keys.update(a.group(1) for a in _ASSIGNED_PROPERTY.finditer(clause))
    for statement in code.split(";"):
        if _SCHEMA_COMMAND.match(statement):
            keys.update(p.group(1) for p in _ANY_PROPERTY.finditer(statement))
    return {_unquote(k) for k in keys}


# ------------------------------------------------------------------ collection
def _display(path: Path) -> str:
    try:
        return path.relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


def _cypher_files() -> list[Path]:
    if not CYPHER_DIR.is_dir():
        return []
    return sorted(p for p in CYPHER_DIR.rglob("*.cypher") if p.is_file())


def _neo4j_sibling(path: Path) -> Path:
    return path.with_name(path.name[: -len(FALKORDB_SUFFIX)] + NEO4J_SUFFIX)


def _is_falkordb_only(path: Path) -> bool:
    return path.name.endswith(FALKORDB_SUFFIX)


def _file_params() -> list:
    """The files Neo4j must accept: all but FalkorDB-only variants that have a Neo4j twin."""
    return [
        pytest.param(path, id=path.relative_to(CYPHER_DIR).as_posix())
        for path in _cypher_files()
        if not (_is_falkordb_only(path) and _neo4j_sibling(path).is_file())
    ]


def test_falkordb_variants_have_a_neo4j_twin() -> None:
    """A FalkorDB-only file is not linted, so its question must have Neo4j text beside it."""
    lonely = [
        _display(p) for p in _cypher_files() if _is_falkordb_only(p) and not _neo4j_sibling(p).is_file()
    ]
    assert not lonely, f"FalkorDB-only files without a *.neo4j.cypher twin: {lonely}"


# Texts the linter must judge as expected, linted in the same node run: if the
# schema stopped reaching the linter, these would notice.
CANARIES = {
    "clean": (
        "UNWIND $rows AS row\n"
        "MATCH (p:Person {id: row.person})-[:WORKS_AT]->(o:Org {id: row.unlistedKey})\n"
        "RETURN p.name, o.name // $notAParam\n",
        None,
    ),
    "label-typo": ("MATCH (p:Persn {id: $id}) RETURN p.name", "Label Persn"),
    "rel-type-typo-in-merge": (
        "MATCH (p:Person {id: $person}), (o:Org {id: $org})\nMERGE (p)-[:WORKS_ATT]->(o)",
        "Relationship type WORKS_ATT",
    ),
    "property-typo": ("MATCH (p:Person) RETURN p.nmae", "nmae is not present"),
    "syntax-error": ("MATCH (p:Person RETURN p", "Invalid input"),
}


# --------------------------------------------------------------------- linting
def _missing_tooling() -> str | None:
    problems = []
    if shutil.which("node") is None:
        problems.append("`node` is not on PATH (install Node.js 20 or later)")
    if not LINTER_PACKAGE.is_dir():
        problems.append(f"{_display(LINTER_PACKAGE)} is missing")
    if not problems:
        return None
    return (
        "Cypher lint cannot run: " + "; ".join(problems) + ". `make test` installs the linter; or run "
        "`npm ci --prefix tools/cypher-lint --no-audit --no-fund`."
    )


@pytest.fixture(scope="module")
def lint_report() -> dict[str, list[dict]]:
    """Run lint.mjs once over every lintable file and the canaries."""
    missing = _missing_tooling()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)

    entries = []
    property_keys = set(KNOWN_PROPERTY_KEYS)
    for path in _cypher_files():
        text = path.read_text(encoding="utf-8")
        code, params = scan_cypher(text)
        property_keys |= written_property_keys(code)
        if not _is_falkordb_only(path):
            entries.append({"file": _display(path), "text": text, "parameters": sorted(params)})
    for name, (text, _) in CANARIES.items():
        entries.append({"file": f"<canary:{name}>", "text": text, "parameters": sorted(scan_cypher(text)[1])})

    request = {
        "schema": {
            "labels": list(GRAPH_LABELS),
            "relationshipTypes": list(GRAPH_RELATIONSHIP_TYPES),
            "propertyKeys": sorted(property_keys),
        },
        "files": entries,
    }
    proc = subprocess.run(
        ["node", str(LINT_JS)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(f"{_display(LINT_JS)} exited {proc.returncode}:\n{proc.stderr}", pytrace=False)
    report: dict[str, list[dict]] = {}
    for diagnostic in json.loads(proc.stdout):
        report.setdefault(diagnostic["file"], []).append(diagnostic)
    return report


def _format(diagnostics: list[dict]) -> str:
    return "\n".join(
        f"{d['file']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}" for d in diagnostics
    )


@pytest.mark.parametrize("path", _file_params())
def test_cypher_file_passes_neo4j_lint(path: Path, lint_report: dict[str, list[dict]]) -> None:
    if _is_falkordb_only(path):
        pytest.fail(
            f"{_display(path)} is FalkorDB-only but has no Neo4j variant "
            f"{_display(_neo4j_sibling(path))}: every question needs text Neo4j accepts.",
            pytrace=False,
        )
    diagnostics = lint_report.get(_display(path), [])
    if diagnostics:
        unknown = any("is not present in the database" in d["message"] for d in diagnostics)
        pytest.fail(
            f"Neo4j's Cypher linter reports {len(diagnostics)} problem(s):\n"
            f"{_format(diagnostics)}" + (f"\n{HINT}" if unknown else ""),
            pytrace=False,
        )


@pytest.mark.parametrize("name", sorted(CANARIES))
def test_linter_catches_known_problems(name: str, lint_report: dict[str, list[dict]]) -> None:
    _, expected = CANARIES[name]
    diagnostics = lint_report.get(f"<canary:{name}>", [])
    if expected is None:
        assert not diagnostics, f"false positives on a clean query:\n{_format(diagnostics)}"
    else:
        assert any(expected in d["message"] for d in diagnostics), (
            f"expected a diagnostic containing {expected!r}, got:\n{_format(diagnostics) or '(none)'}"
        )


def test_scan_cypher_parameters_ignore_strings_and_comments() -> None:
    text = (
        "// $commented\n"
        "MATCH (n:Person {id: $id}) /* $blocked */\n"
        'WHERE n.name = \'$notParam\' OR n.note = "it\\"s $x" OR n.x = $`odd name`\n'
        "SET n.`a$b` = $value, n += $props\n"
        "RETURN n"
    )
    code, params = scan_cypher(text)
    assert params == {"id", "odd name", "value", "props"}
    assert len(code) == len(text)
    assert "commented" not in code and "notParam" not in code
    assert written_property_keys(code) == {"id", "a$b"}
