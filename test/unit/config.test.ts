import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { cordonJsonSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';

function configError(text: string): ConfigError {
  try {
    parseConfig(text, 'cordon.yml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('cordon.yml', () => {
  it('fills defaults for an empty file', () => {
    expect(parseConfig('', 'cordon.yml').audit).toEqual({ ignore: [], rules: {}, exclude: [], 'protected-paths': [] });
  });

  it('accepts ignores, rule switches and excludes', () => {
    const config = parseConfig('audit:\n  ignore:\n    - rule: unpinned-action\n      path: ".github/**"\n      reason: pinned by renovate\n  rules:\n    no-job-timeout: off\n    unpinned-action: { severity: medium }\n', 'cordon.yml');
    expect(config.audit.rules['no-job-timeout']).toBe('off');
    expect(config.audit.ignore[0]?.rule).toBe('unpinned-action');
  });

  it.each([
    ['audit:\n  ignore:\n    - rule: x\n', 3, 7],
    ['audit:\n  rules:\n    unpinned-action: { severity: huge }\n', 3, 22],
    ['audit:\n  bogus: 1\n', 2, 3],
    ['audit: [unclosed\n', 2, 1],
    ['version: 2\n', 1, 10],
  ])('rejects %j at line %i column %i', (text, line, column) => {
    const error = configError(text);
    expect([error.file, error.line, error.column]).toEqual(['cordon.yml', line, column]);
  });

  it('an ignore entry needs a reason', () => {
    expect(configError('audit:\n  ignore:\n    - rule: unpinned-action\n').detail).toMatch(/reason/);
  });

  it('the committed JSON Schema is generated from the zod schema', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schema', 'cordon.schema.json'), 'utf8'));
    expect(committed).toEqual(cordonJsonSchema());
  });
});
