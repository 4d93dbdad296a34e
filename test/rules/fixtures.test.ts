// Every rule against its ok-*/ng-* fixtures: ok cases produce nothing, ng cases match their golden file.

import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/audit/registry.js';
import { auditFixture, compareGolden, fixtureCases, goldenLines } from '../helpers/fixtures.js';

for (const rule of RULES) {
  const cases = fixtureCases(rule.meta.id);
  if (cases.length === 0) continue;
  describe(rule.meta.id, () => {
    for (const fixture of cases) {
      it(fixture.name, async () => {
        const findings = await auditFixture(fixture.dir, [rule.meta.id]);
        if (!fixture.expectFindings) {
          expect(goldenLines(findings)).toBe('\n');
          return;
        }
        expect(findings.length).toBeGreaterThan(0);
        const { expected, actual } = compareGolden(fixture.golden, goldenLines(findings));
        expect(expected, `missing golden ${fixture.golden}; run with UPDATE_GOLDEN=1`).toBeDefined();
        expect(actual).toBe(expected);
      });
    }
  });
}
