// Adds `Read(…)` deny rules for ignored paths to a Claude Code settings file, because Claude Code enforces those and never reads `.claudeignore`.

import { UsageError } from '../core/errors.js';
import { LineIndex } from '../core/location.js';
import { parseJson, type JsonEntry, type JsonNode } from '../parse/json-check.js';
import { parseIgnorePattern, type PatternToken } from './claudeignore.js';

export interface DenyMerge {
  text: string;
  /** Rules appended to `permissions.deny`, in the order given. */
  added: string[];
  /** Negations among the patterns: a deny list has no way to un-deny, so they are left out. */
  skipped: string[];
}

/** A settings file cordon will not rewrite, at a 1-based line and column (and its 0-based offset). */
export class SettingsMergeError extends UsageError {
  constructor(
    readonly offset: number,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${line}:${column}: ${detail}`);
  }
}

/**
 * The `Read(…)` rule for one gitignore pattern, or undefined for blanks, comments and negations.
 * Claude Code matches Read rules with gitignore semantics, but a leading `/` there means the settings
 * file's directory, so a root-anchored `/x` becomes `./x` and an unanchored `x` becomes `**\/x`.
 * Escaped characters, `\`, parentheses and a trailing space become `?`: how Claude Code unescapes a
 * rule is not documented, and one any-character wildcard denies a little more, never less.
 */
export function readRuleFor(pattern: string): string | undefined {
  const parsed = parseIgnorePattern(pattern);
  if (!parsed || parsed.negated) return undefined;
  const body = parsed.tokens.map(ruleText).join('').replace(/ +$/, (spaces) => '?'.repeat(spaces.length));
  const path = !parsed.anchored ? `**/${body}` : body.startsWith('**/') ? body : `./${body}`;
  // A directory pattern hides everything below it; a Read rule has to say so.
  return `Read(${parsed.dirOnly ? `${path}/**` : path})`;
}

/**
 * The settings text with a `Read(…)` deny rule for each pattern. It is re-serialised with two-space
 * indentation from the positional parse tree, not from `JSON.parse`: key order (numeric-looking keys
 * included), duplicate keys, and the spelling of every number and string stay exactly as written.
 * A file that needs nothing added comes back byte for byte.
 */
export function mergeDenyRules(settingsText: string | undefined, patterns: readonly string[]): DenyMerge {
  const wanted: string[] = [];
  const skipped: string[] = [];
  for (const pattern of patterns) {
    const rule = readRuleFor(pattern);
    if (rule === undefined) {
      if (parseIgnorePattern(pattern)?.negated) skipped.push(pattern);
    } else if (!wanted.includes(rule)) wanted.push(rule);
  }

  const text = settingsText ?? '{}';
  const parsed = parseJson(text);
  if ('problem' in parsed) throw errorAt(text, parsed.problem.offset, `invalid JSON: ${parsed.problem.message}`);
  const root = parsed.root;
  if (root.type !== 'object') throw errorAt(text, root.start, 'the settings file is not a JSON object');

  // With duplicate keys JSON.parse, and so Claude Code, keeps the last one: that is the one to extend.
  const permissions = lastEntry(root, 'permissions');
  if (permissions && permissions.value.type !== 'object') throw errorAt(text, permissions.value.start, '"permissions" is not an object');
  const deny = permissions?.value.type === 'object' ? lastEntry(permissions.value, 'deny') : undefined;
  if (deny && deny.value.type !== 'array') throw errorAt(text, deny.value.start, '"permissions.deny" is not an array');
  const existing = new Set<string>();
  for (const item of deny?.value.type === 'array' ? deny.value.items : []) {
    // Claude Code rejects such a file, and a rule written into a rejected file protects nothing.
    if (item.type !== 'string') throw errorAt(text, item.start, '"permissions.deny" holds a value that is not a string');
    existing.add(item.value);
  }

  const added = wanted.filter((rule) => !existing.has(rule));
  if (added.length === 0 && settingsText !== undefined) return { text: settingsText, added, skipped };

  const tree = toOut(text, root) as OutObject;
  const newRules: Out[] = added.map((rule) => ({ raw: JSON.stringify(rule) }));
  if (!permissions) tree.object.push(['"permissions"', { object: [['"deny"', { array: newRules }]] }]);
  else {
    const permissionsOut = valueAt(tree, root.entries.indexOf(permissions)) as OutObject;
    if (!deny) permissionsOut.object.push(['"deny"', { array: newRules }]);
    else (valueAt(permissionsOut, (permissions.value as Extract<JsonNode, { type: 'object' }>).entries.indexOf(deny)) as OutArray).array.push(...newRules);
  }
  return { text: `${serialize(tree, '')}\n`, added, skipped };
}

type OutObject = { object: [key: string, value: Out][] };
type OutArray = { array: Out[] };
/** A JSON value to print: containers rebuilt, scalars and keys as their source text. */
type Out = { raw: string } | OutObject | OutArray;

function toOut(text: string, node: JsonNode): Out {
  if (node.type === 'object') return { object: node.entries.map((entry) => [text.slice(entry.keyStart, entry.keyEnd), toOut(text, entry.value)]) };
  if (node.type === 'array') return { array: node.items.map((item) => toOut(text, item)) };
  return { raw: text.slice(node.start, node.end) };
}

/** Laid out as `JSON.stringify(value, null, 2)` lays it out. */
function serialize(value: Out, indent: string): string {
  if ('raw' in value) return value.raw;
  const inner = `${indent}  `;
  if ('array' in value) return value.array.length === 0 ? '[]' : `[\n${value.array.map((item) => inner + serialize(item, inner)).join(',\n')}\n${indent}]`;
  return value.object.length === 0 ? '{}' : `{\n${value.object.map(([key, item]) => `${inner}${key}: ${serialize(item, inner)}`).join(',\n')}\n${indent}}`;
}

function valueAt(object: OutObject, index: number): Out {
  return (object.object[index] as [string, Out])[1];
}

function lastEntry(node: Extract<JsonNode, { type: 'object' }>, key: string): JsonEntry | undefined {
  return node.entries.findLast((entry) => entry.key === key);
}

function ruleText(token: PatternToken): string {
  if ('glob' in token) return /[\\()]/.test(token.glob) ? '?' : token.glob;
  return '*?[]\\()'.includes(token.literal) ? '?' : token.literal;
}

function errorAt(text: string, offset: number, detail: string): SettingsMergeError {
  const at = new LineIndex(text).position(offset);
  return new SettingsMergeError(at.offset, at.line, at.column, detail);
}
