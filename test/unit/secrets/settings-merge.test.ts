// mergeDenyRules and readRuleFor against exact settings texts, positions of refusals, and gitignore matching.

import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { DEFAULT_CLAUDEIGNORE } from '../../../src/secrets/claudeignore.js';
import { mergeDenyRules, readRuleFor, SettingsMergeError } from '../../../src/secrets/settings-merge.js';

/** Which paths a `Read(…)` rule denies, read the way the `claudeignore-missing` audit reads it. */
function denied(rule: string, path: string): boolean {
  const pattern = (/^Read\((.+)\)$/.exec(rule)?.[1] ?? '').trim();
  return ignore()
    .add(pattern.startsWith('./') ? pattern.slice(1) : pattern)
    .ignores(path);
}

describe('readRuleFor', () => {
  it.each([
    ['.env', 'Read(**/.env)'],
    ['.env   ', 'Read(**/.env)'],
    ['**/.env', 'Read(**/.env)'],
    ['/**/.env', 'Read(**/.env)'],
    ['/.env', 'Read(./.env)'],
    ['config/prod.env', 'Read(./config/prod.env)'],
    ['/config/prod.env', 'Read(./config/prod.env)'],
    ['**/.docker/config.json', 'Read(**/.docker/config.json)'],
    ['*.pem', 'Read(**/*.pem)'],
    ['*.[pP][eE][mM]', 'Read(**/*.[pP][eE][mM])'],
    ['build/', 'Read(**/build/**)'],
    ['/build/', 'Read(./build/**)'],
    ['/a\\*b', 'Read(./a?b)'],
    ['/pages/\\[id\\].json', 'Read(./pages/?id?.json)'],
    ['/a(b).key', 'Read(./a?b?.key)'],
    ['/back\\\\slash.key', 'Read(./back?slash.key)'],
    ['/trailing.key\\ \\ ', 'Read(./trailing.key??)'],
    ['\\#notes', 'Read(**/#notes)'],
    ['\\!important', 'Read(**/!important)'],
  ])('%j → %j', (pattern, rule) => {
    expect(readRuleFor(pattern)).toBe(rule);
  });

  it.each(['!.env.example', '# comment', '', '   ', '/', '!'])('%j has no rule', (pattern) => {
    expect(readRuleFor(pattern)).toBeUndefined();
  });

  it.each([
    ['.env', ['.env', 'app/.env'], ['.env.local', 'env']],
    ['/.env', ['.env'], ['app/.env']],
    ['config/prod.env', ['config/prod.env'], ['x/config/prod.env']],
    ['build/', ['build/out.js', 'src/build/out.js'], ['build.js']],
    ['/pages/\\[id\\].json', ['pages/[id].json'], ['pages/id.json', 'x/pages/[id].json']],
    ['/a(b).key', ['a(b).key'], ['ab.key', 'x/a(b).key']],
    ['/trailing.key\\ \\ ', ['trailing.key  '], ['trailing.key', 'trailing.key ']],
  ])('%j: the rule denies what the pattern ignores and keeps its anchoring', (pattern, inside, outside) => {
    const rule = readRuleFor(pattern) as string;
    for (const path of inside) {
      expect(ignore().add(pattern).ignores(path), path).toBe(true);
      expect(denied(rule, path), path).toBe(true);
    }
    for (const path of outside) expect(denied(rule, path), path).toBe(false);
  });

  it('gives every default pattern a rule that denies what it ignores', () => {
    for (const { pattern } of DEFAULT_CLAUDEIGNORE) {
      const rule = readRuleFor(pattern) as string;
      const sample = pattern.replace(/^\*\*\//, 'deep/').replace(/\*/g, 'x');
      expect(ignore().add(pattern).ignores(sample), pattern).toBe(true);
      expect(denied(rule, sample), rule).toBe(true);
      expect(denied(rule, `nested/${sample}`), rule).toBe(true);
    }
  });
});

describe('mergeDenyRules: creation and other settings', () => {
  it('creates the file when there is none', () => {
    const result = mergeDenyRules(undefined, ['.env', '/config/prod.env']);
    expect(result.text).toBe('{\n  "permissions": {\n    "deny": [\n      "Read(**/.env)",\n      "Read(./config/prod.env)"\n    ]\n  }\n}\n');
    expect(result.added).toEqual(['Read(**/.env)', 'Read(./config/prod.env)']);
  });

  it.each([
    ['no permissions', '{"model": "opus"}', '{\n  "model": "opus",\n  "permissions": {\n    "deny": [\n      "Read(**/.env)"\n    ]\n  }\n}\n'],
    [
      'permissions without deny',
      '{"permissions": {"allow": ["Bash(npm test)"], "defaultMode": "plan"}, "z": 1}',
      '{\n  "permissions": {\n    "allow": [\n      "Bash(npm test)"\n    ],\n    "defaultMode": "plan",\n    "deny": [\n      "Read(**/.env)"\n    ]\n  },\n  "z": 1\n}\n',
    ],
    ['empty deny', '{"permissions":{"deny":[]}}', '{\n  "permissions": {\n    "deny": [\n      "Read(**/.env)"\n    ]\n  }\n}\n'],
    [
      'key order, numeric keys, literal spellings and empty containers',
      '{"b": 1.50, "10": 1e400, "a": "caf\\u00e9 \\/", "n": null, "e": {}, "l": [], "t": true, "permissions": {}}',
      '{\n  "b": 1.50,\n  "10": 1e400,\n  "a": "caf\\u00e9 \\/",\n  "n": null,\n  "e": {},\n  "l": [],\n  "t": true,\n  "permissions": {\n    "deny": [\n      "Read(**/.env)"\n    ]\n  }\n}\n',
    ],
    [
      'duplicate keys: the last, effective one is extended',
      '{"permissions": {"deny": ["A"]}, "permissions": {"deny": ["B"]}}',
      '{\n  "permissions": {\n    "deny": [\n      "A"\n    ]\n  },\n  "permissions": {\n    "deny": [\n      "B",\n      "Read(**/.env)"\n    ]\n  }\n}\n',
    ],
  ])('%s', (_, settings, expected) => {
    const result = mergeDenyRules(settings, ['.env']);
    expect(result.text).toBe(expected);
    expect(result.added).toEqual(['Read(**/.env)']);
  });

  it('keeps every other setting, nested deeply', () => {
    const settings = { env: { A: '1' }, hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'x' }] }] }, permissions: { ask: ['Bash(git push *)'] } };
    const result = mergeDenyRules(JSON.stringify(settings), ['*.pem']);
    expect(JSON.parse(result.text)).toEqual({ ...settings, permissions: { ask: ['Bash(git push *)'], deny: ['Read(**/*.pem)'] } });
  });
});

describe('mergeDenyRules: existing deny rules and duplicates', () => {
  it('appends after the existing rules and skips those already there', () => {
    const result = mergeDenyRules('{"permissions": {"deny": ["Bash(curl *)", "Read(**/.env)"]}}', ['.env', '*.pem', '**/.env', '/**/.env']);
    expect(JSON.parse(result.text).permissions.deny).toEqual(['Bash(curl *)', 'Read(**/.env)', 'Read(**/*.pem)']);
    expect(result.added).toEqual(['Read(**/*.pem)']);
  });

  it('leaves out negations and reports them', () => {
    const result = mergeDenyRules(undefined, ['!.env.example', '.env', '# comment', '']);
    expect(result.added).toEqual(['Read(**/.env)']);
    expect(result.skipped).toEqual(['!.env.example']);
  });

  it.each([
    ['absent', undefined],
    ['compact', '{"permissions":{"deny":["Bash(curl *)"]},"model":"opus"}'],
    ['already formatted', '{\n  "a": 1\n}\n'],
  ])('is idempotent (%s)', (_, settings) => {
    const patterns = DEFAULT_CLAUDEIGNORE.map((entry) => entry.pattern);
    const first = mergeDenyRules(settings, patterns);
    const second = mergeDenyRules(first.text, patterns);
    expect(second.text).toBe(first.text);
    expect(second.added).toEqual([]);
    expect(first.added).toHaveLength(DEFAULT_CLAUDEIGNORE.length);
  });

  it('returns a file with nothing to add byte for byte', () => {
    const settings = '{ "permissions" : { "deny" : [ "Read(**/.env)" ] } }';
    expect(mergeDenyRules(settings, ['.env', '**/.env']).text).toBe(settings);
    expect(mergeDenyRules(settings, []).text).toBe(settings);
  });
});

describe('mergeDenyRules: refusals', () => {
  it.each([
    ['trailing comma', '{"a": 1,}', 8, 1, 9],
    ['trailing comma in deny', '{\n  "permissions": {\n    "deny": [\n      "Read(x)",\n    ]\n  }\n}', 56, 5, 5],
    ['comment', '{\n  // mine\n}', 4, 2, 3],
    ['empty file', '', 0, 1, 1],
    ['byte order mark', '\uFEFF{}', 0, 1, 1],
    ['two documents', '{} {}', 3, 1, 4],
    ['not an object', '[]', 0, 1, 1],
    ['permissions not an object', '{"permissions": []}', 16, 1, 17],
    ['deny not an array', '{"permissions": {\n"deny": "Read(x)"}}', 26, 2, 9],
    ['deny item not a string', '{"permissions": {"deny": ["a", 1]}}', 31, 1, 32],
  ])('refuses %s at its position', (_, settings, offset, line, column) => {
    let error: unknown;
    try {
      mergeDenyRules(settings, ['.env']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsMergeError);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ offset, line, column });
  });

  it('refuses an invalid file even when there is nothing to add', () => {
    expect(() => mergeDenyRules('{"a": 1,}', [])).toThrow(SettingsMergeError);
  });
});
