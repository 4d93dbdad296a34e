// Value filters shared by detectors: entropy, placeholders and references that are not secrets.

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

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

/** `sk-a…(108 chars)`: enough to recognise a secret, never enough to use it. */
export function maskSecret(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 3));
  return `${secret.slice(0, shown)}…(${secret.length} chars)`;
}
