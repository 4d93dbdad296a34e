// Text measures shared by everything that handles secrets: entropy, and the one way to mask a secret.

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

/** `sk-a…(108 chars)`: enough to recognise a secret, never enough to use it; short secrets show less. */
export function maskSecret(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 3));
  return `${secret.slice(0, shown)}…(${secret.length} chars)`;
}
