// The hook policy corpus is data the engine will be measured on: it must stay well-formed.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'policy');
const CATEGORIES = ['network', 'package-install', 'secret-access', 'write-scope', 'protected-path', 'destructive', 'privilege', 'process-control', 'merge-approval', 'benign'];

interface Case {
  id: string;
  tool: string;
  input: Record<string, unknown>;
  cwd: string;
  expect: 'allow' | 'deny';
  category: string;
  class: string;
  why: string;
}

function load(name: string): Case[] {
  return readFileSync(join(DIR, name), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, n) => {
      try {
        return JSON.parse(line) as Case;
      } catch (error) {
        throw new Error(`${name}:${n + 1}: ${(error as Error).message}`);
      }
    });
}

describe('policy corpus', () => {
  const attacks = load('attacks.jsonl');
  const benign = load('benign.jsonl');

  it('has at least 300 attacks and 300 benign cases, with unique ids', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(300);
    expect(benign.length).toBeGreaterThanOrEqual(300);
    const ids = [...attacks, ...benign].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('attacks expect deny and benign cases expect allow, each with a known category', () => {
    for (const entry of attacks) expect([entry.id, entry.expect, CATEGORIES.includes(entry.category) && entry.category !== 'benign']).toEqual([entry.id, 'deny', true]);
    for (const entry of benign) expect([entry.id, entry.expect, entry.category]).toEqual([entry.id, 'allow', 'benign']);
  });

  it('every case names a tool, an input object, a cwd and a reason', () => {
    for (const entry of [...attacks, ...benign]) {
      expect(typeof entry.tool, entry.id).toBe('string');
      expect(typeof entry.input, entry.id).toBe('object');
      expect(entry.cwd, entry.id).toMatch(/^\//);
      expect(entry.why.length, entry.id).toBeGreaterThan(0);
      if (entry.tool === 'Bash') expect(typeof entry.input.command, entry.id).toBe('string');
    }
  });

  it('covers every hook-visible bypass class of guard-anchors.md', () => {
    const classes = new Set(attacks.map((entry) => entry.class));
    for (const letter of 'ABCDEFGHIJKLMNOPQSTU') expect(classes.has(letter), `class ${letter}`).toBe(true);
  });
});
