#!/usr/bin/env node
// graphcrm Cypher lint: runs Neo4j's own linter (`lintCypherQuery` from
// @neo4j-cypher/language-support, pinned in package.json) over many Cypher
// texts in one process and prints the diagnostics as JSON.
//
// Usage:   node tools/cypher-lint/lint.mjs < request.json > diagnostics.json
// Install: npm ci --prefix tools/cypher-lint --no-audit --no-fund
//
// ---------------------------------------------------------------- input (stdin)
// Either a JSON array of file entries, or an object with shared defaults:
//
//   {
//     "schema": {                       // optional; shared by every file
//       "labels":            ["Account", "Person", ...],
//       "relationshipTypes": ["WORKS_AT", ...],
//       "propertyKeys":      ["id", "name", ...],
//       "parameters":        {"name": <example value>} | ["name", ...]
//     },
//     "builtinRegistry": true,          // optional, default true (see below)
//     "files": [
//       {
//         "file": "cypher/foo.cypher",  // any string; echoed back in results
//         "text": "MATCH (n:Person {id: $id}) RETURN n",
//         "parameters": {"id": null},   // or ["id"]; merged over schema.parameters
//         "labels": [...], "relationshipTypes": [...], "propertyKeys": [...]
//                                       // optional per-file overrides of "schema"
//       }
//     ]
//   }
//
// A bare array is the same as {"files": <array>}.
//
// Every field is optional except "text". What each schema field does (read from
// the linter's source, version 2.0.0-next.38):
//   labels + relationshipTypes  only checked when BOTH are given: a label or
//       relationship type that is not listed gives a warning "... is not present
//       in the database". The linter itself only checks read clauses (MATCH,
//       WHERE, ...); it skips MERGE/CREATE because those may create new labels.
//       This script adds the same check for every other place a label or type
//       is written (MERGE, CREATE, SET n:X, REMOVE, CREATE INDEX/CONSTRAINT ...
//       FOR (n:X)), because graphcrm's graph has a fixed set of labels.
//   propertyKeys  only checked when given: a property READ from a node or
//       relationship variable that is not listed (and not written in the same
//       statement) gives a warning. (The linter wrongly counts `row.key` inside
//       a pattern's map, as in `MATCH (b {id: row.key})`, as a property of b;
//       this script drops those warnings when `row` is not a node/relationship.)
//   parameters  an object; every `$name` used must be a key in it, or the
//       linter reports the error "Parameter $name is not defined.". Only the
//       presence of the key matters (the value is never inspected), so a list
//       of names is accepted too and each maps to null.
//   functions / procedures  if given, unknown functions/procedures are errors
//       and deprecated ones give warnings. With "builtinRegistry" true (the
//       default) this script passes the registry that the package ships as its
//       test fixture (`testData.mockSchema`: a dump of a Neo4j 5 server with
//       APOC and GDS; 405 functions and 701 procedures for Cypher 5). Set
//       "builtinRegistry": false to turn the function/procedure check off.
//   defaultLanguage  set by this script: "CYPHER 25" when the file's first
//       statement starts with `CYPHER 25` (comments and blank lines before it
//       are ignored), otherwise "CYPHER 5". Used for every statement in the
//       file that has no `CYPHER n` prefix of its own. (The linter's own
//       default is Cypher 5 too.)
//
// A file may hold several statements separated by `;` and may contain `//`
// and `/* */` comments. Comments after the last `;` are fine (the linter alone
// would report "Expected any of CYPHER, EXPLAIN, PROFILE or a statement" for
// them; this script blanks them out, keeping every position). A file with no
// statement at all is reported as an error.
//
// --------------------------------------------------------------- output (stdout)
// A JSON array, sorted by file order then position, of
//   {"file": ..., "line": 1-based, "column": 1-based,
//    "endLine": 1-based, "endColumn": 1-based,
//    "severity": "error" | "warning" | "information" | "hint",
//    "message": ..., "source": "neo4j-linter" | "graphcrm-schema"}
// Files without diagnostics do not appear. Deprecations and performance
// notifications (e.g. cartesian products, unbounded shortestPath) come back
// as warnings.
//
// Exit status: 0 when the lint ran (whatever it found); 2 on unusable input;
// 1 if the linter could not be loaded. If the linter throws on one file, that
// file gets an "error" diagnostic saying so and the others are still linted.

import { readFileSync } from 'node:fs';

const SEVERITIES = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };

function die(status, message) {
  process.stderr.write(`cypher-lint: ${message}\n`);
  process.exit(status);
}

let linter;
try {
  linter = await import('@neo4j-cypher/language-support');
} catch (err) {
  die(
    1,
    `cannot load @neo4j-cypher/language-support (${err.message}); ` +
      'run: npm ci --prefix tools/cypher-lint --no-audit --no-fund',
  );
}
const { lintCypherQuery, highlightSyntax, testData } = linter;

let request;
try {
  request = JSON.parse(readFileSync(0, 'utf8'));
} catch (err) {
  die(2, `stdin is not valid JSON: ${err.message}`);
}
if (Array.isArray(request)) request = { files: request };
if (
  request === null ||
  typeof request !== 'object' ||
  !Array.isArray(request.files)
) {
  die(2, 'expected a JSON array of files or an object with a "files" array');
}
const shared = request.schema ?? {};
const builtinRegistry = request.builtinRegistry ?? true;
for (const [i, entry] of request.files.entries()) {
  if (!entry || typeof entry.text !== 'string') {
    die(2, `files[${i}] has no string "text"`);
  }
}

function paramsToObject(params) {
  if (params === undefined || params === null) return {};
  if (Array.isArray(params)) {
    return Object.fromEntries(params.map((name) => [String(name), null]));
  }
  if (typeof params === 'object') return params;
  die(2, '"parameters" must be an object or an array of names');
}

/**
 * Scans Cypher text for comments, strings and quoted names. Returns the
 * comment ranges, the index of the last `;` that separates statements, and
 * whether there is any code (not whitespace or comment) after it / at all.
 */
function scan(text) {
  const comments = [];
  let lastSemicolon = -1;
  let codeAfterLastSemicolon = false;
  let anyCode = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      comments.push([i, stop]);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      comments.push([i, stop]);
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      anyCode = true;
      codeAfterLastSemicolon = true;
      let j = i + 1;
      while (j < n && text[j] !== c) {
        // Backslash escapes exist in string literals, not in `quoted names`.
        j += c !== '`' && text[j] === '\\' ? 2 : 1;
      }
      i = j + 1;
    } else if (c === ';') {
      lastSemicolon = i;
      codeAfterLastSemicolon = false;
      anyCode = true;
      i += 1;
    } else {
      if (!/\s/.test(c)) {
        anyCode = true;
        codeAfterLastSemicolon = true;
      }
      i += 1;
    }
  }
  return { comments, lastSemicolon, codeAfterLastSemicolon, anyCode };
}

/** Replaces comments after the last `;` by spaces (newlines kept). */
function blankTrailingComments(text, scanned) {
  const { comments, lastSemicolon, codeAfterLastSemicolon } = scanned;
  if (lastSemicolon < 0 || codeAfterLastSemicolon) return text;
  let out = text;
  for (const [start, end] of comments) {
    if (start > lastSemicolon) {
      out =
        out.slice(0, start) +
        out.slice(start, end).replace(/[^\n]/g, ' ') +
        out.slice(end);
    }
  }
  return out;
}

function startsWithCypher25(text, scanned) {
  let i = 0;
  for (const [start, end] of scanned.comments) {
    if (text.slice(i, start).trim() !== '') break;
    i = end;
  }
  return /^\s*CYPHER\s+25\b/i.test(text.slice(i));
}

/** Which kind of name a label token is, judged from the text before it. */
function labelTokenKind(text, offset) {
  let i = offset - 1;
  while (i >= 0) {
    const c = text[i];
    if (/[\w`\s:|&!%]/.test(c)) {
      i -= 1;
    } else if (c === '(') {
      // `(:(A|B))`: a parenthesised label expression, keep going out.
      let k = i - 1;
      while (k >= 0 && /\s/.test(text[k])) k -= 1;
      if (k >= 0 && /[:|&!]/.test(text[k])) {
        i = k;
      } else {
        return 'label';
      }
    } else if (c === '[') {
      return 'relationshipType';
    } else {
      break;
    }
  }
  return 'either';
}

const NOT_PRESENT =
  " is not present in the database. Make sure you didn't misspell it or that it is available when you run this statement in your application";

/** Labels / relationship types in clauses the linter does not check. */
function schemaLabelDiagnostics(text, dbSchema, existing) {
  const labels = new Set(dbSchema.labels);
  const relTypes = new Set(dbSchema.relationshipTypes);
  const seen = new Set(existing.map((d) => `${d.range.start.line}:${d.range.start.character}`));
  const out = [];
  for (const token of highlightSyntax(text, { consoleCommandsEnabled: false })) {
    const { line, startCharacter, startOffset } = token.position;
    let kind;
    if (token.tokenType === 'label') {
      kind = labelTokenKind(text, startOffset);
    } else if (token.tokenType === 'symbolicName') {
      // Index and constraint commands highlight some labels and types as
      // plain names: `FOR ()-[r:TYPE]-()`, `FOR (n:A|B) ON EACH [...]`.
      if (!/[:|&!]\s*$/.test(text.slice(Math.max(0, startOffset - 40), startOffset))) continue;
      kind = labelTokenKind(text, startOffset);
      if (kind === 'either') continue;
    } else {
      continue;
    }
    if (seen.has(`${line}:${startCharacter}`)) continue;
    const name = token.token.replace(/^`|`$/g, '');
    let what;
    if (kind === 'label' && !labels.has(name)) what = 'Label';
    else if (kind === 'relationshipType' && !relTypes.has(name)) what = 'Relationship type';
    else if (kind === 'either' && !labels.has(name) && !relTypes.has(name)) {
      what = 'Label or relationship type';
    }
    if (!what) continue;
    out.push({
      severity: 2,
      range: {
        start: { line, character: startCharacter },
        end: { line, character: startCharacter + token.length },
      },
      message: `${what} ${token.token}${NOT_PRESENT}`,
      source: 'graphcrm-schema',
    });
  }
  return out;
}

/**
 * Works around a linter bug: inside a node or relationship pattern's property
 * map, every property access is attributed to that pattern's variable, so in
 * `UNWIND $rows AS row MATCH (b:Person {id: row.target})` the linter reports
 * "target is not present in the database" as if it were `b.target`. Drops an
 * unknown-property warning when the property is accessed as `v.key` and the
 * symbol table says `v` is not (only) a node or relationship.
 */
function isMisattributedProperty(d, text, symbolTables) {
  const start = d.offsets?.start;
  if (start === undefined || start < 0) return false;
  const key = text.slice(start, d.offsets.end).replace(/^`|`$/g, '');
  if (d.message !== `${key}${NOT_PRESENT}`) return false;
  const before = text.slice(0, start);
  const access = /(\w+|`(?:[^`]|``)+`)\s*\.\s*$/.exec(before);
  if (!access) return false;
  const varOffset = access.index;
  for (const table of symbolTables ?? []) {
    for (const symbol of table) {
      if (symbol.references.includes(varOffset)) {
        return !(
          symbol.types.length > 0 &&
          symbol.types.every((t) => t === 'Node' || t === 'Relationship')
        );
      }
    }
  }
  return false;
}

function lintOne(entry) {
  const pick = (key) => entry[key] ?? shared[key];
  const dbSchema = {
    parameters: {
      ...paramsToObject(shared.parameters),
      ...paramsToObject(entry.parameters),
    },
  };
  for (const key of ['labels', 'relationshipTypes', 'propertyKeys']) {
    const value = pick(key);
    if (value !== undefined && value !== null) dbSchema[key] = value;
  }
  if (builtinRegistry && testData?.mockSchema) {
    dbSchema.functions = testData.mockSchema.functions;
    dbSchema.procedures = testData.mockSchema.procedures;
  }

  const original = entry.text;
  const scanned = scan(original);
  if (!scanned.anyCode) {
    return [
      {
        severity: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: 'File contains no Cypher statement.',
        source: 'graphcrm-schema',
      },
    ];
  }
  const text = blankTrailingComments(original, scanned);
  dbSchema.defaultLanguage = startsWithCypher25(text, scanned)
    ? 'CYPHER 25'
    : 'CYPHER 5';

  const { diagnostics, symbolTables } = lintCypherQuery(text, dbSchema, {
    consoleCommandsEnabled: false,
  });
  const found = diagnostics
    .filter((d) => !isMisattributedProperty(d, text, symbolTables))
    .map((d) => ({ ...d, source: 'neo4j-linter' }));
  const hasErrors = found.some((d) => d.severity === 1);
  // After a syntax error the parse tree is a guess: only add our own label
  // check to files that parse, to avoid noise on top of the real error.
  if (!hasErrors && dbSchema.labels && dbSchema.relationshipTypes) {
    found.push(...schemaLabelDiagnostics(text, dbSchema, found));
  }
  return found;
}

const results = [];
for (const entry of request.files) {
  const file = entry.file ?? '<stdin>';
  let diagnostics;
  try {
    diagnostics = lintOne(entry);
  } catch (err) {
    diagnostics = [
      {
        severity: 1,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `the Cypher linter crashed on this file: ${err?.stack ?? err}`,
        source: 'cypher-lint',
      },
    ];
  }
  diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      (a.message > b.message ? 1 : -1),
  );
  for (const d of diagnostics) {
    results.push({
      file,
      // The linter can report -1 for positions it cannot place.
      line: Math.max(0, d.range.start.line) + 1,
      column: Math.max(0, d.range.start.character) + 1,
      endLine: Math.max(0, d.range.end.line) + 1,
      endColumn: Math.max(0, d.range.end.character) + 1,
      severity: SEVERITIES[d.severity] ?? 'error',
      message: d.message,
      source: d.source,
    });
  }
}
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
