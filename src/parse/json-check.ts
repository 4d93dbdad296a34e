// A strict JSON parser that keeps positions and reports where a document first goes wrong.

export interface JsonProblem {
  offset: number;
  message: string;
}

/** A JSON value with the offsets of its source text; object entries keep their key's span. */
export type JsonNode =
  | { type: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { type: 'array'; start: number; end: number; items: JsonNode[] }
  | { type: 'string'; start: number; end: number; value: string }
  | { type: 'number' | 'boolean' | 'null'; start: number; end: number; value: number | boolean | null };

export interface JsonEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export function jsonProblem(text: string): JsonProblem | undefined {
  const parsed = parseJson(text);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/** The plain value of a node, as JSON.parse would give it (the last of duplicate keys wins). */
export function jsonValue(node: JsonNode): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) {
        // A "__proto__" key is data, not a prototype change.
        Object.defineProperty(out, entry.key, { value: jsonValue(entry.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return node.items.map(jsonValue);
    default:
      return node.value;
  }
}

export function parseJson(text: string): { root: JsonNode } | { problem: JsonProblem } {
  let i = 0;
  const fail = (message: string): never => {
    throw Object.assign(new Error(message), { offset: Math.min(i, text.length) });
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${describe(text[i])}`);
  };
  const string = (): string => {
    const start = i;
    let escaped = false;
    i++;
    while (i < text.length) {
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return escaped ? (JSON.parse(text.slice(start, i)) as string) : text.slice(start + 1, i - 1);
      }
      if (ch === '\\') {
        escaped = true;
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('invalid \\u escape');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else fail('invalid escape');
        continue;
      }
      if (ch.charCodeAt(0) < 0x20) fail('control character in string');
      i++;
    }
    return fail('unterminated string');
  };
  const number = (): number => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match || match[0] === '' || match[0] === '-') fail(`unexpected ${describe(text[i])}`);
    i += (match as RegExpExecArray)[0].length;
    return Number((match as RegExpExecArray)[0]);
  };
  const value = (depth: number): JsonNode => {
    if (depth > 512) fail('nesting too deep');
    ws();
    const start = i;
    const ch = text[i];
    if (ch === '{') {
      const entries: JsonEntry[] = [];
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return { type: 'object', start, end: i, entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name, found ${describe(text[i])}`);
        const keyStart = i;
        const key = string();
        const keyEnd = i;
        ws();
        if (text[i] !== ':') fail(`expected ':' after a property name, found ${describe(text[i])}`);
        i++;
        entries.push({ key, keyStart, keyEnd, value: value(depth + 1) });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { type: 'object', start, end: i, entries };
        }
        fail(`expected ',' or '}', found ${describe(text[i])}`);
      }
    }
    if (ch === '[') {
      const items: JsonNode[] = [];
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return { type: 'array', start, end: i, items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail("trailing comma before ']'");
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { type: 'array', start, end: i, items };
        }
        fail(`expected ',' or ']', found ${describe(text[i])}`);
      }
    }
    if (ch === '"') return { type: 'string', start, value: string(), end: i };
    if (ch === 't') return (literal('true'), { type: 'boolean', start, end: i, value: true });
    if (ch === 'f') return (literal('false'), { type: 'boolean', start, end: i, value: false });
    if (ch === 'n') return (literal('null'), { type: 'null', start, end: i, value: null });
    const number_ = number();
    return { type: 'number', start, end: i, value: number_ };
  };
  try {
    const root = value(0);
    ws();
    if (i < text.length) fail(`unexpected ${describe(text[i])} after the document`);
    return { root };
  } catch (error) {
    const offset = (error as { offset?: number }).offset;
    if (offset === undefined) throw error;
    return { problem: { offset, message: (error as Error).message } };
  }
}

function describe(ch: string | undefined): string {
  if (ch === undefined) return 'end of file';
  if (ch === '/') return "'/' (comments are not allowed in JSON)";
  return `'${ch}'`;
}
