// canonicalJson against exact outputs (RFC 8785's own example among them), and the hashes built on it.

import { describe, expect, it } from 'vitest';
import { AuditRecordSchema, GENESIS, canonicalJson, recordHash, recordLine, sha256, type AuditRecord } from '../../../src/auditlog/record.js';

describe('canonicalJson', () => {
  const cases: [string, unknown, string][] = [
    ['keys sorted', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['nested keys sorted at every depth', { z: { y: [{ b: true, a: null }], x: 'x' }, a: [] }, '{"a":[],"z":{"x":"x","y":[{"a":null,"b":true}]}}'],
    ['array order kept', [3, 1, 2], '[3,1,2]'],
    ['keys in UTF-16 code unit order', { é: 1, z: 2, a: 3, A: 4, '\u{1f600}': 5, '\uff61': 6 }, '{"A":4,"a":3,"z":2,"é":1,"\u{1f600}":5,"\uff61":6}'],
    ['undefined properties left out', { a: undefined, b: 1 }, '{"b":1}'],
    ['numbers in shortest form', [1e21, 0.1, -0, 1.5e-7, 100], '[1e+21,0.1,0,1.5e-7,100]'],
    ['lone surrogate escaped, U+2028 kept', ['\ud800', '\u2028'], '["\\ud800","\u2028"]'],
    ['empty containers', { a: {}, b: [] }, '{"a":{},"b":[]}'],
    ['null-prototype object', Object.assign(Object.create(null) as object, { b: 2, a: 1 }), '{"a":1,"b":2}'],
    [
      'RFC 8785 §3.2.2 example',
      JSON.parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}'),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    ],
  ];
  it.each(cases)('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
    // Reading the output back and canonicalising again changes nothing: the hash survives a round trip.
    expect(canonicalJson(JSON.parse(expected))).toBe(expected);
  });

  const rejected: [string, unknown][] = [
    ['NaN', Number.NaN],
    ['Infinity', { a: Number.POSITIVE_INFINITY }],
    ['undefined array element', [1, undefined]],
    ['sparse array', [1, , 3]],
    ['Date', { at: new Date(0) }],
    ['Map', new Map([['a', 1]])],
    ['bigint', 1n],
    ['function', () => 1],
    ['top-level undefined', undefined],
  ];
  it.each(rejected)('rejects %s', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });
});

describe('recordHash and recordLine', () => {
  const unsigned = { v: 1 as const, seq: 0, time: '2025-01-02T03:04:05.678Z', session: 's1', event: 'pre-tool-use' as const, tool: 'Bash', input: { command: 'ls' }, decision: 'allow' as const, prev: GENESIS };

  it('hashes the canonical JSON of everything but hash', () => {
    const hash = recordHash(unsigned);
    expect(hash).toBe(sha256(canonicalJson(unsigned)));
    const record: AuditRecord = { ...unsigned, hash };
    expect(recordHash(record)).toBe(hash);
    expect(AuditRecordSchema.parse(JSON.parse(recordLine(record)))).toEqual(record);
  });

  it('changes when any field changes, key order does not matter', () => {
    const hash = recordHash(unsigned);
    expect(recordHash({ ...unsigned, decision: 'deny' })).not.toBe(hash);
    expect(recordHash({ ...unsigned, input: { command: 'ls ' } })).not.toBe(hash);
    const reordered = Object.fromEntries(Object.entries(unsigned).reverse()) as typeof unsigned;
    expect(recordHash(reordered)).toBe(hash);
  });

  it('rejects unknown fields, versions and events', () => {
    const record = { ...unsigned, hash: recordHash(unsigned) };
    expect(AuditRecordSchema.safeParse(record).success).toBe(true);
    expect(AuditRecordSchema.safeParse({ ...record, extra: 1 }).success).toBe(false);
    expect(AuditRecordSchema.safeParse({ ...record, v: 2 }).success).toBe(false);
    expect(AuditRecordSchema.safeParse({ ...record, event: 'PreToolUse' }).success).toBe(false);
    expect(AuditRecordSchema.safeParse({ ...record, prev: 'A'.repeat(64) }).success).toBe(false);
    expect(AuditRecordSchema.safeParse({ ...record, seq: -1 }).success).toBe(false);
  });
});
