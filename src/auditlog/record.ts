// The audit record: its schema, its canonical JSON form and the hashes that chain records together.

import { createHash } from 'node:crypto';
import { z } from 'zod';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export const JsonValueSchema: z.ZodType<JsonValue> = z.json();

/** Claude Code's hook events in kebab-case, `internal-error` for a failure that happened before an event was known, and `network` for cordon run's proxy. */
export const AUDIT_EVENTS = [
  'pre-tool-use',
  'post-tool-use',
  'user-prompt-submit',
  'session-start',
  'session-end',
  'stop',
  'subagent-stop',
  'notification',
  'pre-compact',
  'internal-error',
  // cordon run's egress proxy: one record per connection attempt, allowed or refused.
  'network',
] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

export const DECISIONS = ['allow', 'deny', 'ask'] as const;
export type Decision = (typeof DECISIONS)[number];

/** The `prev` of the first record: there is no previous line to hash. */
export const GENESIS = '0'.repeat(64);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

export const AuditRecordSchema = z.strictObject({
  v: z.literal(1),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  time: z.iso.datetime(),
  session: z.string(),
  event: z.enum(AUDIT_EVENTS),
  tool: z.string().optional(),
  /** The tool input with every secret masked. */
  input: JsonValueSchema.optional(),
  decision: z.enum(DECISIONS).optional(),
  category: z.string().optional(),
  rule: z.string().optional(),
  reason: z.string().optional(),
  /** SHA-256 of the previous record's line as written (without its newline), or GENESIS. */
  prev: sha256Hex,
  /** SHA-256 of the canonical JSON of this record without `hash`. */
  hash: sha256Hex,
});
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** What a caller supplies; the log fills in the version, sequence, chain and hash (and the time unless given). */
export type AuditEntry = Omit<AuditRecord, 'v' | 'seq' | 'time' | 'prev' | 'hash'> & { time?: string };

/**
 * JSON with object keys sorted by UTF-16 code units at every depth and no whitespace. For JSON values
 * this is the RFC 8785 (JCS) form, because JSON.stringify already formats numbers and escapes strings
 * the way JCS asks. Object properties that are `undefined` are left out, as JSON.stringify does;
 * anything JSON cannot carry exactly (NaN, an `undefined` array element, a Date, a Map) throws instead
 * of being coerced, because a value that reads back differently would break its own hash.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`not a JSON number: ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        const items: string[] = [];
        // An index loop, so a hole in a sparse array is seen (and rejected) rather than skipped.
        for (let i = 0; i < value.length; i++) {
          if (value[i] === undefined) throw new TypeError(`array element ${i} is undefined`);
          items.push(canonicalJson(value[i]));
        }
        return `[${items.join(',')}]`;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`not a plain object: ${Object.prototype.toString.call(value)}`);
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object)
        .filter((key) => object[key] !== undefined)
        .sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The `hash` a record must carry: over everything else in it. */
export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...rest } = record as AuditRecord;
  return sha256(canonicalJson(rest));
}

/** The line written for a record; the next record's `prev` is sha256 of exactly this text. */
export function recordLine(record: AuditRecord): string {
  return canonicalJson(record);
}
