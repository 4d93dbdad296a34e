// isCredentialName and maskDeep as tables; masking never mutates and never lets a fake secret through.

import { describe, expect, it } from 'vitest';
import { isCredentialName, maskDeep } from '../../../src/auditlog/mask.js';
import type { JsonValue } from '../../../src/auditlog/record.js';
import { maskSecret } from '../../../src/secrets/filters.js';
import { fakeAnthropicKey, fakeGithubToken, fakePassword } from './fake-secrets.js';

describe('isCredentialName', () => {
  const credentials = ['token', 'GITHUB_TOKEN', 'access_token', 'apiKey', 'api_key', 'x-api-key', 'APIKEY', 'Authorization', 'client_secret', 'secrets', 'secretKey', 'password', 'DB_PASSWORD', 'passwd', 'credentials', 'Cookie', 'set-cookie', 'private_key', 'accessKey'];
  const others = ['max_tokens', 'input_tokens', 'tokenizer', 'command', 'file_path', 'secretary', 'passwordless', 'author', 'key', 'description'];
  it.each(credentials)('%s is a credential name', (name) => expect(isCredentialName(name)).toBe(true));
  it.each(others)('%s is not', (name) => expect(isCredentialName(name)).toBe(false));
});

describe('maskDeep', () => {
  const ghp = fakeGithubToken();
  const ant = fakeAnthropicKey();
  const password = fakePassword();

  const cases: [string, JsonValue, JsonValue][] = [
    ['a token inside a command', { command: `git push https://${ghp}@github.com/acme/app` }, { command: `git push https://${maskSecret(ghp)}@github.com/acme/app` }],
    ['a key deep in arrays and objects', { a: [{ b: ['x', `key ${ant} end`] }] }, { a: [{ b: ['x', `key ${maskSecret(ant)} end`] }] }],
    ['a bare top-level string', ghp, maskSecret(ghp)],
    ['a password assignment in a command (generic detector)', { command: `mysql --password=${password} -u app shop` }, { command: `mysql --password=${maskSecret(password)} -u app shop` }],
    ['any string under a credential name', { password: 'hunter2', headers: { Authorization: 'Bearer abc' } }, { password: maskSecret('hunter2'), headers: { Authorization: maskSecret('Bearer abc') } }],
    ['every string inside a credential-named container', { credentials: { user: 'bob', list: ['one'] } }, { credentials: { user: maskSecret('bob'), list: [maskSecret('one')] } }],
    ['references stay readable', { token: '${{ secrets.GH_TOKEN }}', api_key: '$API_KEY' }, { token: '${{ secrets.GH_TOKEN }}', api_key: '$API_KEY' }],
    ['numbers, booleans and null stay', { max_tokens: 4096, token: 12, secret: true, password: null }, { max_tokens: 4096, token: 12, secret: true, password: null }],
    ['a secret used as a key', { [ghp]: 1 }, { [maskSecret(ghp)]: 1 }],
    ['nothing to mask', { command: 'npm test', file_path: 'src/a.ts' }, { command: 'npm test', file_path: 'src/a.ts' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(maskDeep(input)).toEqual(expected);
  });

  it('never mutates its input', () => {
    const input = { command: `echo ${ghp}`, nested: { password: 'x', list: [ant] } };
    const before = structuredClone(input);
    const out = maskDeep(deepFreeze(input));
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
  });

  it('keeps a __proto__ key from parsed JSON as data', () => {
    const input = JSON.parse(`{"__proto__": {"polluted": "${ghp}"}, "a": 1}`) as JsonValue;
    const out = maskDeep(input) as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).not.toContain(ghp);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('masks every secret in one string', () => {
    const text = `${ghp} and ${ant} and ${ghp}`;
    expect(maskDeep(text)).toBe(`${maskSecret(ghp)} and ${maskSecret(ant)} and ${maskSecret(ghp)}`);
  });

  it('masks a secret found once wherever else it occurs, even where the scanner cannot see it', () => {
    // Glued to a letter, the key is no token to the detector; its clean occurrence elsewhere gives it away.
    const input = { a: `x${ant}`, b: ant, c: { api_key: `${password}-long` }, d: `use ${password}-long here` };
    expect(maskDeep(input)).toEqual({
      a: `x${maskSecret(ant)}`,
      b: maskSecret(ant),
      c: { api_key: maskSecret(`${password}-long`) },
      d: `use ${maskSecret(`${password}-long`)} here`,
    });
    expect(maskDeep({ a: `x${ant}` })).toEqual({ a: `x${ant}` });
  });

  it('masks secrets the caller knows, but not short values everywhere', () => {
    const known = `${password}`;
    expect(maskDeep({ command: `echo ${known}` }, { known: [known] })).toEqual({ command: `echo ${maskSecret(known)}` });
    expect(maskDeep({ password: 'admin', command: 'whoami # admin' })).toEqual({ password: maskSecret('admin'), command: 'whoami # admin' });
  });
});

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
