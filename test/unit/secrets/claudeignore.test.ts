// updateClaudeignore and patternForSecretFile against exact texts, and against gitignore matching through `ignore`.

import ignore from 'ignore';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { BLOCK_END, BLOCK_START, ClaudeignoreError, DEFAULT_CLAUDEIGNORE, type IgnoreEntry, parseIgnorePattern, patternForSecretFile, updateClaudeignore } from '../../../src/secrets/claudeignore.js';

const ENV = { pattern: '.env', reason: 'dotenv file' };
const ENV_ANY = { pattern: '.env.*', reason: 'dotenv variant' };
const PEM = { pattern: '*.pem', reason: 'key' };

/** The managed block as the module writes it, for entries already in sorted order. */
function block(entries: IgnoreEntry[], eol = '\n'): string {
  return [BLOCK_START, ...entries.flatMap((entry) => [`# ${entry.reason}`, entry.pattern]), BLOCK_END].map((line) => line + eol).join('');
}

function ignored(text: string, path: string): boolean {
  return ignore().add(text.replace(/^\uFEFF/, '')).ignores(path);
}

describe('updateClaudeignore: creation', () => {
  it.each([[undefined], ['']])('writes only the managed block when the file is %j', (existing) => {
    const result = updateClaudeignore(existing, [ENV, PEM]);
    expect(result.text).toBe(block([PEM, ENV]));
    expect(result.added).toEqual(['*.pem', '.env']);
    expect(result.skipped).toEqual([]);
  });

  it('writes nothing when there is nothing to add', () => {
    expect(updateClaudeignore(undefined, []).text).toBe('');
    expect(updateClaudeignore('a\n', []).text).toBe('a\n');
  });

  it('ships defaults that are valid, unique, positive patterns and are all written', () => {
    const keys = DEFAULT_CLAUDEIGNORE.map((entry) => parseIgnorePattern(entry.pattern)?.key);
    expect(keys.every((key) => key !== undefined)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect(DEFAULT_CLAUDEIGNORE.some((entry) => parseIgnorePattern(entry.pattern)?.negated)).toBe(false);
    const result = updateClaudeignore(undefined, DEFAULT_CLAUDEIGNORE);
    expect(result.added).toHaveLength(DEFAULT_CLAUDEIGNORE.length);
  });

  it.each([
    ['.env', true],
    ['app/.env', true],
    ['.env.production', true],
    ['.env.example', true],
    ['certs/server.pem', true],
    ['deploy/.docker/config.json', true],
    ['.docker/config.json', true],
    ['home/.aws/credentials', true],
    ['infra/prod.tfstate.backup', true],
    ['src/index.ts', false],
    ['docs/environment.md', false],
    ['keys/id_ed25519.pub', true],
  ])('defaults: %s ignored = %s', (path, expected) => {
    expect(ignored(updateClaudeignore(undefined, DEFAULT_CLAUDEIGNORE).text, path)).toBe(expected);
  });
});

describe('updateClaudeignore: the user’s bytes are kept', () => {
  it.each([
    ['comments and blanks', '# build output\n\n/dist\n   # indented comment\n', '# build output\n\n/dist\n   # indented comment\n'],
    ['trailing spaces and tabs', 'node_modules   \n\tweird\n', 'node_modules   \n\tweird\n'],
    ['missing final newline', '# mine\n/dist', '# mine\n/dist\n'],
    ['non-ASCII', '# données\nrésumé.txt\n', '# données\nrésumé.txt\n'],
    ['byte order mark', '\uFEFF# mine\n/dist\n', '\uFEFF# mine\n/dist\n'],
    ['final lone CR', '/dist\r', '/dist\r\n'],
  ])('%s', (_, existing, kept) => {
    const result = updateClaudeignore(existing, [ENV]);
    expect(result.text).toBe(kept + block([ENV]));
  });

  it('keeps lines after an existing block where they were and fills the block in place', () => {
    const existing = `# top\n${block([ENV])}# mine\n/dist`;
    const result = updateClaudeignore(existing, [PEM]);
    expect(result.text).toBe(`# top\n${block([PEM, ENV])}# mine\n/dist\n`);
    expect(result.added).toEqual(['*.pem']);
  });

  it('keeps a managed entry from an earlier run, with its reason, when it is not passed again', () => {
    const first = updateClaudeignore(undefined, [{ pattern: '/config/prod.env', reason: 'aws-access-key in config/prod.env' }]);
    const second = updateClaudeignore(first.text, [ENV]);
    expect(second.text).toBe(block([{ pattern: '.env', reason: 'dotenv file' }, { pattern: '/config/prod.env', reason: 'aws-access-key in config/prod.env' }]));
    expect(second.added).toEqual(['.env']);
  });

  it('writes a reason as one comment line that cannot pass for a marker', () => {
    const result = updateClaudeignore(undefined, [{ pattern: '.env', reason: ' two\nlines >>> x <<< ' }]);
    expect(result.text).toBe(`${BLOCK_START}\n# two lines >> x <<\n.env\n${BLOCK_END}\n`);
  });

  it('writes no comment line for an empty reason', () => {
    expect(updateClaudeignore(undefined, [{ pattern: '.env', reason: '' }]).text).toBe(`${BLOCK_START}\n.env\n${BLOCK_END}\n`);
  });
});

describe('updateClaudeignore: CRLF files', () => {
  it.each([
    ['CRLF throughout', '# mine\r\n/dist\r\n', '# mine\r\n/dist\r\n'],
    ['CRLF, no final newline', '# mine\r\n/dist', '# mine\r\n/dist\r\n'],
    ['CRLF, final lone CR', '# mine\r\n/dist\r', '# mine\r\n/dist\r\n'],
  ])('%s', (_, existing, kept) => {
    const result = updateClaudeignore(existing, [ENV, PEM]);
    expect(result.text).toBe(kept + block([PEM, ENV], '\r\n'));
    expect(result.text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('rewrites a CRLF block in CRLF', () => {
    const first = updateClaudeignore('/dist\r\n', [ENV]).text;
    expect(updateClaudeignore(first, [PEM]).text).toBe(`/dist\r\n${block([PEM, ENV], '\r\n')}`);
  });
});

describe('updateClaudeignore: idempotence', () => {
  const cases: [string, string | undefined, IgnoreEntry[]][] = [
    ['new file, defaults', undefined, [...DEFAULT_CLAUDEIGNORE]],
    ['user lines, no final newline', '# mine\n/dist', [ENV, PEM]],
    ['CRLF', '# mine\r\n/dist\r\n', [ENV, PEM]],
    ['byte order mark', '\uFEFF/dist\n', [ENV]],
    ['user negation', '.env\n# the agent may read the example\n!.env.example\n', [ENV, ENV_ANY]],
    ['user duplicate', '**/.env\n', [ENV, PEM]],
    ['special characters', undefined, [{ pattern: patternForSecretFile('a [b]/#c*.env  '), reason: 'found' }]],
    ['block in the middle', `a\n${block([ENV])}b\n`, [PEM]],
  ];
  it.each(cases)('%s: the second run changes nothing', (_, existing, entries) => {
    const first = updateClaudeignore(existing, entries);
    const second = updateClaudeignore(first.text, entries);
    expect(second.text).toBe(first.text);
    expect(second.added).toEqual([]);
    expect(updateClaudeignore(second.text, [...entries].reverse()).text).toBe(first.text);
  });
});

describe('updateClaudeignore: user negations', () => {
  it('does not add a pattern the user un-ignores, and reports the line', () => {
    const result = updateClaudeignore('# keep it\n!.env\n', [ENV, PEM]);
    expect(result.skipped).toEqual([{ pattern: '.env', cause: 'negated', line: 2 }]);
    expect(result.added).toEqual(['*.pem']);
    expect(result.text).toBe(`${block([PEM])}# keep it\n!.env\n`);
  });

  it('lets the last user line decide between a negation and an ignore', () => {
    expect(updateClaudeignore('!.env\n.env\n', [ENV]).skipped).toEqual([{ pattern: '.env', cause: 'present', line: 2 }]);
    expect(updateClaudeignore('.env\n!.env\n', [ENV]).skipped).toEqual([{ pattern: '.env', cause: 'negated', line: 2 }]);
  });

  it('puts the block before the first negation and its comments so the negation still wins', () => {
    const existing = '/dist\n# the agent may read the example\n!.env.example\n';
    const result = updateClaudeignore(existing, [ENV_ANY]);
    expect(result.text).toBe(`/dist\n${block([ENV_ANY])}# the agent may read the example\n!.env.example\n`);
    expect(result.narrowed).toEqual([{ pattern: '.env.*', negation: '!.env.example', line: 3 }]);
    expect(ignored(result.text, '.env.example')).toBe(false);
    expect(ignored(result.text, '.env.local')).toBe(true);
  });

  it('moves the block above a negation the user wrote above it', () => {
    const existing = `/dist\n!.env.example\n${block([ENV_ANY])}`;
    const result = updateClaudeignore(existing, [ENV_ANY]);
    expect(result.text).toBe(`/dist\n${block([ENV_ANY])}!.env.example\n`);
    expect(ignored(existing, '.env.example')).toBe(true);
    expect(ignored(result.text, '.env.example')).toBe(false);
  });

  it('drops a managed pattern that would exclude a directory above a negated path', () => {
    const result = updateClaudeignore('!secrets.d/public.txt\n', [{ pattern: 'secrets.*', reason: 'secrets file' }, ENV]);
    expect(result.skipped).toEqual([{ pattern: 'secrets.*', cause: 'negated', line: 1 }]);
    expect(ignored(result.text, 'secrets.d/public.txt')).toBe(false);
    expect(ignored(result.text, '.env')).toBe(true);
  });

  it('treats a root-only negation as narrowing an any-depth pattern, not as cancelling it', () => {
    const result = updateClaudeignore('!/.env\n', [ENV]);
    expect(result.added).toEqual(['.env']);
    expect(result.narrowed).toEqual([{ pattern: '.env', negation: '!/.env', line: 1 }]);
    expect(ignored(result.text, '.env')).toBe(false);
    expect(ignored(result.text, 'app/.env')).toBe(true);
  });
});

describe('updateClaudeignore: what counts as already present', () => {
  it.each([
    ['.env', '.env', 'present'],
    ['.env   ', '.env', 'present'],
    ['**/.env', '.env', 'present'],
    ['/**/.env', '.env', 'present'],
    ['\\.env', '.env', 'present'],
    ['config/prod.env', '/config/prod.env', 'present'],
    ['/config/prod.env', 'config/prod.env', 'present'],
    ['/.env', '.env', 'added'],
    ['.env', '/.env', 'added'],
    ['.env/', '.env', 'added'],
    ['.env\\ ', '.env', 'added'],
    ['\\*.pem', '*.pem', 'added'],
    ['*.pem', '*.PEM', 'added'],
    ['.env.*', '.env', 'added'],
  ])('user line %j, entry %j: %s', (line, pattern, outcome) => {
    const result = updateClaudeignore(`${line}\n`, [{ pattern, reason: 'r' }]);
    if (outcome === 'present') {
      expect(result.skipped).toEqual([{ pattern, cause: 'present', line: 1 }]);
      expect(result.text).toBe(`${line}\n`);
    } else expect(result.added).toEqual([pattern.trimEnd()]);
  });

  it('writes one line for equivalent entries, the shortest spelling', () => {
    const result = updateClaudeignore(undefined, [
      { pattern: '**/.env', reason: 'a' },
      { pattern: '.env   ', reason: 'b' },
      { pattern: '/**/.env', reason: 'c' },
    ]);
    expect(result.text).toBe(block([{ pattern: '.env', reason: 'a' }]));
    expect(result.added).toEqual(['.env']);
  });

  it('drops a managed entry once the user writes it themselves, and the empty block with it', () => {
    const first = updateClaudeignore('/dist\n', [ENV]).text;
    const result = updateClaudeignore(`${first}.env\n`, [ENV]);
    expect(result.text).toBe('/dist\n.env\n');
    expect(result.skipped).toEqual([{ pattern: '.env', cause: 'present', line: 6 }]);
  });
});

describe('updateClaudeignore: refusals', () => {
  it.each([
    ['a start without an end', `a\n${BLOCK_START}\n.env\n`, 2],
    ['an end without a start', `a\n${BLOCK_END}\n`, 2],
    ['two blocks', `${block([ENV])}${block([PEM])}`, 5],
    ['an end before the start', `${BLOCK_END}\n${BLOCK_START}\n`, 2],
    ['a negation inside the block', `${BLOCK_START}\n.env\n!.env.example\n${BLOCK_END}\n`, 3],
  ])('refuses a file with %s, naming the line', (_, existing, line) => {
    let error: unknown;
    try {
      updateClaudeignore(existing, [ENV]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ClaudeignoreError);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as ClaudeignoreError).line).toBe(line);
  });

  it.each(['', '   ', '# comment', '!.env', '!', '/', 'a\nb', 'a\r'])('refuses the entry %j', (pattern) => {
    expect(() => updateClaudeignore(undefined, [{ pattern, reason: 'r' }])).toThrow(RangeError);
  });
});

describe('patternForSecretFile', () => {
  it.each([
    ['config/prod.env', '/config/prod.env'],
    ['.env', '/.env'],
    ['a*b?.pem', '/a\\*b\\?.pem'],
    ['pages/[id].json', '/pages/\\[id\\].json'],
    ['#notes.env', '/#notes.env'],
    ['!important.key', '/!important.key'],
    ['back\\slash.key', '/back\\\\slash.key'],
    ['trailing.key  ', '/trailing.key\\ \\ '],
    [' leading.key', '/ leading.key'],
    ['dir /x.key', '/dir /x.key'],
    ['line\nbreak.key', '/line?break.key'],
  ])('%j → %j', (path, pattern) => {
    expect(patternForSecretFile(path)).toBe(pattern);
  });

  it.each(['config/prod.env', '.env', 'a*b?.pem', 'pages/[id].json', '#notes.env', '!important.key', 'back\\slash.key', 'trailing.key  ', ' leading.key', 'dir /x.key'])(
    '%j matches that file and no other',
    (path) => {
      const text = updateClaudeignore(undefined, [{ pattern: patternForSecretFile(path), reason: 'found' }]).text;
      expect(ignored(text, path)).toBe(true);
      expect(ignored(text, `sub/${path}`)).toBe(false);
      expect(ignored(text, `${path}x`)).toBe(false);
      expect(ignored(text, path.replace(/[^/ ](?= *$)/, 'Z'))).toBe(false);
    },
  );

  it('keeps every trailing space of a name', () => {
    const text = updateClaudeignore(undefined, [{ pattern: patternForSecretFile('trailing.key  '), reason: 'found' }]).text;
    expect(['trailing.key', 'trailing.key ', 'trailing.key  ', 'trailing.key   '].map((path) => ignored(text, path))).toEqual([false, false, true, false]);
  });

  it('matches a name that would be a glob only literally', () => {
    const text = updateClaudeignore(undefined, [{ pattern: patternForSecretFile('a*b?.pem'), reason: 'found' }]).text;
    expect(ignored(text, 'axxbz.pem')).toBe(false);
  });

  it.each(['', '/abs.env', 'a//b.env', '../up.env', './here.env', 'a/./b.env', 'dir/'])('refuses %j', (path) => {
    expect(() => patternForSecretFile(path)).toThrow(RangeError);
  });
});
