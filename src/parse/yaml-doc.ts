// YAML and JSON documents that keep source ranges, with one resolver from key routes to spans.

import { jsonValue, parseJson, type JsonNode } from './json-check.js';
import { SourceFile, type ParseProblem } from './source-file.js';
import { parseYamlTree, type YamlNode } from './yaml-tree.js';

/** A symbolic place in a document: keys and sequence indexes from the root. */
export type Route = readonly (string | number)[];

/** Which part of a mapping entry a route should point at. */
export type RoutePart = 'key' | 'value' | 'entry';

export interface Span {
  start: number;
  end: number;
}

/** What a route resolves to, whichever parser produced the document. */
interface Resolved {
  complete: boolean;
  /** The key of the last mapping entry on the route. */
  key: Span | undefined;
  /** The node at the route (or the deepest node reached). */
  node: Span | undefined;
  /** True for block-style YAML collections, whose range starts at their first item. */
  block: boolean;
  scalar: { value: string; style: 'plain' | 'double' | 'single' | 'literal' | 'other' } | undefined;
}

export class YamlFile extends SourceFile {
  readonly problems: ParseProblem[] = [];
  /** The plain JavaScript value of the document (undefined when it failed to parse). */
  readonly value: unknown;
  private readonly tree: YamlNode | undefined;
  private readonly json: JsonNode | undefined;

  constructor(path: string, text: string, options: { json?: boolean; jsonc?: boolean } = {}) {
    super(path, text);
    if (options.json || options.jsonc) {
      // JSON with comments keeps offsets: comments and trailing commas become spaces.
      const parsed = parseJson(options.jsonc ? blankJsonComments(text) : text);
      if ('problem' in parsed) {
        this.problems.push({ message: `invalid JSON: ${parsed.problem.message}`, offset: parsed.problem.offset, length: 1 });
        this.value = undefined;
        return;
      }
      this.json = parsed.root;
      this.value = jsonValue(parsed.root);
      return;
    }
    const parsed = parseYamlTree(text);
    if ('problem' in parsed) {
      this.problems.push({ message: parsed.problem.message, offset: parsed.problem.offset, length: 1 });
      this.value = undefined;
      return;
    }
    this.tree = parsed.root ?? EMPTY;
    this.value = parsed.value;
  }

  get ok(): boolean {
    return this.tree !== undefined || this.json !== undefined;
  }

  /** The string value of the scalar at a route, or undefined when it is missing or not a string. */
  scalarString(route: Route): string | undefined {
    const found = this.resolve(route);
    return found.complete ? found.scalar?.value : undefined;
  }

  /**
   * The source span of a route. When the route does not fully resolve, the longest resolvable
   * prefix is used, so a finding always lands on the nearest real place.
   */
  span(route: Route, part: RoutePart = 'value'): Span {
    const found = this.resolve(route);
    const key = found.key;
    if (part === 'key' && key) return key;
    if (part === 'entry' && key) return { start: key.start, end: found.node ? found.node.end : key.end };
    if (found.node) {
      // A block collection's range starts at its first item; pointing at the key reads better.
      if (found.block && key) return key;
      return found.node;
    }
    return key ?? { start: 0, end: 0 };
  }

  /**
   * Source offset of a character inside the string scalar at a route. Exact for plain, quoted
   * single-line and literal block scalars; otherwise the n-th occurrence of the needle.
   */
  offsetInScalar(route: Route, index: number, needle: string): number {
    const found = this.resolve(route);
    if (!found.complete || !found.scalar || !found.node) return this.span(route).start;
    const { start, end } = found.node;
    const raw = this.text.slice(start, end);
    const { value, style } = found.scalar;
    if (style === 'literal') {
      const mapped = literalOffset(this.text, start, end, value, index);
      if (mapped !== undefined) return mapped;
    }
    if (style === 'plain' && raw === value) return start + index;
    if ((style === 'double' || style === 'single') && raw.slice(1, -1) === value) return start + 1 + index;
    // Fallback: the same occurrence of the needle in the raw source as in the value.
    let occurrence = 0;
    for (let i = value.indexOf(needle); i !== -1 && i < index; i = value.indexOf(needle, i + 1)) occurrence++;
    let at = -1;
    for (let n = 0; n <= occurrence; n++) {
      at = raw.indexOf(needle, at + 1);
      if (at === -1) break;
    }
    return at === -1 ? start : start + at;
  }

  private resolve(route: Route): Resolved {
    return this.json ? resolveJson(this.json, route) : resolveTree(this.text, this.tree, route);
  }
}

const EMPTY: YamlNode = { kind: 'scalar', start: 0, end: 0, flow: false, children: [], value: null };

function resolveTree(text: string, root: YamlNode | undefined, route: Route): Resolved {
  let node = root;
  let key: YamlNode | undefined;
  let complete = true;
  for (const segment of route) {
    if (typeof segment === 'number' && node?.kind === 'sequence') {
      const item: YamlNode | undefined = node.children[segment];
      if (!item) {
        complete = false;
        break;
      }
      node = item;
      key = undefined;
    } else if (node?.kind === 'mapping') {
      const children: YamlNode[] = node.children;
      let found = -1;
      for (let i = 0; i + 1 < children.length; i += 2) {
        if (String(children[i]?.value) === String(segment)) {
          found = i;
          break;
        }
      }
      if (found === -1) {
        complete = false;
        break;
      }
      key = children[found];
      node = children[found + 1];
    } else {
      complete = false;
      break;
    }
  }
  const styles: Record<string, NonNullable<Resolved['scalar']>['style']> = { '"': 'double', "'": 'single', '|': 'literal', '>': 'other' };
  return {
    complete,
    key: key ? { start: key.start, end: key.end } : undefined,
    node: node ? { start: node.start, end: node.end } : undefined,
    block: node !== undefined && node.kind !== 'scalar' && !node.flow,
    scalar: node?.kind === 'scalar' && typeof node.value === 'string' ? { value: node.value, style: styles[text[node.start] ?? ''] ?? 'plain' } : undefined,
  };
}

function resolveJson(root: JsonNode, route: Route): Resolved {
  let node: JsonNode = root;
  let key: Span | undefined;
  let complete = true;
  for (const segment of route) {
    if (typeof segment === 'number' && node.type === 'array') {
      const item = node.items[segment];
      if (!item) {
        complete = false;
        break;
      }
      node = item;
      key = undefined;
    } else if (node.type === 'object') {
      // JSON.parse keeps the last of duplicate keys, so the last entry is the one in `value`.
      const entry = node.entries.findLast((candidate) => candidate.key === String(segment));
      if (!entry) {
        complete = false;
        break;
      }
      key = { start: entry.keyStart, end: entry.keyEnd };
      node = entry.value;
    } else {
      complete = false;
      break;
    }
  }
  return {
    complete,
    key,
    node: { start: node.start, end: node.end },
    block: false,
    scalar: node.type === 'string' ? { value: node.value, style: 'double' } : undefined,
  };
}

function literalOffset(text: string, start: number, end: number, value: string, index: number): number | undefined {
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd === -1 || headerEnd >= end) return undefined;
  const before = value.slice(0, index);
  const lineNo = before.split('\n').length - 1;
  const column = index - (before.lastIndexOf('\n') + 1);
  let lineStart = headerEnd + 1;
  let indent = -1;
  for (let n = 0; lineStart < end; n++) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd);
    if (indent === -1 && line.trim() !== '') indent = line.length - line.trimStart().length;
    if (n === lineNo) return indent === -1 ? undefined : lineStart + indent + column;
    if (lineEnd === -1) break;
    lineStart = lineEnd + 1;
  }
  return undefined;
}

/** Replaces // and block comments (and trailing commas) with spaces, keeping every offset. */
export function blankJsonComments(text: string): string {
  const out = text.split('');
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') out[i++] = ' ';
    } else if (ch === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const stop = close === -1 ? text.length : close + 2;
      for (; i < stop; i++) if (text[i] !== '\n') out[i] = ' ';
      i--;
    }
  }
  return stripTrailingCommas(out.join(''));
}

function stripTrailingCommas(text: string): string {
  return text.replace(/,(\s*[}\]])/g, ' $1');
}
