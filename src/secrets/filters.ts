// Value filters shared by detectors: entropy, placeholders and references that are not secrets.

export { maskSecret, shannonEntropy } from '../core/secret-text.js';

const PLACEHOLDER_WORDS = /(example|sample|dummy|placeholder|changeme|change_me|redacted|your[_-]?(api[_-]?)?(key|token|secret)|insert|xxxx|\*\*\*\*|<[^>]*>|todo|fixme|replace[_-]?me)/i;

/** `${VAR}`, `$VAR`, `{{ x }}`, `%VAR%`, `process.env.X`: a reference to a secret, not one. */
export function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][\w.]*\}?$|^\$\{\{.*\}\}$|^\{\{.*\}\}$|^%[A-Za-z_]\w*%$|^(process\.env|os\.environ|os\.getenv|env)\b/.test(value.trim());
}

/** Values that only look like secrets: placeholders, repeated or sequential characters, references. */
export function isPlaceholder(value: string): boolean {
  if (isReference(value)) return true;
  if (PLACEHOLDER_WORDS.test(value)) return true;
  if (/^(.)\1+$/.test(value)) return true;
  if (/(.)\1{7,}/.test(value)) return true;
  if (/0123456789|123456789|abcdefghij|ABCDEFGHIJ/.test(value)) return true;
  return false;
}
