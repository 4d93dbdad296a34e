// The secret-literal detector: each kind with a true positive, and look-alikes it must leave alone.

import { describe, expect, it } from 'vitest';
import { entropy, findSecretLiterals, isCredentialName, isPlaceholder, isReference, maskSecret } from '../../src/audit/secret-literals.js';

// Fake values in real formats, assembled so no scanner mistakes this file for a leak.
const ANTHROPIC = ['sk-ant-api03-', 'FAKE0cordon0unit0test0key0000000000000AA'].join('');
const GITHUB = ['ghp_', 'FAKEcordonUnitTestToken0123456789abc'].join('');

describe('findSecretLiterals', () => {
  const positives: [string, string, string][] = [
    ['anthropic-key', `ANTHROPIC_API_KEY=${ANTHROPIC}`, ANTHROPIC],
    ['openai-key', 'key sk-proj-Zq8fL2mV9xR4tY7uK1pW3nB6cD0e', 'sk-proj-Zq8fL2mV9xR4tY7uK1pW3nB6cD0e'],
    ['github-token', `gh auth login --with-token ${GITHUB}`, GITHUB],
    ['github-token', 'github_pat_FAKE0cordon0unit0test0000011', 'github_pat_FAKE0cordon0unit0test0000011'],
    ['aws-access-key-id', 'AKIAFAKECORDON000002 is the id', 'AKIAFAKECORDON000002'],
    ['slack-token', 'xoxb-0000000000-fakecordonunit', 'xoxb-0000000000-fakecordonunit'],
    ['gitlab-token', 'glpat-FAKEcordonUnitTest0000', 'glpat-FAKEcordonUnitTest0000'],
    ['npm-token', '//registry.npmjs.org/:_authToken=npm_FAKEcordonFixtureToken0123456789abcd', 'npm_FAKEcordonFixtureToken0123456789abcd'],
    ['huggingface-token', 'hf_FakeCordonUnitTestTokenAbcdefghijkl', 'hf_FakeCordonUnitTestTokenAbcdefghijkl'],
    ['google-api-key', 'key=AIzaFAKEcordonUnitTest00000000000000000', 'AIzaFAKEcordonUnitTest00000000000000000'],
    ['stripe-key', 'sk_live_FAKEcordonUnitTest000000', 'sk_live_FAKEcordonUnitTest000000'],
    ['private-key', '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    ['url-password', 'psql postgres://app:S3cretPass99@db.internal/app', 'S3cretPass99'],
    ['bearer-token', 'curl -H "Authorization: Bearer Zq8fL2mV9xR4tY7uK1pW3nB6cD0e" x', 'Zq8fL2mV9xR4tY7uK1pW3nB6cD0e'],
    ['assigned-secret', 'PGPASSWORD=hunter2024 psql -h db', 'hunter2024'],
    ['assigned-secret', '"DB_PASSWORD": "Tr0ub4dor&3x",', 'Tr0ub4dor&3x'],
    ['assigned-secret', 'mysql --password=Tr0ub4dor9 -u app', 'Tr0ub4dor9'],
  ];
  for (const [kind, text, secret] of positives) {
    it(`finds ${kind} in ${JSON.stringify(text.slice(0, 40))}`, () => {
      const hits = findSecretLiterals(text);
      expect(hits.map((hit) => [hit.kind, text.slice(hit.index, hit.index + hit.length)])).toEqual([[kind, secret]]);
    });
  }

  const negatives = [
    'ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}',
    'psql postgres://app:${DB_PASSWORD}@db/app',
    'psql postgres://app:$PGPASS@db/app',
    'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'AKIAIOSFODNN7EXAMPLE',
    'task-runner-abcdefghijklmnopqrstuvwxyz0123',
    'curl -H "Authorization: Bearer $API_TOKEN" https://x',
    'PASSWORD=changeme',
    'TOKEN=<your-token>',
    'MAX_THINKING_TOKENS=8000',
    'git log --grep token --oneline',
    'the secret scanning feature',
    'https://user@host/path',
  ];
  for (const text of negatives) {
    it(`ignores ${JSON.stringify(text)}`, () => {
      expect(findSecretLiterals(text)).toEqual([]);
    });
  }

  it('uses the key name for bare values', () => {
    expect(findSecretLiterals('Zq8fL2mV9xR4tY7uK1pW3nB6cD0eH5jA', 'AWS_SECRET_ACCESS_KEY')).toEqual([{ index: 0, length: 32, kind: 'assigned-secret' }]);
    expect(findSecretLiterals('Zq8fL2mV9xR4tY7uK1pW3nB6cD0eH5jA', 'CACHE_DIR')).toEqual([]);
    expect(findSecretLiterals('32000', 'CLAUDE_CODE_MAX_OUTPUT_TOKENS')).toEqual([]);
    expect(findSecretLiterals('/run/secrets/db', 'DB_PASSWORD')).toEqual([]);
    expect(findSecretLiterals('enabled', 'SECRET_SCANNING')).toEqual([]);
  });

  it('keeps the more specific kind when detectors overlap', () => {
    expect(findSecretLiterals(`API_KEY=${ANTHROPIC}`).map((hit) => hit.kind)).toEqual(['anthropic-key']);
  });
});

describe('maskSecret', () => {
  it('shows four characters and the length, never the secret', () => {
    expect(maskSecret(ANTHROPIC)).toBe(`sk-a…(${ANTHROPIC.length} chars)`);
  });
  it('shows fewer characters of short secrets', () => {
    expect(maskSecret('hunter22')).toBe('hu…(8 chars)');
    expect(maskSecret('ab')).toBe('…(2 chars)');
  });
});

describe('helpers', () => {
  it('recognises credential names, glued or split', () => {
    for (const name of ['GITHUB_TOKEN', 'apiKey', 'db-password', 'PGPASSWORD', 'AWS_SECRET_ACCESS_KEY', 'client_secret', 'X-Api-Key']) expect(isCredentialName(name), name).toBe(true);
    for (const name of ['MAX_THINKING_TOKENS', 'KEYBOARD', 'CACHE_DIR', 'passive', 'monkey']) expect(isCredentialName(name), name).toBe(false);
  });
  it('recognises references and placeholders', () => {
    expect(['$X', '${X}', '${{ secrets.X }}', '%X%'].every(isReference)).toBe(true);
    expect(isReference('abc$X')).toBe(false);
    expect(['changeme', '<token>', 'xxxxxxxx', 'your-api-key', '********', 'AKIAIOSFODNN7EXAMPLE'].every(isPlaceholder)).toBe(true);
    expect(isPlaceholder('Tr0ub4dor&3x')).toBe(false);
  });
  it('measures entropy in bits per character', () => {
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
  });
});
