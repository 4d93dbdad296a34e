// Benchmarks `cordon secrets` against secretlint 13 on a ~200 MiB tree of vendored npm source with planted fake secrets (speed, memory, recall, false positives), then times a history scan of a generated git repository.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { median, mulberry32, table } from './lib.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cordon.js');
const TIME = '/usr/bin/time';
const SEED = 0x5ec7e75;
const HISTORY_SEED = 0x41570;
const TARGET_MS = 3000;
const TARGET_MIBS = 70;
const TARGET_RATIO = 5;
const TARGET_MB = 500;
const TARGET_RECALL = 0.98;
const TARGET_CORES = 2;
const MiB = 1024 * 1024;
const MAX_COPY_BYTES = MiB;
const COPY_EXTENSIONS = /\.(?:[cm]?js|jsx|[cm]?ts|tsx|json|md)$/i;
/** Names cordon skips by default (minified bundles, source maps, lockfiles): left out so both scanners read the same bytes. */
const COPY_SKIP = /(?:\.min\.js|\.min\.css|\.map)$|^(?:package-lock\.json|npm-shrinkwrap\.json)$/i;

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const options = { runs: 3, sizeMib: 200, historyCommits: 5000, timeoutS: 600, keep: false };
  const numeric = { '--runs': ['runs', 1], '--size-mib': ['sizeMib', 1], '--history-commits': ['historyCommits', 0], '--timeout-s': ['timeoutS', 1] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--keep') options.keep = true;
    else if (flag in numeric) {
      const [key, min] = numeric[flag];
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < min) throw new Error(`${flag} needs an integer >= ${min} (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`);
      options[key] = value;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: node bench/secrets.mjs [--size-mib N] [--runs N] [--history-commits N (0 skips)] [--timeout-s N (per run)] [--keep]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --size-mib N, --runs N, --history-commits N, --timeout-s N, --keep)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Deterministic generation

/** Helpers over the shared seeded generator. */
function prng(seed) {
  const next = mulberry32(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    str: (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(0, 255))),
  };
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** GitHub's base62 order: digits, then upper case, then lower case. */
const BASE62 = DIGITS + UPPER + LOWER;
const URLSAFE = `${BASE62}-_`;
const HEX = '0123456789abcdef';
const B64 = `${UPPER}${LOWER}${DIGITS}+/`;
const BASE32 = `${UPPER}234567`;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32/IEEE (zlib's), over the UTF-16 code units of an ASCII string. */
function crc32(text) {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function base62(value, width) {
  let out = '';
  let n = value;
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/** GitHub `gh?_` / npm `npm_` token: prefix, 30 random base62 characters, 6-character base62 CRC32 of those 30. */
function checksummed(rng, prefix) {
  const body = rng.str(BASE62, 30);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

function selfTest() {
  const vectors = [['123456789', 0xcbf43926], ['', 0], ['The quick brown fox jumps over the lazy dog', 0x414fa339]];
  for (const [text, want] of vectors) if (crc32(text) !== want) throw new Error(`crc32 self-test failed on ${JSON.stringify(text)}`);
  if (typeof zlib.crc32 === 'function') {
    const rng = prng(7);
    for (let i = 0; i < 50; i++) {
      const text = rng.str(BASE62, 30);
      if (crc32(text) !== zlib.crc32(text)) throw new Error('crc32 disagrees with zlib.crc32');
    }
  }
  if (base62(0, 6) !== '000000' || base62(61, 2) !== '0z' || base62(62, 1) !== '10') throw new Error('base62 self-test failed');
}

const password = (rng, n = 20) => {
  // Random alphanumeric with at least one digit, upper and lower case letter: what a generated password looks like.
  const core = rng.str(BASE62, n - 3);
  return `${core}${rng.str(DIGITS, 1)}${rng.str(UPPER, 1)}${rng.str(LOWER, 1)}`;
};

function jwt(rng) {
  const b64url = (value) => Buffer.from(value).toString('base64url');
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub: `svc-${rng.str(HEX, 12)}`, name: 'billing-worker', scope: 'orders:write', iat: 1735689600 + rng.int(0, 9e6) }));
  const signature = createHmac('sha256', rng.bytes(32)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Every single-line secret kind: how to make one and what a program would call it. */
const KINDS = {
  'anthropic-api-key': { name: 'ANTHROPIC_API_KEY', gen: (r) => `sk-ant-api03-${r.str(URLSAFE, 93)}AA` },
  'anthropic-admin-key': { name: 'ANTHROPIC_ADMIN_KEY', gen: (r) => `sk-ant-admin01-${r.str(URLSAFE, 93)}AA` },
  'anthropic-oauth-access-token': { name: 'CLAUDE_CODE_OAUTH_TOKEN', gen: (r) => `sk-ant-oat01-${r.str(URLSAFE, 93)}AA` },
  'anthropic-oauth-refresh-token': { name: 'CLAUDE_REFRESH_TOKEN', gen: (r) => `sk-ant-ort01-${r.str(URLSAFE, 93)}AA` },
  'openai-project-key': { name: 'OPENAI_API_KEY', gen: (r) => `sk-proj-${r.str(URLSAFE, 74)}T3BlbkFJ${r.str(URLSAFE, 74)}` },
  'openai-legacy-key': { name: 'OPENAI_KEY', gen: (r) => `sk-${r.str(BASE62, 20)}T3BlbkFJ${r.str(BASE62, 20)}` },
  'aws-access-key-id': { name: 'AWS_ACCESS_KEY_ID', gen: (r) => `AKIA${r.str(BASE32, 16)}` },
  'aws-secret-access-key': { name: 'AWS_SECRET_ACCESS_KEY', gen: (r) => `${r.str(B64, 39)}${r.str(DIGITS, 1)}` },
  'github-classic-pat': { name: 'GITHUB_TOKEN', gen: (r) => checksummed(r, 'ghp_') },
  'github-oauth-token': { name: 'GH_OAUTH_TOKEN', gen: (r) => checksummed(r, 'gho_') },
  'github-app-token': { name: 'GH_APP_INSTALLATION_TOKEN', gen: (r) => checksummed(r, 'ghs_') },
  'github-user-token': { name: 'GH_USER_TOKEN', gen: (r) => checksummed(r, 'ghu_') },
  'github-fine-grained-pat': { name: 'GH_PAT', gen: (r) => `github_pat_11${r.str(UPPER + DIGITS, 20)}_${r.str(BASE62, 59)}` },
  'gitlab-pat': { name: 'GITLAB_TOKEN', gen: (r) => `glpat-${r.str(URLSAFE, 20)}` },
  'slack-bot-token': { name: 'SLACK_BOT_TOKEN', gen: (r) => `xoxb-${r.str(DIGITS, 11)}-${r.str(DIGITS, 13)}-${r.str(BASE62, 24)}` },
  'slack-user-token': { name: 'SLACK_USER_TOKEN', gen: (r) => `xoxp-${r.str(DIGITS, 11)}-${r.str(DIGITS, 11)}-${r.str(DIGITS, 13)}-${r.str(HEX, 32)}` },
  'slack-webhook-url': { name: 'SLACK_WEBHOOK_URL', gen: (r) => `https://hooks.slack.com/services/T${r.str(UPPER + DIGITS, 8)}/B${r.str(UPPER + DIGITS, 10)}/${r.str(BASE62, 24)}` },
  'stripe-secret-key': { name: 'STRIPE_SECRET_KEY', gen: (r) => `sk_live_${r.str(BASE62, r.pick([24, 99]))}` },
  'stripe-restricted-key': { name: 'STRIPE_RESTRICTED_KEY', gen: (r) => `rk_live_${r.str(BASE62, 99)}` },
  'sendgrid-api-key': { name: 'SENDGRID_API_KEY', gen: (r) => `SG.${r.str(URLSAFE, 22)}.${r.str(URLSAFE, 20)}-${r.str(URLSAFE, 22)}` },
  'google-api-key': { name: 'GOOGLE_API_KEY', gen: (r) => `AIza${r.str(URLSAFE, 35)}` },
  'npm-token': { name: 'NPM_TOKEN', gen: (r) => checksummed(r, 'npm_') },
  'huggingface-token': { name: 'HF_TOKEN', gen: (r) => `hf_${r.str(UPPER + LOWER, 34)}` },
  'dockerhub-pat': { name: 'DOCKERHUB_TOKEN', gen: (r) => `dckr_pat_${r.str(URLSAFE, 27)}` },
  'vault-token': { name: 'VAULT_TOKEN', gen: (r) => `hvs.CAESI${r.str(URLSAFE, 86)}` },
  'shopify-access-token': { name: 'SHOPIFY_ACCESS_TOKEN', gen: (r) => `shpat_${r.str(HEX, 32)}` },
  'linear-api-key': { name: 'LINEAR_API_KEY', gen: (r) => `lin_api_${r.str(BASE62, 40)}` },
  'grafana-service-account-token': { name: 'GRAFANA_TOKEN', gen: (r) => `glsa_${r.str(BASE62, 32)}_${r.str(HEX, 8)}` },
  'databricks-token': { name: 'DATABRICKS_TOKEN', gen: (r) => `dapi${r.str(HEX, 32)}` },
  'twilio-api-key': { name: 'TWILIO_API_KEY', gen: (r) => `SK${r.str(HEX, 32)}` },
  'azure-storage-account-key': {
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    gen: (r) => `DefaultEndpointsProtocol=https;AccountName=acme${r.str(LOWER + DIGITS, 8)};AccountKey=${r.bytes(64).toString('base64')};EndpointSuffix=core.windows.net`,
  },
  jwt: { name: 'SERVICE_JWT', gen: jwt },
  'postgres-url': { name: 'DATABASE_URL', gen: (r) => `postgres://app_${r.str(LOWER, 5)}:${password(r)}@db-${r.int(1, 9)}.prod.internal:5432/orders` },
  'mysql-url': { name: 'MYSQL_URL', gen: (r) => `mysql://shop:${password(r)}@10.0.${r.int(0, 255)}.${r.int(1, 254)}:3306/shop` },
  'mongodb-url': { name: 'MONGODB_URI', gen: (r) => `mongodb+srv://svc-api:${password(r)}@cluster0.${r.str(LOWER + DIGITS, 5)}.mongodb.net/prod?retryWrites=true&w=majority` },
  'redis-url': { name: 'REDIS_URL', gen: (r) => `redis://default:${password(r, 24)}@cache-${r.int(1, 9)}.prod.internal:6379/0` },
  'https-basic-auth-url': { name: 'ARTIFACTS_URL', gen: (r) => `https://deploy:${password(r)}@artifacts.acme-corp.net/repository/npm-private/` },
  'generic-password': { name: 'ADMIN_PASSWORD', gen: (r) => `${r.pick(['Harbor', 'Quartz', 'Falcon', 'Maple'])}${r.pick(['!', '#', '$', '%'])}${r.int(1000, 9999)}${r.pick(['blue', 'north', 'vivid'])}${r.str(UPPER, 1)}` },
  'generic-client-secret': { name: 'CLIENT_SECRET', gen: (r) => `${r.str(URLSAFE, 38)}${r.str(DIGITS, 2)}` },
  'generic-api-key': { name: 'INTERNAL_API_KEY', gen: (r) => password(r, 32) },
  'generic-session-secret': { name: 'SESSION_SECRET', gen: (r) => r.str(HEX, 64) },
};

/** Kinds that fit on one line with a vendor prefix or URL shape: the history benchmark plants these. */
const HISTORY_KINDS = Object.keys(KINDS).filter((kind) => !kind.startsWith('generic-'));

function pemKeys() {
  // Real keys, freshly generated: key generation cannot be seeded, so these bytes (not their positions) vary by run.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const rsa8 = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const ec8 = generateKeyPairSync('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const ed = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const trim = (pem) => pem.trimEnd();
  return { rsaPkcs1: trim(rsa.privateKey), rsaPkcs8: trim(rsa8.privateKey), ecSec1: trim(ec.privateKey), ecPkcs8: trim(ec8.privateKey), ed25519Pkcs8: trim(ed.privateKey), ecPublic: trim(ec.publicKey) };
}

// ----- filler: plausible code around the secrets, written so that it holds none

const NOUNS = ['user', 'order', 'invoice', 'report', 'tenant', 'account', 'payment', 'upload', 'metric', 'project', 'team', 'comment', 'export', 'schedule', 'shipment'];
const VERBS = ['get', 'list', 'create', 'update', 'remove', 'sync', 'load', 'render', 'validate', 'archive'];
const cap = (word) => word[0].toUpperCase() + word.slice(1);

const FILLERS = {
  ts: (r) => {
    const noun = r.pick(NOUNS);
    const Noun = cap(noun);
    const verb = r.pick(VERBS);
    return r.pick([
      () => [`export async function ${verb}${Noun}(id: string): Promise<${Noun} | undefined> {`, `  const row = await db.oneOrNone<${Noun}>('select * from ${noun}s where id = $1', [id]);`, '  if (!row) return undefined;', '  return { ...row, updatedAt: new Date(row.updatedAt) };', '}', ''],
      () => [`export interface ${Noun} {`, '  id: string;', '  name: string;', '  createdAt: Date;', `  ${r.pick(NOUNS)}Ids: string[];`, '}', ''],
      () => [`const ${noun}Cache = new Map<string, ${Noun}>();`, ''],
      () => [`router.${r.pick(['get', 'post', 'put', 'delete'])}('/api/${noun}s/:id', async (req, res) => {`, `  const result = await ${verb}${Noun}(req.params.id);`, "  if (!result) return res.status(404).json({ error: 'not found' });", '  res.json(result);', '});', ''],
      () => [`// ${cap(verb)} ${noun}s in batches of ${r.int(10, 500)} to keep memory flat.`],
      () => [`logger.info({ ${noun}Id: id, took: Date.now() - started }, '${verb} ${noun}');`],
      () => [`export const MAX_${noun.toUpperCase()}S_PER_PAGE = ${r.int(10, 200)};`],
    ])();
  },
  js: (r) => {
    const noun = r.pick(NOUNS);
    const verb = r.pick(VERBS);
    return r.pick([
      () => [`async function ${verb}${cap(noun)}(client, id) {`, `  const response = await client.get(\`/v2/${noun}s/\${encodeURIComponent(id)}\`);`, '  if (response.status === 404) return null;', '  return response.data;', '}', ''],
      () => [`const ${noun}Defaults = Object.freeze({ retries: ${r.int(1, 5)}, timeoutMs: ${r.int(1, 30) * 1000} });`, ''],
      () => [`module.exports.${verb}${cap(noun)} = ${verb}${cap(noun)};`],
      () => [`// ${cap(verb)} every ${noun} that changed since the last run.`],
      () => [`for (const item of ${noun}s) {`, `  if (!item.active) continue;`, `  await queue.push({ type: '${verb}-${noun}', id: item.id });`, '}', ''],
    ])();
  },
  py: (r) => {
    const noun = r.pick(NOUNS);
    const verb = r.pick(VERBS);
    return r.pick([
      () => [`def ${verb}_${noun}(client, ${noun}_id):`, `    """${cap(verb)} one ${noun} and return its JSON."""`, `    resp = client.get(f"/api/${noun}s/{${noun}_id}", timeout=${r.int(5, 30)})`, '    resp.raise_for_status()', '    return resp.json()', '', ''],
      () => [`${noun.toUpperCase()}_BATCH = ${r.int(10, 1000)}`],
      () => [`# ${cap(verb)} ${noun}s nightly; see runbook section ${r.int(1, 12)}.`],
      () => [`logging.getLogger(__name__).info("${verb} %s", ${noun}_id)`],
    ])();
  },
  yaml: (r) => {
    const noun = r.pick(NOUNS);
    return r.pick([
      () => [`${noun}s:`, `  enabled: ${r.pick(['true', 'false'])}`, `  batch_size: ${r.int(10, 500)}`, `  schedule: "${r.int(0, 59)} ${r.int(0, 23)} * * *"`, ''],
      () => [`# ${cap(noun)} settings are read at start-up.`],
      () => [`${noun}_service:`, `  url: https://${noun}s.internal.acme-corp.net`, `  timeout_seconds: ${r.int(1, 60)}`, ''],
    ])();
  },
  env: (r) => {
    const noun = r.pick(NOUNS).toUpperCase();
    return r.pick([() => [`${noun}_BATCH_SIZE=${r.int(10, 500)}`], () => [`FEATURE_${noun}_V2=${r.pick(['true', 'false'])}`], () => [`# ${noun} service`], () => [`${noun}_SERVICE_URL=https://${noun.toLowerCase()}.internal.acme-corp.net`]])();
  },
  properties: (r) => {
    const noun = r.pick(NOUNS);
    return r.pick([() => [`app.${noun}.batch-size=${r.int(10, 500)}`], () => [`logging.level.com.acme.${noun}=${r.pick(['INFO', 'DEBUG', 'WARN'])}`], () => [`# ${noun} module`], () => [`app.${noun}.enabled=${r.pick(['true', 'false'])}`]])();
  },
  md: (r) => {
    const noun = r.pick(NOUNS);
    return r.pick([
      () => [`## ${cap(noun)}s`, '', `The ${noun} module ${r.pick(['syncs', 'exports', 'archives'])} ${noun}s every ${r.int(5, 60)} minutes. Run \`npm run ${noun}:check\` after changing it.`, ''],
      () => [`- ${cap(r.pick(VERBS))} ${noun}s with \`./scripts/${noun}.sh\`.`],
    ])();
  },
};

/** Collects planted files, the line of every secret in them, and the decoys (non-secrets that look close). */
class Planter {
  constructor(rng) {
    this.rng = rng;
    this.files = [];
    this.truth = [];
    this.decoys = [];
  }

  file(path, style) {
    const rng = this.rng;
    const lines = [];
    this.files.push({ path, lines });
    const api = {
      line: (...texts) => (lines.push(...texts), api),
      fill: (chunks) => {
        for (let i = 0; i < chunks; i++) lines.push(...FILLERS[style](rng));
        return api;
      },
      /** A secret rendered by `render(value)`; a multi-line rendering counts as found on any of its lines. */
      secret: (kind, render, value) => {
        const text = render(value ?? KINDS[kind].gen(rng));
        const count = text.split('\n').length;
        const line = lines.length + 1;
        this.truth.push({ path, line, kind, ...(count > 1 ? { lines: [line, line + count - 1] } : {}) });
        lines.push(...text.split('\n'));
        return api;
      },
      decoy: (what, text) => {
        this.decoys.push({ path, line: lines.length + 1, what });
        lines.push(text);
        return api;
      },
      /** A whole file that is one secret (e.g. a GCP service-account JSON): found on any line; `line` is where the key sits. */
      whole: (kind, text, keyPattern) => {
        const all = text.split('\n');
        const at = all.findIndex((l) => keyPattern.test(l));
        this.truth.push({ path, line: lines.length + at + 1, kind, lines: [lines.length + 1, lines.length + all.length] });
        lines.push(...all);
        return api;
      },
    };
    return api;
  }

  write(root) {
    for (const { path, lines } of this.files) {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, `${lines.join('\n')}\n`);
    }
  }
}

function plantApp(p, keys) {
  const r = p.rng;
  p.file('app/.env', 'env')
    .line('# Local overrides for the orders service', 'NODE_ENV=production', 'PORT=3000', 'LOG_LEVEL=info')
    .secret('anthropic-api-key', (v) => `ANTHROPIC_API_KEY=${v}`)
    .secret('openai-project-key', (v) => `OPENAI_API_KEY=${v}`)
    .fill(3)
    .secret('postgres-url', (v) => `DATABASE_URL=${v}`)
    .secret('redis-url', (v) => `REDIS_URL=${v}`)
    .decoy('interpolated variable', 'DB_PASSWORD=${DB_PASSWORD}')
    .fill(2)
    .secret('stripe-secret-key', (v) => `STRIPE_SECRET_KEY=${v}`)
    .secret('sendgrid-api-key', (v) => `SENDGRID_API_KEY=${v}`)
    .secret('huggingface-token', (v) => `HF_TOKEN=${v}`)
    .fill(2);
  p.file('app/.env.production', 'env')
    .fill(3)
    .secret('aws-access-key-id', (v) => `AWS_ACCESS_KEY_ID=${v}`)
    .secret('aws-secret-access-key', (v) => `AWS_SECRET_ACCESS_KEY=${v}`)
    .line('AWS_REGION=eu-west-1')
    .secret('anthropic-oauth-access-token', (v) => `CLAUDE_CODE_OAUTH_TOKEN=${v}`)
    .fill(2)
    .secret('github-classic-pat', (v) => `GITHUB_TOKEN=${v}`)
    .secret('vault-token', (v) => `VAULT_TOKEN=${v}`)
    .line('VAULT_ADDR=https://vault.internal.acme-corp.net:8200');
  p.file('app/.npmrc', 'env')
    .line('registry=https://registry.npmjs.org/', '@acme:registry=https://npm.pkg.github.com/')
    .decoy('interpolated variable', '//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}')
    .secret('npm-token', (v) => `//registry.npmjs.org/:_authToken=${v}`)
    .line('save-exact=true');
  p.file('app/src/config.ts', 'ts')
    .line("import { z } from 'zod';", '')
    .fill(4)
    .secret('anthropic-admin-key', (v) => `export const ANTHROPIC_ADMIN_KEY = '${v}';`)
    .decoy('environment reference', 'export const anthropicApiKey = process.env.ANTHROPIC_API_KEY ?? "";')
    .fill(3)
    .secret('openai-legacy-key', (v) => `const openaiKey = "${v}";`)
    .secret('linear-api-key', (v) => `export const LINEAR_API_KEY = '${v}';`)
    .fill(3)
    .secret('generic-api-key', (v) => `const INTERNAL_API_KEY = "${v}";`)
    .fill(5);
  p.file('app/src/clients/github.ts', 'ts')
    .line("import { Octokit } from '@octokit/rest';", '')
    .fill(3)
    .secret('github-oauth-token', (v) => `const oauthToken = '${v}';`)
    .secret('github-app-token', (v) => `const installationToken = "${v}"; // expires hourly`)
    .fill(4)
    .secret('github-fine-grained-pat', (v) => `export const octokit = new Octokit({ auth: '${v}' });`)
    .fill(3);
  p.file('app/src/clients/slack.js', 'js')
    .line("const { WebClient } = require('@slack/web-api');", '')
    .secret('slack-bot-token', (v) => `const web = new WebClient('${v}');`)
    .fill(3)
    .secret('slack-user-token', (v) => `const userClient = new WebClient("${v}");`)
    .fill(2)
    .secret('slack-webhook-url', (v) => `const ALERTS_WEBHOOK = '${v}';`)
    .fill(4);
  p.file('app/src/billing/stripe.ts', 'ts')
    .line("import Stripe from 'stripe';", '')
    .decoy('publishable key (public by design)', `export const STRIPE_PUBLISHABLE_KEY = 'pk_live_${r.str(BASE62, 99)}';`)
    .secret('stripe-restricted-key', (v) => `const reporting = new Stripe('${v}', { apiVersion: '2024-06-20' });`)
    .fill(4)
    .secret('stripe-secret-key', (v) => `export const stripe = new Stripe("${v}");`)
    .fill(3);
  p.file('app/src/db.ts', 'ts')
    .line("import { Pool } from 'pg';", '')
    .decoy('URL without credentials', "const localUrl = 'postgres://localhost:5432/orders_dev';")
    .secret('mysql-url', (v) => `const legacyShop = createPool({ uri: '${v}' });`)
    .fill(3)
    .secret('mongodb-url', (v) => `export const mongoUri = "${v}";`)
    .fill(2)
    .secret('postgres-url', (v) => `export const pool = new Pool({ connectionString: '${v}' });`)
    .fill(3);
  p.file('app/src/auth/session.ts', 'ts')
    .fill(3)
    .secret('jwt', (v) => `const SERVICE_JWT = '${v}';`)
    .fill(2)
    .secret('generic-session-secret', (v) => `app.use(session({ secret: '${v}', resave: false }));`)
    .fill(2);
  const [publicFirst, ...publicRest] = `export const VERIFY_KEY = \`${keys.ecPublic}\`;`.split('\n');
  p.file('app/src/auth/keys.ts', 'ts')
    .line('// Token signing key for the staging issuer.')
    .secret('private-key-ec-pkcs8', () => `export const SIGNING_KEY = \`${keys.ecPkcs8}\`;`, '')
    .line('')
    .decoy('public key (not a secret)', publicFirst)
    .line(...publicRest)
    .fill(2);
  p.file('app/scripts/deploy.py', 'py')
    .line('import os', 'import boto3', '')
    .secret('aws-access-key-id', (v) => `AWS_KEY_ID = "${v}"`)
    .secret('aws-secret-access-key', (v) => `aws_secret_access_key = "${v}"`)
    .fill(3)
    .secret('databricks-token', (v) => `DATABRICKS_TOKEN = "${v}"`)
    .secret('dockerhub-pat', (v) => `docker_login(user="acmebuild", password="${v}")`)
    .fill(3);
  p.file('app/scripts/notify.py', 'py')
    .line('from twilio.rest import Client', '')
    .secret('twilio-api-key', (v) => `TWILIO_API_KEY = "${v}"`)
    .fill(3)
    .secret('grafana-service-account-token', (v) => `headers = {"Authorization": "Bearer ${v}"}`)
    .fill(2);
  p.file('app/config/settings.yaml', 'yaml')
    .fill(2)
    .line('oauth:', `  client_id: ${r.str(HEX, 8)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 4)}-${r.str(HEX, 12)}`)
    .secret('generic-client-secret', (v) => `  client_secret: ${v}`)
    .line('  redirect_uri: https://app.acme-corp.net/callback', '')
    .secret('google-api-key', (v) => `maps_api_key: ${v}`)
    .fill(2)
    .line('gitlab:', '  url: https://gitlab.acme-corp.net')
    .secret('gitlab-pat', (v) => `  token: ${v}`)
    .line('shopify:', '  shop: acme-store.myshopify.com')
    .secret('shopify-access-token', (v) => `  access_token: ${v}`)
    .fill(2);
  p.file('app/config/storage.yaml', 'yaml')
    .line('storage:', '  provider: azure', '  container: invoices')
    .secret('azure-storage-account-key', (v) => `  connection_string: "${v}"`)
    .fill(2);
  p.file('app/config/application.properties', 'properties')
    .line('spring.application.name=orders', 'server.port=8080', 'spring.datasource.url=jdbc:postgresql://db-1.prod.internal:5432/orders', 'spring.datasource.username=orders')
    .secret('generic-password', (v) => `spring.datasource.password=${v}`)
    .fill(3)
    .secret('https-basic-auth-url', (v) => `app.artifacts.url=${v}`)
    .fill(2);
  p.file('app/config/app.json', 'json')
    .line('{', '  "name": "orders",', '  "region": "eu-west-1",', '  "providers": {')
    .secret('anthropic-api-key', (v) => `    "anthropicApiKey": "${v}",`)
    .secret('sendgrid-api-key', (v) => `    "sendgrid": "${v}",`)
    .secret('npm-token', (v) => `    "npmToken": "${v}"`)
    .line('  },', `  "retries": ${r.int(1, 5)}`, '}');
  p.file('app/keys/server.pem', 'pem').secret('private-key-rsa-pkcs1', () => keys.rsaPkcs1, '');
  p.file('app/keys/ec-p256.pem', 'pem').secret('private-key-ec-sec1', () => keys.ecSec1, '');
  p.file('app/keys/signing-ed25519.pem', 'pem').secret('private-key-ed25519-pkcs8', () => keys.ed25519Pkcs8, '');
  const projectId = `acme-orders-${r.int(100000, 999999)}`;
  const account = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: r.str(HEX, 40),
    private_key: `${keys.rsaPkcs8}\n`,
    client_email: `ci-deployer@${projectId}.iam.gserviceaccount.com`,
    client_id: r.str(DIGITS, 21),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/ci-deployer%40${projectId}.iam.gserviceaccount.com`,
    universe_domain: 'googleapis.com',
  };
  p.file('app/credentials/gcp-service-account.json', 'json').whole('gcp-service-account', JSON.stringify(account, null, 2), /"private_key":/);
  p.file('app/docker-compose.yml', 'yaml')
    .line('services:', '  db:', '    image: postgres:16', '    environment:', '      POSTGRES_USER: orders')
    .secret('generic-password', (v) => `      POSTGRES_PASSWORD: "${v}"`)
    .line('  api:', '    build: .', '    environment:')
    .secret('postgres-url', (v) => `      - DATABASE_URL=${v.replace('postgres://', 'postgresql://')}`)
    .line('    ports:', '      - "3000:3000"');
  p.file('app/src/cli/login.js', 'js')
    .fill(2)
    .secret('anthropic-oauth-refresh-token', (v) => `const REFRESH = '${v}';`)
    .fill(2)
    .secret('github-classic-pat', (v) => `process.env.GH_TOKEN ||= "${v}";`)
    .decoy('GitHub-shaped token with a wrong checksum', `const SAMPLE_FORMAT = 'ghp_${r.str(BASE62, 36)}';`)
    .fill(2);
  p.file('app/src/ai/providers.py', 'py')
    .line('import openai', '')
    .secret('openai-project-key', (v) => `client = openai.OpenAI(api_key="${v}")`)
    .fill(2)
    .secret('google-api-key', (v) => `GEMINI_API_KEY = "${v}"`)
    .fill(2);
  p.file('app/test/fixtures/integrations.json', 'json')
    .line('{')
    .secret('slack-bot-token', (v) => `  "slackToken": "${v}",`)
    .secret('stripe-secret-key', (v) => `  "stripeKey": "${v}",`)
    .line('  "tenant": "acme"', '}');
  p.file('app/README.md', 'md')
    .line('# Orders service', '')
    .fill(3)
    .line('To call the API from your shell:', '', '```sh')
    .secret('anthropic-api-key', (v) => `export ANTHROPIC_API_KEY=${v}`)
    .line('```', '')
    .decoy("AWS's documented example key id", 'The AWS docs use `AKIAIOSFODNN7EXAMPLE` as the example key id.')
    .fill(2);
  p.file('app/src/payments/admin.ts', 'ts')
    .fill(3)
    .secret('generic-password', (v) => `const adminPassword = "${v}";`)
    .fill(3);
}

/** Secrets hidden in new files inside vendored packages: the scanner must not skip vendored code. */
function plantVendor(p, packages) {
  const r = p.rng;
  const plans = [
    ['examples/quickstart.js', 'js', 'anthropic-api-key', (v) => `const client = new Anthropic({ apiKey: '${v}' });`],
    ['scripts/release.js', 'js', 'npm-token', (v) => `execSync('npm publish', { env: { ...process.env, NODE_AUTH_TOKEN: '${v}' } });`],
    ['test/helpers/aws-config.js', 'js', ['aws-access-key-id', 'aws-secret-access-key'], [(v) => `  accessKeyId: '${v}',`, (v) => `  secretAccessKey: '${v}',`]],
    ['docs/DEPLOYMENT.md', 'md', 'slack-webhook-url', (v) => `Deploy notifications go to ${v} (channel #deploys).`],
    ['lib/telemetry-config.js', 'js', 'openai-project-key', (v) => `exports.OPENAI_KEY = "${v}";`],
    ['src/upload-artifacts.ts', 'ts', 'github-fine-grained-pat', (v) => `const token = '${v}';`],
    ['bench/setup-db.js', 'js', 'postgres-url', (v) => `const url = process.env.BENCH_DB || '${v}';`],
  ];
  const candidates = packages.filter((pkg) => pkg.files >= 20);
  const chosen = [];
  for (const plan of plans) {
    let pkg;
    do pkg = r.pick(candidates);
    while (chosen.includes(pkg.dest) && chosen.length < candidates.length);
    chosen.push(pkg.dest);
    let path = `vendor/${pkg.dest}/${plan[0]}`;
    if (pkg.paths.has(path)) path = path.replace(/(\.[a-z]+)$/, '.local$1');
    const f = p.file(path, plan[1]).fill(3);
    if (Array.isArray(plan[2])) {
      f.line('module.exports = {', "  region: 'us-east-1',");
      plan[2].forEach((kind, i) => f.secret(kind, plan[3][i]));
      f.line('};');
    } else f.secret(plan[2], plan[3]);
    f.fill(2);
  }
}

// ---------------------------------------------------------------------------------------------
// The vendored tree

function isDir(path) {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listPackages(nodeModules) {
  const out = [];
  if (!isDir(nodeModules)) return out;
  for (const name of readdirSync(nodeModules).sort()) {
    if (name.startsWith('.')) continue;
    const full = join(nodeModules, name);
    if (name.startsWith('@') && isDir(full)) {
      for (const sub of readdirSync(full).sort()) if (isDir(join(full, sub))) out.push({ name: `${name}/${sub}`, dir: join(full, sub) });
    } else if (isDir(full)) out.push({ name, dir: full });
  }
  return out;
}

function looksBinary(path) {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).includes(0);
  } finally {
    closeSync(fd);
  }
}

/** Copyable files of one package, sorted, with nested node_modules renamed to _modules in the relative path. */
function packageFiles(dir) {
  const files = [];
  const walk = (abs, rel) => {
    for (const name of readdirSync(abs).sort()) {
      if (name === '.bin' || name === '.git') continue;
      const childAbs = join(abs, name);
      const stats = lstatSync(childAbs);
      const childRel = rel ? `${rel}/${name === 'node_modules' ? '_modules' : name}` : name === 'node_modules' ? '_modules' : name;
      if (stats.isDirectory()) walk(childAbs, childRel);
      else if (stats.isFile() && COPY_EXTENSIONS.test(name) && !COPY_SKIP.test(name) && stats.size > 0 && stats.size <= MAX_COPY_BYTES && !looksBinary(childAbs)) files.push({ src: childAbs, rel: childRel, size: stats.size });
    }
  };
  walk(dir, '');
  return files;
}

function npmGlobalRoot() {
  try {
    return execFileSync('npm', ['root', '-g'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function buildVendor(tree, targetBytes) {
  const sources = [join(REPO, 'node_modules')];
  const globalRoot = npmGlobalRoot();
  if (globalRoot && resolve(globalRoot) !== resolve(sources[0])) sources.push(globalRoot);
  const packages = [];
  const names = new Set();
  for (const source of sources) {
    for (const pkg of listPackages(source)) {
      const files = packageFiles(pkg.dir);
      if (!files.length) continue;
      let dest = pkg.name;
      while (names.has(dest)) dest = `${dest}-global`;
      names.add(dest);
      packages.push({ dest, files, bytes: files.reduce((sum, f) => sum + f.size, 0) });
    }
  }
  const roundBytes = packages.reduce((sum, pkg) => sum + pkg.bytes, 0);
  if (roundBytes === 0) throw new Error('no source files found to copy (is node_modules installed?)');
  const made = new Set();
  let bytes = 0;
  let files = 0;
  let rounds = 0;
  for (let round = 1; bytes < targetBytes; round++) {
    rounds = round;
    for (const pkg of packages) {
      if (bytes >= targetBytes) break;
      const dest = round === 1 ? pkg.dest : `${pkg.dest}-${round}`;
      for (const file of pkg.files) {
        if (bytes >= targetBytes) break;
        const to = join(tree, 'vendor', dest, file.rel);
        const dir = dirname(to);
        if (!made.has(dir)) {
          mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        copyFileSync(file.src, to);
        bytes += file.size;
        files++;
      }
    }
  }
  const firstRound = packages.map((pkg) => ({ dest: pkg.dest, files: pkg.files.length, paths: new Set(pkg.files.map((f) => `vendor/${pkg.dest}/${f.rel}`)) }));
  return { files, bytes, rounds, packages: firstRound, sources, roundBytes };
}

function treeStats(root) {
  let files = 0;
  let bytes = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) {
        files++;
        bytes += lstatSync(full).size;
      }
    }
  };
  walk(root);
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Whether GNU time with -f/-o works here; anything else means no memory figure. */
function timeAvailable(scratch) {
  if (!existsSync(TIME)) return false;
  const probe = join(scratch, 'probe.time');
  const result = spawnSync(TIME, ['-f', '%M %U %S', '-o', probe, process.execPath, '-e', '0'], { stdio: 'ignore' });
  return result.status === 0 && existsSync(probe) && /^\d+ [\d.]+ [\d.]+$/.test(readFileSync(probe, 'utf8').trim().split('\n').at(-1) ?? '');
}

const TIMEOUT = ['/usr/bin/timeout', '/bin/timeout'].find((path) => existsSync(path));

/** Runs node with `args`, timing wall clock here and peak RSS / CPU through GNU time; coreutils timeout kills a hung run. */
function timed(args, { cwd, memFile, withTime, timeoutS, okStatus = [0] }) {
  const node = TIMEOUT ? [TIMEOUT, '-k', '5', String(timeoutS), process.execPath] : [process.execPath];
  const [command, argv] = withTime ? [TIME, ['-f', '%M %U %S', '-o', memFile, ...node, ...args]] : [node[0], [...node.slice(1), ...args]];
  const started = process.hrtime.bigint();
  const result = spawnSync(command, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * MiB });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`could not run ${args[0]}: ${result.error.message}`);
  if (TIMEOUT && (result.status === 124 || result.status === 137)) throw new Error(`${args.join(' ')} did not finish within ${timeoutS} s (--timeout-s)`);
  if (result.signal || !okStatus.includes(result.status)) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new Error(`${args.join(' ')} failed with ${how}\n${(result.stderr || '').trim().slice(-4000) || '(no stderr)'}`);
  }
  let rssKb;
  let cpuS;
  if (withTime) {
    const match = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(readFileSync(memFile, 'utf8').trim().split('\n').at(-1) ?? '');
    if (match) {
      rssKb = Number(match[1]);
      cpuS = Number(match[2]) + Number(match[3]);
    }
  }
  return { ms, rssKb, cpuS, stderr: result.stderr, status: result.status };
}

function readJson(file, what) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} did not write JSON to ${file}: ${error.message}\nfirst bytes: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

function relPath(root, path, warn) {
  if (typeof path !== 'string') return String(path);
  if (isAbsolute(path)) {
    warn?.(`paths are absolute (e.g. ${path}); the interface says relative to the scanned directory`);
    return relative(root, path).split(sep).join('/');
  }
  return path.replace(/^\.\//, '').split(sep).join('/');
}

/** cordon's JSON: `{ version: 1, summary, findings: [{ rule, path, start: { line }, commit? }] }`. */
function cordonFindings(file, root, warnings) {
  const report = readJson(file, 'cordon secrets');
  if (report?.version !== 1 || !Array.isArray(report.findings)) throw new Error(`cordon secrets JSON in ${file} lacks version: 1 or a findings array`);
  const warn = (message) => warnings.add(message);
  return report.findings.map((f, i) => {
    if (typeof f?.rule !== 'string' || typeof f?.path !== 'string' || !Number.isInteger(f?.start?.line)) throw new Error(`cordon secrets finding #${i} lacks rule, path or start.line: ${JSON.stringify(f).slice(0, 300)}`);
    let commit = typeof f.commit === 'string' ? f.commit : typeof f.commit?.sha === 'string' ? f.commit.sha : undefined;
    const inMessage = commit === undefined && typeof f.message === 'string' ? /\badded in ([0-9a-f]{7,40})\b/.exec(f.message) : null;
    if (inMessage) {
      commit = inMessage[1];
      warn('history findings carry their commit only in the message text ("added in <sha>"); add a `commit` field with the full 40-character sha');
    }
    return { rule: f.rule, path: relPath(root, f.path, warn), line: f.start.line, severity: f.severity, commit };
  });
}

/**
 * secretlint's JSON formatter: an array with one entry per scanned file, `{ filePath (absolute),
 * sourceContent (the whole file), messages: [{ ruleId, loc: { start: { line (1-based), column (0-based) } } }] }`.
 * The embedded contents make the report about as big as the tree, so they are cut out before parsing.
 */
function secretlintJsonFindings(file, root) {
  const buffer = readFileSync(file);
  const key = Buffer.from('"sourceContent":"');
  const parts = [];
  let from = 0;
  for (let at = buffer.indexOf(key, from); at !== -1; at = buffer.indexOf(key, from)) {
    parts.push(buffer.subarray(from, at));
    let end = at + key.length;
    for (;;) {
      end = buffer.indexOf(0x22, end);
      if (end === -1) throw new Error(`secretlint JSON in ${file}: unterminated sourceContent`);
      let slashes = 0;
      while (buffer[end - 1 - slashes] === 0x5c) slashes++;
      if (slashes % 2 === 0) break;
      end++;
    }
    from = end + 1;
    if (buffer[from] === 0x2c) from++;
  }
  parts.push(buffer.subarray(from));
  let report;
  try {
    report = JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch (error) {
    throw new Error(`secretlint did not write parseable JSON to ${file}: ${error.message}`);
  }
  if (!Array.isArray(report)) throw new Error(`secretlint JSON in ${file} is not an array`);
  const findings = [];
  for (const entry of report) {
    for (const message of entry.messages ?? []) findings.push({ rule: message.ruleId, path: relPath(root, entry.filePath), line: message.loc?.start?.line });
  }
  return { findings, filesReported: report.length };
}

/** secretlint's unix formatter: `path:line:col: [messageId] message [Error/preset > ruleId]`. */
function secretlintUnixFindings(file, root) {
  const findings = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(.+?):(\d+):(\d+): .*\[(?:Error|Warning|Info)\/([^\]]+)\]$/.exec(line);
    if (match) findings.push({ rule: match[4].split(' > ').at(-1), path: relPath(root, match[1]), line: Number(match[2]) });
  }
  return findings;
}

/** Truth lines found, and findings on lines that hold no planted secret. */
function score(findings, truth) {
  const byPath = new Map();
  for (const t of truth) byPath.set(t.path, [...(byPath.get(t.path) ?? []), t]);
  const found = new Set();
  const falseLines = new Map();
  let fileLevel = 0;
  for (const f of findings) {
    if (f.rule?.startsWith('secret-file/')) {
      fileLevel++;
      if (!byPath.has(f.path)) falseLines.set(`${f.path} (file name)`, [...(falseLines.get(`${f.path} (file name)`) ?? []), f.rule]);
      continue;
    }
    const hits = (byPath.get(f.path) ?? []).filter((t) => f.line >= (t.lines?.[0] ?? t.line) && f.line <= (t.lines?.[1] ?? t.line));
    if (hits.length) for (const t of hits) found.add(t);
    else falseLines.set(`${f.path}:${f.line}`, [...(falseLines.get(`${f.path}:${f.line}`) ?? []), f.rule]);
  }
  const vendorFalse = [...falseLines.keys()].filter((key) => key.startsWith('vendor/')).length;
  return { found, recall: found.size / truth.length, falseLines, falseCount: falseLines.size, vendorFalse, fileLevel, total: findings.length };
}


const verdict = (ok) => (ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL');
const pct = (x) => `${(x * 100).toFixed(1)}%`;
const mb = (kb) => (kb === undefined ? 'unavailable' : `${(kb / 1024).toFixed(0)} MB`);

/** Whether the built CLI has `cordon secrets` (and `--history`). */
function cordonSupport() {
  if (!existsSync(CLI)) return { secrets: false, history: false, why: `${CLI} not found` };
  const help = spawnSync(process.execPath, [CLI, 'secrets', '--help'], { encoding: 'utf8' });
  if (help.status !== 0) return { secrets: false, history: false, why: (help.stderr || help.stdout || '').trim().split('\n')[0] };
  return { secrets: true, history: /--history\b/.test(help.stdout), generic: /--include-generic\b/.test(help.stdout) };
}

function secretlintBin() {
  const require = createRequire(join(REPO, 'package.json'));
  let manifest;
  try {
    manifest = require.resolve('secretlint/package.json');
  } catch {
    throw new Error('secretlint is not installed; run `npm install` (it is a devDependency)');
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.secretlint;
  require.resolve('@secretlint/secretlint-rule-preset-recommend');
  return { path: join(dirname(manifest), bin), version: pkg.version };
}

// ---------------------------------------------------------------------------------------------
// History

const HISTORY_FILES = [
  { path: 'src/server.ts', style: 'ts' },
  { path: 'src/routes/orders.ts', style: 'ts' },
  { path: 'src/lib/cache.js', style: 'js' },
  { path: 'src/lib/mailer.js', style: 'js' },
  { path: 'scripts/deploy.py', style: 'py' },
  { path: 'scripts/backfill.py', style: 'py' },
  { path: 'config/app.yaml', style: 'yaml', header: 'settings:' },
  { path: 'config/staging.env', style: 'env' },
  { path: 'docs/operations.md', style: 'md', header: '# Operations' },
];

/** One unique-looking line of ordinary code in a file's style (no secrets, no secret-ish keywords). */
function historyLine(r, style, n) {
  const noun = r.pick(NOUNS);
  const verb = r.pick(VERBS);
  switch (style) {
    case 'ts':
    case 'js':
      return r.pick([`export const ${noun}Limit${n} = ${r.int(1, 5000)};`, `logger.debug('${verb} ${noun}', { id: ${r.int(1, 99999)} });`, `// ${cap(verb)} ${noun}s (ticket OPS-${n})`, `await ${verb}${cap(noun)}(ctx, ${r.int(1, 999)});`]);
    case 'py':
      return r.pick([`${noun.toUpperCase()}_LIMIT_${n} = ${r.int(1, 5000)}`, `log.info("${verb} ${noun} %d", ${r.int(1, 99999)})`, `# ${verb} ${noun}s (ticket OPS-${n})`]);
    case 'yaml':
      return `  ${noun}_${verb}_${n}: ${r.int(1, 5000)}`;
    case 'env':
      return `${noun.toUpperCase()}_${verb.toUpperCase()}_${n}=${r.int(1, 5000)}`;
    default:
      return `- ${cap(verb)} ${noun}s before step ${n}.`;
  }
}

function historySecretLine(style, kind, value) {
  const name = KINDS[kind].name;
  switch (style) {
    case 'ts':
    case 'js':
      return `export const ${name} = '${value}';`;
    case 'py':
      return `${name} = "${value}"`;
    case 'yaml':
      return `  ${name.toLowerCase()}: "${value}"`;
    case 'env':
      return `${name}=${value}`;
    default:
      return `    export ${name}=${value}`;
  }
}

/** Builds a repository of `commits` commits with git fast-import; returns its truth (commit, path, line) for planted secrets. */
function buildHistory(dir, commits, scratch) {
  const r = prng(HISTORY_SEED);
  let counter = 0;
  const files = HISTORY_FILES.map((spec) => ({
    ...spec,
    lines: [...(spec.header ? [{ text: spec.header, fixed: true }] : []), ...Array.from({ length: r.int(30, 80) }, () => ({ text: historyLine(r, spec.style, ++counter) }))],
  }));
  const plantCount = Math.max(3, Math.round(commits / 100));
  const plantAt = new Set();
  while (plantAt.size < Math.min(plantCount, Math.max(0, commits - 1))) plantAt.add(r.int(2, commits));
  const deleteAt = new Map();
  const planted = [];
  const chunks = [];
  const push = (text) => chunks.push(Buffer.from(text));
  const data = (text) => {
    const body = Buffer.from(text);
    chunks.push(Buffer.from(`data ${body.length}\n`), body, Buffer.from('\n'));
  };
  const editable = (file) => {
    for (let tries = 0; tries < 8; tries++) {
      const i = r.int(0, file.lines.length - 1);
      if (!file.lines[i].fixed && !file.lines[i].secret) return i;
    }
    return -1;
  };
  for (let c = 1; c <= commits; c++) {
    const changed = new Set(c === 1 ? files : []);
    const fresh = [];
    for (const entry of deleteAt.get(c) ?? []) {
      const file = files.find((f) => f.path === entry.path);
      file.lines.splice(file.lines.indexOf(entry.object), 1);
      entry.deleted = true;
      changed.add(file);
    }
    if (plantAt.has(c)) {
      const file = r.pick(files);
      const kind = r.pick(HISTORY_KINDS);
      const object = { text: historySecretLine(file.style, kind, KINDS[kind].gen(r)), secret: true };
      file.lines.splice(r.int(file.header ? 1 : 0, file.lines.length), 0, object);
      const entry = { mark: c, path: file.path, kind, object, deleted: false };
      planted.push(entry);
      fresh.push(entry);
      changed.add(file);
      if (r.chance(0.25)) {
        const when = c + r.int(1, Math.max(1, Math.floor(commits / 10)));
        if (when <= commits) deleteAt.set(when, [...(deleteAt.get(when) ?? []), entry]);
      }
    }
    if (c > 1) {
      for (let e = r.int(1, 3); e > 0; e--) {
        const file = r.pick(files);
        const op = file.lines.length > 120 ? r.pick(['delete', 'delete', 'replace']) : file.lines.length < 25 ? 'insert' : r.pick(['insert', 'replace', 'delete']);
        if (op === 'insert') file.lines.splice(r.int(file.header ? 1 : 0, file.lines.length), 0, { text: historyLine(r, file.style, ++counter) });
        else {
          const i = editable(file);
          if (i < 0) continue;
          if (op === 'replace') file.lines[i] = { text: historyLine(r, file.style, ++counter) };
          else file.lines.splice(i, 1);
        }
        changed.add(file);
      }
    }
    for (const entry of fresh) entry.line = files.find((f) => f.path === entry.path).lines.indexOf(entry.object) + 1;
    const when = 1700000000 + c * 613;
    push(`commit refs/heads/main\nmark :${c}\nauthor Bench Dev <dev@example.invalid> ${when} +0000\ncommitter Bench Dev <dev@example.invalid> ${when} +0000\n`);
    data(c === 1 ? 'Initial import' : `Update ${[...changed].map((f) => f.path).join(', ')} (#${c})`);
    for (const file of changed) {
      push(`M 100644 inline ${file.path}\n`);
      data(`${file.lines.map((l) => l.text).join('\n')}\n`);
    }
    push('\n');
  }
  const stream = Buffer.concat(chunks);
  const git = (args, input) => {
    const result = spawnSync('git', ['-C', dir, ...args], { input, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'], maxBuffer: 64 * MiB });
    if (result.error) throw new Error(`could not run git: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${(result.stderr || '').toString().trim()}`);
    return result.stdout?.toString() ?? '';
  };
  const marks = join(scratch, 'history.marks');
  const started = process.hrtime.bigint();
  mkdirSync(dir, { recursive: true });
  git(['-c', 'init.defaultBranch=main', 'init', '-q']);
  git(['fast-import', '--quiet', `--export-marks=${marks}`], stream);
  git(['reset', '--hard', '-q']);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const shaOf = new Map(readFileSync(marks, 'utf8').trim().split('\n').map((line) => [Number(line.split(' ')[0].slice(1)), line.split(' ')[1]]));
  const truth = planted.map(({ mark, path, kind, line, deleted }) => ({ commit: shaOf.get(mark), path, line, kind, deleted }));
  return { truth, ms, streamBytes: stream.length, commits };
}

function scoreHistory(findings, truth) {
  const found = new Set();
  const falseKeys = new Set();
  let noCommit = 0;
  for (const f of findings) {
    if (!f.commit) {
      noCommit++;
      continue;
    }
    const hits = truth.filter((t) => t.path === f.path && t.line === f.line && (t.commit === f.commit || (f.commit.length >= 7 && t.commit.startsWith(f.commit))));
    if (hits.length) for (const t of hits) found.add(t);
    else falseKeys.add(`${f.commit.slice(0, 10)}:${f.path}:${f.line}`);
  }
  return { found, falseKeys, noCommit };
}

// ---------------------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  selfTest();
  const secretlint = secretlintBin();
  const support = cordonSupport();
  const root = mkdtempSync(join(os.tmpdir(), 'cordon-secrets-bench-'));
  const tree = join(root, 'tree');
  const scratch = join(root, 'out');
  mkdirSync(tree);
  mkdirSync(scratch);
  let failed = false;
  try {
    // ----- tree and planted secrets
    const builtAt = process.hrtime.bigint();
    const vendor = buildVendor(tree, options.sizeMib * MiB);
    const planter = new Planter(prng(SEED));
    plantApp(planter, pemKeys());
    plantVendor(planter, vendor.packages);
    planter.write(tree);
    writeFileSync(join(tree, '.secretlintrc.json'), `${JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] })}\n`);
    const truth = planter.truth;
    writeFileSync(join(root, 'truth.json'), `${JSON.stringify(truth, null, 1)}\n`);
    writeFileSync(join(root, 'decoys.json'), `${JSON.stringify(planter.decoys, null, 1)}\n`);
    const stats = treeStats(tree);
    const mib = stats.bytes / MiB;
    const buildMs = Number(process.hrtime.bigint() - builtAt) / 1e6;
    const kinds = new Set(truth.map((t) => t.kind));
    const inVendor = truth.filter((t) => t.path.startsWith('vendor/')).length;
    console.log(`tree: ${stats.files.toLocaleString('en-US')} files, ${mib.toFixed(1)} MiB in ${tree} [${(buildMs / 1000).toFixed(1)} s]`);
    console.log(`  vendor/: ${vendor.files.toLocaleString('en-US')} files copied from ${vendor.packages.length} packages (${(vendor.roundBytes / MiB).toFixed(1)} MiB per copy, ${vendor.rounds} round${vendor.rounds > 1 ? 's' : ''}) out of ${vendor.sources.join(', ')}`);
    console.log(`  planted: ${truth.length} secrets of ${kinds.size} kinds in ${new Set(truth.map((t) => t.path)).size} files (${truth.length - inVendor} under app/, ${inVendor} in new files under vendor/), ${planter.decoys.length} decoys; truth in ${join(root, 'truth.json')} (outside the tree)`);

    const withTime = timeAvailable(scratch);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), load ${os.loadavg()[0].toFixed(2)}; secretlint ${secretlint.version}; 1 warm-up + ${options.runs} runs each, interleaved`);
    if (!withTime) console.log(`peak RSS: unavailable (${TIME} with GNU -f/-o support not found)`);
    if (!support.secrets) {
      console.log(`cordon secrets is not built (${support.why}); measuring secretlint only`);
      failed = true;
    }

    // ----- runs
    const warnings = new Set();
    const runCordon = (i, extra = []) => {
      const output = join(scratch, `cordon-${i}.json`);
      const run = timed([CLI, 'secrets', tree, '--format', 'json', '--exit-zero', '--output', output, ...extra], { cwd: REPO, memFile: join(scratch, `cordon-${i}.time`), withTime, timeoutS: options.timeoutS });
      return { ...run, findings: cordonFindings(output, tree, warnings) };
    };
    const runSecretlint = (i, format = 'json') => {
      const output = join(scratch, `secretlint-${i}.${format === 'json' ? 'json' : 'txt'}`);
      const run = timed([secretlint.path, '**/*', '--format', format, '--output', output], { cwd: tree, memFile: join(scratch, `secretlint-${i}.time`), withTime, timeoutS: options.timeoutS, okStatus: [0, 1] });
      const parsed = format === 'json' ? secretlintJsonFindings(output, tree) : { findings: secretlintUnixFindings(output, tree) };
      rmSync(output, { force: true });
      return { ...run, ...parsed };
    };
    const runs = { cordon: [], secretlint: [] };
    const show = (label, i, run) => console.log(`  ${label} ${i === 0 ? 'warm-up' : `run ${i}`}: ${(run.ms / 1000).toFixed(2)} s${run.cpuS !== undefined ? `, ${run.cpuS.toFixed(1)} s CPU` : ''}${run.rssKb !== undefined ? `, ${mb(run.rssKb)} RSS` : ''}, ${run.findings.length} findings`);
    for (let i = 0; i <= options.runs; i++) {
      if (support.secrets) {
        const run = runCordon(i);
        show('cordon    ', i, run);
        if (i > 0) runs.cordon.push(run);
        else if (run.stderr.trim()) console.log(`    cordon stderr: ${run.stderr.trim().split('\n').slice(0, 5).join('\n    ')}`);
      }
      const run = runSecretlint(i);
      show('secretlint', i, run);
      if (i > 0) runs.secretlint.push(run);
      else if (run.filesReported !== undefined) console.log(`    secretlint reported ${run.filesReported.toLocaleString('en-US')} scanned files`);
    }
    const unix = runSecretlint('unix', 'unix');
    show('secretlint --format unix, reference', 1, unix);
    const generic = support.secrets && support.generic ? runCordon('generic', ['--include-generic']) : undefined;
    if (generic) show('cordon --include-generic, reference', 1, generic);
    for (const warning of warnings) console.log(`warning: cordon ${warning}`);

    const summarize = (list) => {
      if (!list.length) return undefined;
      const keys = new Set(list.map((run) => run.findings.map((f) => `${f.path}:${f.line}:${f.rule}`).sort().join('|')));
      if (keys.size > 1) console.log('warning: findings differ between runs');
      const med = median(list.map((run) => run.ms));
      return {
        med,
        times: list.map((run) => (run.ms / 1000).toFixed(2)).join(' / '),
        cpu: list.every((run) => run.cpuS !== undefined) ? median(list.map((run) => run.cpuS)) : undefined,
        rssKb: list.every((run) => run.rssKb !== undefined) ? Math.max(...list.map((run) => run.rssKb)) : undefined,
        mibs: mib / (med / 1000),
        score: score(list[0].findings, truth),
      };
    };
    const c = summarize(runs.cordon);
    const s = summarize(runs.secretlint);
    const su = { med: unix.ms, mibs: mib / (unix.ms / 1000), score: score(unix.findings, truth) };
    if (su.score.total !== s.score.total) console.log(`warning: secretlint's unix output has ${su.score.total} findings, its JSON ${s.score.total}`);

    const na = 'not built';
    // Generic keyword-plus-entropy detection is opt-in (--include-generic), so the default run is
    // scored on the format-specific kinds and the opt-in run on everything.
    const specific = truth.filter((t) => !t.kind.startsWith('generic-'));
    const cSpecific = c ? score(runs.cordon[0].findings, specific) : undefined;
    const sSpecific = score(runs.secretlint[0].findings, specific);
    const g = generic ? score(generic.findings, truth) : undefined;
    const ratio = c ? c.mibs / s.mibs : undefined;
    const coreNote = cores === TARGET_CORES ? '' : ` (${cores} cores here)`;
    console.log('');
    console.log(
      table([
        ['metric', 'cordon', `secretlint ${secretlint.version}`, 'target (cordon)', 'result'],
        ['wall time, median', c ? `${(c.med / 1000).toFixed(2)} s` : na, `${(s.med / 1000).toFixed(2)} s`, `< ${TARGET_MS / 1000} s on ${TARGET_CORES} cores${coreNote}`, verdict(c && c.med < TARGET_MS)],
        ['wall time, runs', c ? c.times : na, s.times, '', ''],
        ['CPU time (user+sys), median', c?.cpu !== undefined ? `${c.cpu.toFixed(1)} s` : c ? 'unavailable' : na, s.cpu !== undefined ? `${s.cpu.toFixed(1)} s` : 'unavailable', '', ''],
        ['throughput', c ? `${c.mibs.toFixed(1)} MiB/s` : na, `${s.mibs.toFixed(1)} MiB/s`, `>= ${TARGET_MIBS} MiB/s`, verdict(c && c.mibs >= TARGET_MIBS)],
        ['throughput vs secretlint', ratio ? `${ratio.toFixed(1)}x` : na, '1.0x', `>= ${TARGET_RATIO}x`, verdict(ratio && ratio >= TARGET_RATIO)],
        ['peak RSS, max of runs', c ? mb(c.rssKb) : na, mb(s.rssKb), `< ${TARGET_MB} MB`, verdict(c && (c.rssKb === undefined ? undefined : c.rssKb / 1024 < TARGET_MB))],
        ['recall, format-specific kinds (default run)', c ? `${cSpecific.found.size}/${specific.length} (${pct(cSpecific.recall)})` : na, `${sSpecific.found.size}/${specific.length} (${pct(sSpecific.recall)})`, `>= ${pct(TARGET_RECALL)}`, verdict(c && cSpecific.recall >= TARGET_RECALL)],
        ['recall, all kinds (cordon --include-generic)', g ? `${g.found.size}/${truth.length} (${pct(g.recall)})` : na, `${s.score.found.size}/${truth.length} (${pct(s.score.recall)})`, `>= ${pct(TARGET_RECALL)}`, verdict(g && g.recall >= TARGET_RECALL)],
        ['false positives in vendor/ (lines)', c ? String(c.score.vendorFalse) : na, String(s.score.vendorFalse), '0', verdict(c && c.score.vendorFalse === 0)],
        ['false positives, all (lines)', c ? String(c.score.falseCount) : na, String(s.score.falseCount), '', ''],
        ['findings (all severities)', c ? String(c.score.total) : na, String(s.score.total), '', ''],
        ['  of which secret-file/* (file names)', c ? String(c.score.fileLevel) : na, '-', '', ''],
      ]),
    );
    console.log('Recall counts line findings only; secret-file/* findings (file names) count neither toward recall nor, on planted files, as false positives.');
    console.log(`secretlint with --format unix (1 run, reference): ${(su.med / 1000).toFixed(2)} s, ${su.mibs.toFixed(1)} MiB/s${c ? `; cordon is ${(c.mibs / su.mibs).toFixed(1)}x that` : ''}. The JSON formatter embeds every scanned file's text in the report.`);

    if (generic && g) {
      console.log(`cordon with --include-generic (1 run, reference): ${(generic.ms / 1000).toFixed(2)} s, recall ${g.found.size}/${truth.length} (${pct(g.recall)}), false positives ${g.falseCount} (${g.vendorFalse} in vendor/).`);
    }

    // ----- per kind
    const kindRows = [['kind', 'planted', 'cordon', 'secretlint']];
    for (const kind of [...kinds].sort()) {
      const planted = truth.filter((t) => t.kind === kind);
      const count = (sc) => planted.filter((t) => sc.found.has(t)).length;
      kindRows.push([kind, String(planted.length), c ? String(count(c.score)) : '-', String(count(s.score))]);
    }
    console.log(`\nrecall by kind:\n${table(kindRows)}`);
    const list = (label, sc) => {
      const missed = truth.filter((t) => !sc.found.has(t));
      if (missed.length) console.log(`${label} missed ${missed.length}: ${missed.map((t) => `${t.kind} (${t.path}:${t.line})`).join(', ')}`);
      const fps = [...sc.falseLines.entries()];
      if (fps.length) console.log(`${label} false positives ${fps.length}${fps.length > 25 ? ' (first 25)' : ''}: ${fps.slice(0, 25).map(([key, rules]) => `${key} [${[...new Set(rules)].join(', ')}]`).join(', ')}`);
    };
    console.log('');
    if (c) list('cordon', c.score);
    list('secretlint', s.score);

    // ----- history
    if (options.historyCommits > 0) {
      console.log(`\nhistory: ${options.historyCommits} commits`);
      const repo = join(root, 'history');
      const history = buildHistory(repo, options.historyCommits, scratch);
      writeFileSync(join(root, 'history-truth.json'), `${JSON.stringify(history.truth, null, 1)}\n`);
      const deleted = history.truth.filter((t) => t.deleted).length;
      console.log(`  built ${repo} with git fast-import (${(history.streamBytes / MiB).toFixed(1)} MiB stream) in ${(history.ms / 1000).toFixed(1)} s; ${history.truth.length} secrets planted in history, ${deleted} deleted later, ${history.truth.length - deleted} still in HEAD`);
      if (!support.secrets || !support.history) {
        console.log(`  cordon secrets --history is not built; history not measured`);
        failed = true;
      } else {
        const historyWarnings = new Set();
        const hruns = [];
        for (let i = 0; i <= options.runs; i++) {
          const output = join(scratch, `history-${i}.json`);
          const run = timed([CLI, 'secrets', repo, '--history', '--format', 'json', '--exit-zero', '--output', output], { cwd: REPO, memFile: join(scratch, `history-${i}.time`), withTime, timeoutS: options.timeoutS });
          const findings = cordonFindings(output, repo, historyWarnings);
          show('cordon --history', i, { ...run, findings });
          if (i > 0) hruns.push({ ...run, findings });
        }
        for (const warning of historyWarnings) console.log(`warning: cordon --history ${warning}`);
        const hs = scoreHistory(hruns[0].findings, history.truth);
        const foundDeleted = [...hs.found].filter((t) => t.deleted).length;
        const rssKb = hruns.every((run) => run.rssKb !== undefined) ? Math.max(...hruns.map((run) => run.rssKb)) : undefined;
        console.log(
          table([
            ['history metric', 'cordon'],
            ['wall time, median', `${(median(hruns.map((run) => run.ms)) / 1000).toFixed(2)} s (${hruns.map((run) => (run.ms / 1000).toFixed(2)).join(' / ')})`],
            ['peak RSS, max of runs', mb(rssKb)],
            ['findings', String(hruns[0].findings.length)],
            ['recall (commit + path + line)', `${hs.found.size}/${history.truth.length} (${pct(hs.found.size / Math.max(1, history.truth.length))})`],
            ['  of secrets deleted later', `${foundDeleted}/${deleted}`],
            ['findings without a commit', String(hs.noCommit)],
            ['false positives (with a commit)', String(hs.falseKeys.size)],
          ]),
        );
        const missed = history.truth.filter((t) => !hs.found.has(t));
        if (missed.length) console.log(`history missed ${missed.length}: ${missed.slice(0, 20).map((t) => `${t.kind} (${t.commit.slice(0, 10)}:${t.path}:${t.line})`).join(', ')}`);
        if (hs.falseKeys.size) console.log(`history false positives: ${[...hs.falseKeys].slice(0, 20).join(', ')}`);
      }
    }
  } finally {
    if (options.keep) console.log(`\nkept ${root} (tree/, history/, out/, truth.json, history-truth.json, decoys.json)`);
    else rmSync(root, { recursive: true, force: true });
  }
  if (failed) {
    process.stderr.write('bench:secrets: cordon secrets is not built; cordon was not measured\n');
    process.exitCode = 1;
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:secrets: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
