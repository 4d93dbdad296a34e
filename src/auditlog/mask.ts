// Masks secrets in JSON values before they reach the audit log.

import { isReference, maskSecret } from '../secrets/filters.js';
import { sharedScanner } from '../secrets/scan-files.js';
import type { JsonValue } from './record.js';

/**
 * Key names whose string values are credentials whatever they look like. Matched on whole words of the
 * snake_cased name, so `max_tokens` and `tokenizer` are not credentials but `GITHUB_TOKEN`, `apiKey`
 * and `x-api-key` are.
 */
const CREDENTIAL_WORDS = /(?:^|_)(?:token|secrets?|passwords?|passwd|passphrase|authorization|credentials?|cookies?|apikey|(?:api|access|private|secret)_key)(?:_|$)/;

/**
 * A credential found in one place is masked wherever else it occurs in the value, even where the scanner
 * cannot see it (glued to other text, split by an escape). Shorter values are not: masking every `admin`
 * in a record would hide more than it protects.
 */
const MIN_REPEAT_LENGTH = 8;

export function isCredentialName(name: string): boolean {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
  return CREDENTIAL_WORDS.test(snake);
}

export interface MaskOptions {
  /** Secrets known to the caller (say, the values of credential variables in the hook's environment), masked wherever they occur. */
  known?: readonly string[];
}

/**
 * A copy of `value` in which every secret the scanner finds in any string (keys included) is masked,
 * every string under a credential-named key is masked whole, and each of those secrets is masked
 * wherever else it occurs in the value. References such as `${{ secrets.X }}` stay readable: they name
 * a secret without holding it. Numbers stay, because under these names they are counts (`token: 12`).
 */
export function maskDeep(value: JsonValue, options: MaskOptions = {}): JsonValue {
  const secrets = new Set<string>();
  for (const secret of options.known ?? []) if (secret.length >= MIN_REPEAT_LENGTH) secrets.add(secret);
  collect(value, false, secrets);
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return apply(value, false, ordered);
}

function collect(value: JsonValue, credential: boolean, secrets: Set<string>): void {
  if (typeof value === 'string') {
    if (credential && value.length >= MIN_REPEAT_LENGTH && !isReference(value)) secrets.add(value);
    // The generic detector is on: it is the one that catches `mysql --password=…` and `export DB_PASSWORD=…`,
    // which is what an agent's Bash input looks like, and hook inputs are small enough for its extra pass.
    for (const hit of sharedScanner(true).scan(value)) secrets.add(hit.secret);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, credential, secrets);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    collect(key, false, secrets);
    collect(item, credential || isCredentialName(key), secrets);
  }
}

function apply(value: JsonValue, credential: boolean, secrets: readonly string[]): JsonValue {
  if (typeof value === 'string') {
    if (credential && value !== '' && !isReference(value)) return maskSecret(value);
    return maskAll(value, secrets);
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => apply(item, credential, secrets));
  // fromEntries defines own properties, so a `__proto__` key from parsed JSON stays data and cannot
  // reach the prototype.
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [maskAll(key, secrets), apply(item, credential || isCredentialName(key), secrets)]));
}

function maskAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
  return out;
}
