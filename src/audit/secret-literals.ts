// Finds credentials written out literally in configuration text, and masks them for output.

/** One literal credential inside a text: where it is and what it looks like. */
import { maskSecret, shannonEntropy } from '../core/secret-text.js';

export { maskSecret, shannonEntropy as entropy };
export interface SecretLiteral {
  /** Offset of the secret itself (not of any surrounding key or prefix) in the text. */
  index: number;
  length: number;
  kind: SecretKind;
}

export type SecretKind =
  | 'anthropic-key'
  | 'openai-key'
  | 'github-token'
  | 'aws-access-key-id'
  | 'slack-token'
  | 'gitlab-token'
  | 'npm-token'
  | 'huggingface-token'
  | 'google-api-key'
  | 'stripe-key'
  | 'private-key'
  | 'url-password'
  | 'bearer-token'
  | 'assigned-secret';

/** Human names for the kinds, for messages. */
export const SECRET_KIND_LABELS: Readonly<Record<SecretKind, string>> = {
  'anthropic-key': 'Anthropic API key',
  'openai-key': 'OpenAI API key',
  'github-token': 'GitHub token',
  'aws-access-key-id': 'AWS access key id',
  'slack-token': 'Slack token',
  'gitlab-token': 'GitLab token',
  'npm-token': 'npm token',
  'huggingface-token': 'Hugging Face token',
  'google-api-key': 'Google API key',
  'stripe-key': 'Stripe key',
  'private-key': 'private key',
  'url-password': 'password in a connection URL',
  'bearer-token': 'bearer token',
  'assigned-secret': 'secret assigned to a credential-named variable',
};

interface Detector {
  kind: SecretKind;
  /** Cheap lowercase substrings; the regex runs only when one occurs (gitleaks-style prefilter). */
  keywords: readonly string[];
  /** Global regex; the secret is capture group 1 when present, else the whole match. */
  pattern: RegExp;
  /** Extra test on the captured secret, for detectors whose shape alone is too loose. */
  accept?: (secret: string) => boolean;
}

// Lookbehinds keep prefixes such as `sk-` from matching inside longer words (`task-…`).
const DETECTORS: readonly Detector[] = [
  { kind: 'anthropic-key', keywords: ['sk-ant-'], pattern: /(?<![\w-])(sk-ant-[A-Za-z0-9_-]{20,})/g },
  { kind: 'openai-key', keywords: ['sk-'], pattern: /(?<![\w-])(sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,})/g, accept: (s) => /\d/.test(s) && /[A-Za-z]/.test(s.slice(3)) },
  { kind: 'github-token', keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], pattern: /(?<![\w-])(gh[pousr]_[A-Za-z0-9]{30,})/g },
  { kind: 'github-token', keywords: ['github_pat_'], pattern: /(?<![\w-])(github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'aws-access-key-id', keywords: ['akia', 'asia', 'abia', 'acca'], pattern: /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])/g },
  { kind: 'slack-token', keywords: ['xox'], pattern: /(?<![\w-])(xox[abposr]-[A-Za-z0-9-]{10,})/g },
  { kind: 'gitlab-token', keywords: ['glpat-'], pattern: /(?<![\w-])(glpat-[A-Za-z0-9_-]{20,})/g },
  { kind: 'npm-token', keywords: ['npm_'], pattern: /(?<![\w-])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g },
  { kind: 'huggingface-token', keywords: ['hf_'], pattern: /(?<![\w-])(hf_[A-Za-z]{30,})(?![A-Za-z0-9])/g },
  { kind: 'google-api-key', keywords: ['aiza'], pattern: /(?<![\w-])(AIza[0-9A-Za-z_-]{35})(?![\w-])/g },
  { kind: 'stripe-key', keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'], pattern: /(?<![\w-])([sr]k_(?:live|test)_[A-Za-z0-9]{20,})/g },
  { kind: 'private-key', keywords: ['private key-----'], pattern: /(-----BEGIN [A-Z ]*PRIVATE KEY-----)/g },
  // The password of `scheme://user:password@host`; the user name alone is not secret.
  { kind: 'url-password', keywords: ['://'], pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]+:([^\s@/'"]+)@/gi, accept: (s) => !isReference(s) },
  { kind: 'bearer-token', keywords: ['bearer'], pattern: /\bBearer\s+([A-Za-z0-9._~+/=-]{20,})/gi, accept: looksRandom },
  // `PGPASSWORD=…`, `--api-key=…`, `"token": "…"`: a credential-named variable set to a literal.
  {
    kind: 'assigned-secret',
    keywords: ['secret', 'token', 'pass', 'pwd', 'key', 'credential'],
    // The value sits in a lookahead so that a non-credential name (`mysql`) does not swallow the
    // `--password=…` after it. A quoted value runs to its closing quote; a bare one stops at shell punctuation.
    pattern: /(?<![A-Za-z0-9])(?:--?)?([A-Za-z][A-Za-z0-9_.-]*)(?=['"]?(?:=|:\s*|\s+)(?:"([^"\s]{6,})"|'([^'\s]{6,})'|([^\s'"$`;&|<>()]{6,})))/g,
  },
];

/**
 * Every literal credential in a text, in order, without overlaps. `keyName` is the name the text is
 * stored under (an env var, a JSON key): a credential-like name makes a random-looking value count.
 */
export function findSecretLiterals(text: string, keyName?: string): SecretLiteral[] {
  const found: SecretLiteral[] = [];
  const lower = text.toLowerCase();
  for (const detector of DETECTORS) {
    if (!detector.keywords.some((keyword) => lower.includes(keyword))) continue;
    for (const match of text.matchAll(detector.pattern)) {
      const hit = detector.kind === 'assigned-secret' ? assignedSecret(match, text) : capture(match);
      if (!hit) continue;
      if (isPlaceholder(hit.secret) || (detector.accept && !detector.accept(hit.secret))) continue;
      found.push({ index: hit.index, length: hit.secret.length, kind: detector.kind });
    }
  }
  if (keyName !== undefined && isCredentialName(keyName)) {
    const value = text.trim();
    if (isSecretValue(value, keyName)) found.push({ index: text.indexOf(value), length: value.length, kind: 'assigned-secret' });
  }
  return withoutOverlaps(found);
}


/** Whether a variable or key name says it holds a credential (`GITHUB_TOKEN`, `apiKey`, `db-password`). */
export function isCredentialName(name: string): boolean {
  let known = credentialNames.get(name);
  if (known === undefined) {
    known = credentialNameUncached(name);
    if (credentialNames.size > 10_000) credentialNames.clear();
    credentialNames.set(name, known);
  }
  return known;
}

const credentialNames = new Map<string, boolean>();

function credentialNameUncached(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const joined = `_${words.join('_')}_`;
  // Glued names count too: `PGPASSWORD`, `authtoken`, `DBSECRET`.
  if (words.some((word) => CREDENTIAL_WORDS.has(word) || /(?:password|passwd|secret|token|apikey)$/.test(word))) return true;
  return /_(api|access|private|secret|auth|client|signing|encryption|master|license)_key_/.test(joined) || /_apikey_|_authtoken_|_accesstoken_/.test(joined);
}

const CREDENTIAL_WORDS = new Set(['secret', 'token', 'password', 'passwd', 'pwd', 'pass', 'passphrase', 'credential', 'credentials', 'apikey', 'pat']);

/** A `$VAR`, `${VAR}`, `${{ secrets.X }}` or `%VAR%` reference rather than a value. */
export function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$|^\$\{\{.*\}\}$|^%[A-Za-z_][A-Za-z0-9_]*%$|^\$\(.*\)$/.test(value.trim());
}

const PLACEHOLDER_WORDS = /changeme|change[_-]?me|placeholder|example|your[_-]|replace[_-]?me|redacted|dummy|insert[_-]|<[^>]*>|\{\{|xxxx|\*\*\*/i;

/** Documentation stand-ins: `changeme`, `<token>`, `xxxx…`, `your-api-key`, `AKIAIOSFODNN7EXAMPLE`. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/^(password|secret|token|pass|test|none|null|undefined|true|false|admin|root|user|default)$/i.test(v)) return true;
  return PLACEHOLDER_WORDS.test(v);
}


/** Random-looking: long enough, mixed, and not a word, number, path or URL. */
function looksRandom(value: string): boolean {
  if (value.length < 12) return false;
  if (/^\d+$/.test(value) || /^[a-z]+$/i.test(value)) return false;
  return shannonEntropy(value) >= 3.3;
}

/** A value stored under a credential-like name that is really a secret, not a setting. */
function isSecretValue(value: string, name: string): boolean {
  if (value.length < 6 || /\s/.test(value)) return false;
  if (isReference(value) || isPlaceholder(value)) return false;
  if (/^[~/.]|^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  if (/^\d+$/.test(value) || /^(true|false|on|off|yes|no)$/i.test(value)) return false;
  // Passwords are often short words with digits; tokens and keys must look random.
  const passwordLike = /pass|pwd/i.test(name);
  if (passwordLike) return value.length >= 6 && /[^a-z]/i.test(value);
  return looksRandom(value);
}

function capture(match: RegExpMatchArray): { secret: string; index: number } | undefined {
  const whole = match[0];
  const secret = match[1] ?? whole;
  const at = match.index ?? 0;
  return { secret, index: at + whole.lastIndexOf(secret) };
}

function assignedSecret(match: RegExpMatchArray, text: string): { secret: string; index: number } | undefined {
  const name = match[1] ?? '';
  const secret = match[2] ?? match[3] ?? match[4] ?? '';
  if (!isCredentialName(name) || !isSecretValue(secret, name)) return undefined;
  return { secret, index: text.indexOf(secret, (match.index ?? 0) + match[0].length) };
}

function withoutOverlaps(hits: SecretLiteral[]): SecretLiteral[] {
  // Earlier detectors are more specific; a later hit that overlaps one already kept is dropped.
  const kept: SecretLiteral[] = [];
  for (const hit of hits) {
    const overlaps = kept.some((other) => hit.index < other.index + other.length && other.index < hit.index + hit.length);
    if (!overlaps) kept.push(hit);
  }
  return kept.sort((a, b) => a.index - b.index);
}
