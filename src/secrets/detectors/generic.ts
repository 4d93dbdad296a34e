// The generic detector: a credential-named variable or key assigned a random-looking literal.
//
// Noisy by nature (gitleaks' generic-api-key is its most complained-about rule), so it is low
// severity, marked generic, and loses every overlap to a specific detector. Most of its weight
// is in what it refuses: references, calls, paths, URLs, harmless names, low entropy, stopwords.

import { defineDetectors } from '../detector.js';
import { shannonEntropy } from '../filters.js';
import { sample } from './patterns.js';

// Random values for the true positives, kept apart from their credential names so that this file
// itself assigns no secret-looking literal to a secret-looking name.
const FAKE = {
  dotenv: 'QQ5Vove.du~R.0LH_W',
  yaml: 'ilwUQp-l8MnxmLb1lkJ&p-',
  json: 'mkuZCgifzUJ8X4JSzHQ8_hIh56v6IO3E',
  hex64: 'a5b809ca7f7764868fdd03e64c6d5602a562ea8559cddc168157c2319501e999',
  properties: 'iid4x-dnhhy%+xIv',
  base62: 'PpEaucf8Acb6RkKNpGQvZJaxOA0d45IodUQLYeuz',
  human: 'Tr0ub4dor&3x!Q',
  go: 'k9Vq2Lz7Xw4Rt8Np3Hm6',
  php: 'Zt8Lw1Rk5Nx9PvQm3Hc6Yb0',
  cli: 'K7#pq2Lz9!vWx',
  hex32: '9f86d081884c7d659a2feaa0c55ad015',
  base64: 'Wq3mZ8tL1vR6xN0pK4hY7cB2fD5gJ9sA+e/uQ==',
} as const;

const KEY_NAME = 'passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|credential|private[_-]?key';

/**
 * `name <op> value`: a name containing a credential word, `=`, `:`, `:=` or `=>` (not `==`, `::`),
 * then a 10–150 character printable-ASCII value, quoted or bare, that ends where a literal would
 * (quote, comma, semicolon, bracket, space, end). A value running into `(` or `[` is a call or an
 * index, never matched. The match starts at the credential word and a lookbehind behind it picks
 * up the rest of the name (`pre`): four times faster than matching the name from its start.
 */
const VALUE_CHAR = '[!#$%&*+\\-./0-9:=?@A-Z^_a-z{|}~]';
const ASSIGNMENT = new RegExp(
  `(?<key>${KEY_NAME})(?<=(?<![\\w.-])(?<pre>[\\w.-]{0,40})(?:${KEY_NAME}))(?<post>[\\w.-]{0,40}?)["'\`\\]]?[ \\t]{0,4}(?::=|=>|=(?![=~>])|:(?![:=/]))[ \\t]{0,4}["'\`]?(?<secret>${VALUE_CHAR}{10,150})(?=["'\`,;)\\]\\s]|$)`,
  'gi',
);

/**
 * Names that contain a credential word but hold no credential: counters and limits (`max_tokens`),
 * pagination cursors (`next_token`, aws-sdk's `input_token`), endpoints and paths (`token_url`),
 * references to where a secret lives (`secret_name`, `secret_arn`), form fields (`password_field`),
 * public halves and ids (`public_key`, `key_id`), the shell's `PWD`, and gitleaks' classic
 * look-alikes (`keyboard`, `monkey`, `author`, `csrf_token`, `api_version`).
 */
const HARMLESS_NAME = new RegExp(
  [
    'public_?key',
    'key_?id',
    'keyboard',
    'monkey',
    'author',
    'csrf',
    'xsrf',
    'api_?version',
    'tokeni[sz]',
    '(?:max|min|num|total|prompt|completion|input|output|next|prev(?:ious)?|page|continuation|resume|sync|cancellation|start|end|new)_?tokens?',
    'tokens?_?(?:url|uri|endpoint|type|expir|ttl|lifetime|len|count|limit|usage|prefix|header|file|path|name|index|kind|position|budget|cache|store|storage|id$|ids$)',
    'secrets?_?(?:name|ref|arn|path|version|manager|provider|store|key_?ref|key_?name|mount|engine|type)',
    'passw(?:or)?d_?(?:field|label|input|hint|policy|reset|length|min|max|file|path|prompt|regex|pattern|rules|strength|hash|salt|placeholder|expir|changed|less)',
    'credentials?_?(?:provider|file|path|type|name|source|chain|helper|process|id$)',
    'private_?key_?(?:path|file|name|id$)',
    '^(?:old)?pwd$',
  ].join('|'),
);

/** Substrings that mark a value as code, configuration plumbing or a stand-in rather than a secret. */
const STOPWORDS = [
  'your',
  'password',
  'passwd',
  'secret',
  'token',
  'bearer',
  'sample',
  'dummy',
  'fake',
  'mock',
  'stub',
  'test',
  'demo',
  'default',
  'insecure',
  'localhost',
  'undefined',
  'null',
  'true',
  'false',
  'function',
  'return',
  'string',
  'number',
  'boolean',
  'object',
  'config',
  'setting',
  'environ',
  'getenv',
  'vault:',
  'arn:aws',
  'sha256',
  'sha512',
  'base64',
  'utf-8',
  'application/',
  'text/',
  'image/',
];

/** Snake_case the name (`maxTokens` → `max_tokens`, `db.password` → `db_password`) so one list covers every spelling. */
function normaliseName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-.]/g, '_');
}

function isGenericSecret(value: string, match: RegExpExecArray): boolean {
  const name = `${match.groups?.pre ?? ''}${match.groups?.key ?? ''}${match.groups?.post ?? ''}`;
  if (HARMLESS_NAME.test(normaliseName(name))) return false;
  // letters only, give or take one symbol at either end: a word or an identifier (`?InterpolationInJSX`)
  if (/^[^A-Za-z0-9]?[A-Za-z]+[^A-Za-z0-9]?$/.test(value)) return false;
  // a URL, a data URL, or a file path
  if (/^[a-z][\w+.-]*:\/\/|^data:/i.test(value) || /^(?:\/|\.{1,2}\/|~\/|[A-Za-z]:\\)/.test(value)) return false;
  // a template or interpolation (${x}, {{ x }}, #{x}, %(x)s, %s, $(cmd)), or an elided example (`ABSK...`)
  if (/\$\{|\{\{|#\{|%\(|%[sdv](?![0-9A-Za-z])|\$\(|\.\.\./.test(value)) return false;
  // a reference to another variable: config.db.password, CONSTANT_NAME
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return false;
  const hexOnly = /^[0-9a-f]+$/i.test(value);
  if (shannonEntropy(value) < (hexOnly ? 3 : 3.5)) return false;
  const lower = value.toLowerCase();
  return !STOPWORDS.some((word) => lower.includes(word));
}

export const GENERIC_DETECTORS = defineDetectors([
  {
    id: 'generic-secret',
    description: 'random-looking literal assigned to a password, secret, token or key name',
    source: 'No vendor format: the keyword, assignment and entropy heuristic of gitleaks generic-api-key and detect-secrets KeywordDetector, described in docs/research/secrets-anchors.md §4.2.',
    keywords: ['password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'access-key', 'auth_token', 'credential', 'client_secret', 'private_key', 'privatekey', 'private-key'],
    pattern: ASSIGNMENT,
    minEntropy: 3,
    validate: isGenericSecret,
    severity: 'low',
    confidence: 'low',
    generic: true,
    truePositives: [
      sample('DB_PASSWORD=%s', FAKE.dotenv),
      sample('  password: "%s"', FAKE.yaml),
      sample('  "client_secret": "%s",', FAKE.json),
      sample("SESSION_SECRET = '%s'", FAKE.hex64),
      sample('spring.datasource.password=%s', FAKE.properties),
      sample('const apiKey = "%s";', FAKE.base62),
      sample("$dbPassword = '%s';", FAKE.human),
      sample('token := "%s"', FAKE.go),
      sample("    'auth_token' => '%s',", FAKE.php),
      sample('mysql --password=%s -u app shop', FAKE.cli),
      sample('export ACCESS_KEY="%s"', FAKE.hex32),
      sample('private_key = "%s"', FAKE.base64),
    ],
    falsePositives: [
      'const token = getToken(req)',
      '  "max_tokens": 4096,',
      'password: ${DB_PASSWORD}',
      'public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 deploy@ci"',
      '"input_token": "NextToken",',
      '"output_token": "NextContinuationToken",',
      "csrf_token = 'a8f5f167f44f4964e6c998dee827110c'",
      'token_url = "https://oauth2.googleapis.com/token"',
      'secret_name = "prod/db/credentials-2024"',
      'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")',
      'password_field = "input#login-password-1"',
      'api_key = os.environ["OPENAI_API_KEY"]',
      'secret: ${{ secrets.DEPLOY_KEY }}',
      'this.accessToken = response.data.access_token;',
      'token: process.env.GITHUB_TOKEN,',
      'API_KEY=your-api-key-here',
      '"next_token": "eyJsYXN0IjoxMjM0NX0x",',
      'password = "password123!"',
      'PWD=/home/runner/work/app/app',
      'SECRET_KEY_BASE: SECRET_KEY_BASE_FROM_ENV',
      "privateKey: fs.readFileSync(path.join(__dirname, 'key.pem')),",
      "credentials: 'same-origin',",
      'if (token === "expired-session-1") return;',
      'DJANGO_SECRET_KEY = "django-insecure-k9#vq2lz7xw4rt8np3hm6"',
      '"pageToken": "CAoQAA2024xyz",',
      'passwordHint: "Use 12+ characters & 1 digit"',
      'nextLastSignificantToken = "?NonExpressionParenEnd";',
      'OPENAI_API_KEY=sk-proj-your-openai-api-key',
      'AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS0...',
      "git remote add origin https://x-access-token:%s@github.com/acme/app",
      '"Unexpected_token_expected_1179": "予期しないトークンです。\'{\' が必要です。",',
    ],
  },
]);
