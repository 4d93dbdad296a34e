// Conventions every rule must keep: file name, docs page, fixtures, and message ids that are all exercised.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/audit/registry.js';
import { rulesIndexMarkdown } from '../../src/audit/rules-index.js';
import { RULE_AREAS } from '../../src/core/rule.js';
import { fixtureCases, RULE_FIXTURES } from '../helpers/fixtures.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** Rules whose findings the engine emits while reading files; their fixtures are checked in e2e tests. */
const ENGINE_RULES = new Set(['parse-error', 'unreadable-file']);

describe('rule registry', () => {
  it('has unique ids', () => {
    const ids = RULES.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has at least 35 hazard rules', () => {
    expect(RULES.filter((rule) => !ENGINE_RULES.has(rule.meta.id)).length).toBeGreaterThanOrEqual(35);
  });

  it('docs/rules/README.md is generated from the registry (npm run docs:rules)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8')).toBe(rulesIndexMarkdown(RULES));
  });

  it('has no fixture directory without a rule', () => {
    const ids = new Set(RULES.map((rule) => rule.meta.id));
    const orphans = existsSync(RULE_FIXTURES) ? readdirSync(RULE_FIXTURES).filter((name) => !ids.has(name)) : [];
    expect(orphans).toEqual([]);
  });
});

for (const rule of RULES) {
  const { id, area, description, messages } = rule.meta;
  describe(`rule ${id}`, () => {
    const source = join(ROOT, 'src', 'audit', 'rules', area, `${id}.ts`);

    it('is kebab-case and lives in src/audit/rules/<area>/<id>.ts', () => {
      expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(RULE_AREAS).toContain(area);
      expect(existsSync(source), source).toBe(true);
    });

    it('has a lowercase description without a final period', () => {
      expect(description).toMatch(/^[a-z`].*[^.\s]$/);
    });

    it('has a docs page that names it', () => {
      const doc = join(ROOT, 'docs', 'rules', `${id}.md`);
      expect(existsSync(doc), doc).toBe(true);
      const text = readFileSync(doc, 'utf8');
      expect(text.startsWith(`# ${id}\n`)).toBe(true);
      expect(text).toMatch(/## Remediation/);
    });

    it('uses every message id it declares', () => {
      // Engine rules are reported by the engine while it reads files, so their ids live there.
      const reporter = ENGINE_RULES.has(id) ? join(ROOT, 'src', 'audit', 'engine.ts') : source;
      const text = readFileSync(reporter, 'utf8');
      for (const messageId of Object.keys(messages)) {
        const uses = text.split(`'${messageId}'`).length - 1;
        expect(uses, `message id ${messageId} is never reported`).toBeGreaterThanOrEqual(1);
      }
    });

    if (ENGINE_RULES.has(id)) return;

    it('has ok and ng fixtures, and every message id shows up in a golden file', () => {
      const cases = fixtureCases(id);
      expect(cases.some((c) => c.name.startsWith('ok-')), 'an ok-* fixture').toBe(true);
      expect(cases.some((c) => c.name.startsWith('ng-')), 'an ng-* fixture').toBe(true);
      const goldens = cases.filter((c) => c.expectFindings && existsSync(c.golden)).map((c) => readFileSync(c.golden, 'utf8')).join('\n');
      for (const messageId of Object.keys(messages)) {
        expect(goldens, `no ng fixture exercises ${id}/${messageId}`).toContain(` ${id}/${messageId} `);
      }
    });
  });
}
