// Fast YAML parsing (js-yaml, core schema) that still records where every node sits in the source.

import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';

/** A YAML node with source offsets; mapping children alternate key, value. */
export interface YamlNode {
  kind: 'mapping' | 'sequence' | 'scalar';
  start: number;
  end: number;
  /** Flow collections (`[…]`, `{…}`) span their brackets; block collections end at their last child. */
  flow: boolean;
  children: YamlNode[];
  value: unknown;
}

export type YamlTreeResult = { value: unknown; root: YamlNode | undefined } | { problem: { offset: number; message: string } };

interface Frame {
  start: number;
  children: YamlNode[];
}

export function parseYamlTree(text: string): YamlTreeResult {
  const stack: Frame[] = [{ start: 0, children: [] }];
  let value: unknown;
  try {
    value = load(text, {
      schema: CORE_SCHEMA,
      json: false,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ start: state.position, children: [] });
          return;
        }
        const frame = stack.pop();
        const parent = stack.at(-1);
        if (!frame || !parent) return;
        const kind = state.kind === 'mapping' || state.kind === 'sequence' ? state.kind : 'scalar';
        parent.children.push(finishNode(text, frame, kind, state.position, state.result));
      },
    });
  } catch (error) {
    if (error instanceof YAMLException) {
      const offset = error.mark?.position ?? 0;
      return { problem: { offset, message: error.reason || error.message.split('\n')[0] || 'invalid YAML' } };
    }
    throw error;
  }
  return { value, root: stack[0]?.children.at(-1) };
}

function finishNode(text: string, frame: Frame, kind: YamlNode['kind'], close: number, value: unknown): YamlNode {
  const start = skipProperties(text, skipInsignificant(text, frame.start, close), close);
  // An empty node (`key:` with no value) sits where the value would have begun, as in the yaml library.
  if (kind === 'scalar' && value === null && trimEnd(text, start, close) === start) {
    let at = frame.start;
    while (text[at] === ' ' || text[at] === '\t') at++;
    return { kind, start: at, end: at, flow: false, children: frame.children, value };
  }
  const flow = kind !== 'scalar' && (text[start] === '[' || text[start] === '{');
  let end: number;
  if (kind !== 'scalar' && !flow) {
    // A block collection ends where its last entry ends; what follows (comments, blank lines) is not part of it.
    end = frame.children.at(-1)?.end ?? start;
  } else {
    end = trimEnd(text, start, close);
    if (kind === 'scalar' && (text[start] === '|' || text[start] === '>')) end = blockScalarEnd(text, start, end, close);
  }
  return { kind, start, end, flow, children: frame.children, value };
}

/** Moves forward over spaces, line breaks and comments to where a node's text begins. */
function skipInsignificant(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13) {
      i++;
    } else if (ch === 35 /* # */ && (i === 0 || /\s/.test(text[i - 1] ?? ' '))) {
      while (i < limit && text.charCodeAt(i) !== 10) i++;
    } else {
      break;
    }
  }
  return i;
}

/** Anchors (`&name`) and tags (`!tag`) belong to a node, but its text starts after them. */
function skipProperties(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && (text[i] === '&' || text[i] === '!')) {
    while (i < limit && !/\s/.test(text[i] ?? ' ')) i++;
    i = skipInsignificant(text, i, limit);
  }
  return i;
}

/**
 * A block scalar's text includes the line break that ends its last line, and with keep chomping
 * (`|+`) the blank lines after it too, as in the yaml library.
 */
function blockScalarEnd(text: string, start: number, end: number, close: number): number {
  const header = text.slice(start, text.indexOf('\n', start) === -1 ? close : text.indexOf('\n', start));
  const keep = /^[|>][0-9]?\+/.test(header);
  let at = end;
  do {
    if (text[at] === '\r' && text[at + 1] === '\n') at += 2;
    else if (text[at] === '\n') at += 1;
    else break;
  } while (keep && at < close);
  return at;
}

function trimEnd(text: string, start: number, close: number): number {
  let i = Math.max(start, close);
  while (i > start && /\s/.test(text[i - 1] ?? '')) i--;
  return i;
}
