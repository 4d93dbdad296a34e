// Format-valid fake credentials built at run time, so no secret-looking literal sits in the repository.

import { randomInt } from 'node:crypto';
import { base62, crc32 } from '../../../src/secrets/checksum.js';
import { sharedScanner } from '../../../src/secrets/scan-files.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * About one random value in ten thousand spells a placeholder word (`TODO`, `xXxX`) that the scanner
 * rightly skips; drawing again keeps the tests that rely on detection from failing by chance.
 */
function detected(make: () => string, context: (secret: string) => string = (secret) => secret): string {
  for (;;) {
    const secret = make();
    if (sharedScanner(true).scan(context(secret)).some((hit) => hit.secret === secret)) return secret;
  }
}

/** A GitHub classic token: 30 random base62 characters and their base62 CRC32, so the detector's checksum passes. */
export function fakeGithubToken(): string {
  return detected(() => {
    const body = pick(ALNUM, 30);
    return `ghp_${body}${base62(crc32(body), 6)}`;
  });
}

/** An Anthropic API key: `sk-ant-api03-`, 93 URL-safe characters, `AA`. */
export function fakeAnthropicKey(): string {
  return detected(() => `sk-ant-${'api03'}-${pick(`${ALNUM}-_`, 93)}AA`);
}

/** A random password that the generic detector sees as one when it is assigned to a password name. */
export function fakePassword(): string {
  return detected(
    () => `${pick(ALNUM, 10)}#${pick(ALNUM, 10)}!9`,
    (secret) => `DB_PASSWORD=${secret}`,
  );
}
