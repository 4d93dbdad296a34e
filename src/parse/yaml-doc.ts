// YAML and JSON documents that keep source ranges, with one resolver from key routes to spans.

import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type Scalar } from 'yaml';
import { jsonProblem } from './json-check.js';
import { SourceFile, type ParseProblem } from './source-file.js';

/** A symbolic place in a document: keys and sequence indexes from the root. */
export type Route = readonly (string | number)[];

/** Which part of a mapping entry a route should point at. */
export type RoutePart = 'key' | 'value' | 'entry';

export interface Span {
  start: number;
  end: number;
}

export class YamlFile extends SourceFile {
  readonly doc: Document.Parsed | undefined;
  readonly problems: ParseProblem[] = [];
  /** The plain JavaScript value of the document (undefined when it failed to parse). */
  readonly value: unknown;

  constructor(path: string, text: string, options: { json?: boolean; jsonc?: boolean } = {}) {
    super(path, text);
    // JSON with comments keeps offsets: comments and trailing commas become spaces.
    const source = options.jsonc ? blankJsonComments(text) : text;
    if (options.json || options.jsonc) {
      const problem = strictJsonProblem(source);
      if (problem) {
        this.problems.push(problem);
        this.value = undefined;
        return;
      }
    }
    const doc = parseDocument(source, { uniqueKeys: true, strict: true, prettyErrors: false });
    for (const error of doc.errors) {
      this.problems.push({ message: error.message.split('\n')[0] ?? error.message, offset: error.pos[0], length: Math.max(1, error.pos[1] - error.pos[0]) });
    }
    if (this.problems.length > 0) {
      this.value = undefined;
      return;
    }
    this.doc = doc;
    this.value = doc.toJS({ maxAliasCount: 100 });
  }

  get ok(): boolean {
    return this.doc !== undefined;
  }

  /** The node at a route, or undefined when any step is missing. */
  node(route: Route): Node | undefined {
    const found = this.walk(route);
    return found.complete ? found.node : undefined;
  }

  /** The mapping entry that holds the last key of a route. */
  pair(route: Route): Pair | undefined {
    const found = this.walk(route);
    return found.complete ? found.pair : undefined;
  }

  /**
   * The source span of a route. When the route does not fully resolve, the longest resolvable
   * prefix is used, so a finding always lands on the nearest real place.
   */
  span(route: Route, part: RoutePart = 'value'): Span {
    const found = this.walk(route);
    const pair = found.pair;
    const keyNode = pair && isScalar(pair.key) ? pair.key : undefined;
    if (part === 'key' && keyNode?.range) return { start: keyNode.range[0], end: keyNode.range[1] };
    if (part === 'entry' && keyNode?.range) {
      const end = found.node?.range ? found.node.range[1] : keyNode.range[1];
      return { start: keyNode.range[0], end };
    }
    const node = found.node;
    if (node?.range) {
      // A block collection's range starts at its first item; pointing at the key reads better.
      if ((isMap(node) || isSeq(node)) && !node.flow && keyNode?.range) {
        return { start: keyNode.range[0], end: keyNode.range[1] };
      }
      return { start: node.range[0], end: node.range[1] };
    }
    if (keyNode?.range) return { start: keyNode.range[0], end: keyNode.range[1] };
    return { start: 0, end: 0 };
  }

  /**
   * Source offset of a character inside the string scalar at a route. Exact for plain, quoted
   * single-line and literal block scalars; otherwise the n-th occurrence of the needle.
   */
  offsetInScalar(route: Route, index: number, needle: string): number {
    const node = this.node(route);
    if (!node || !isScalar(node) || !node.range || typeof node.value !== 'string') return this.span(route).start;
    const [start, end] = node.range;
    const raw = this.text.slice(start, end);
    const value = node.value;
    if (node.type === 'BLOCK_LITERAL') {
      const mapped = literalOffset(this.text, start, end, value, index);
      if (mapped !== undefined) return mapped;
    }
    if (node.type === 'PLAIN' && raw === value) return start + index;
    const quoteShift = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    if (quoteShift && raw.slice(1, -1) === value) return start + 1 + index;
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

  private walk(route: Route): { node: Node | undefined; pair: Pair | undefined; complete: boolean } {
    let node: Node | undefined = (this.doc?.contents ?? undefined) as Node | undefined;
    let pair: Pair | undefined;
    for (const segment of route) {
      if (typeof segment === 'number' && isSeq(node)) {
        const item = node.items[segment];
        if (item === undefined) return { node, pair, complete: false };
        node = item as Node;
        pair = undefined;
      } else if (isMap(node)) {
        const entry = node.items.find((item) => isPair(item) && isScalar(item.key) && String((item.key as Scalar).value) === String(segment));
        if (!entry) return { node, pair, complete: false };
        pair = entry as Pair;
        node = (entry.value ?? undefined) as Node | undefined;
        if (node === undefined) return { node: entry.key as Node, pair, complete: true };
      } else {
        return { node, pair, complete: false };
      }
    }
    return { node, pair, complete: true };
  }
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

function strictJsonProblem(source: string): ParseProblem | undefined {
  const problem = jsonProblem(source);
  return problem ? { message: `invalid JSON: ${problem.message}`, offset: problem.offset, length: 1 } : undefined;
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
