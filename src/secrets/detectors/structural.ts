// Detectors for secrets recognised by their structure: private keys, JWTs and credentials inside URLs and config files.
//
// Private keys are validated offline: node:crypto must parse the unencrypted PEM kinds, and the
// kinds it cannot parse (encrypted, OpenSSH, OpenPGP) must decode to their container's structure.
// All true positives are random or freshly generated throwaway keys (see sample-keys.ts), split
// or templated so that this file itself holds no contiguous secret.

import { createPrivateKey } from 'node:crypto';
import type { Detector } from '../detector.js';
import { defineDetectors } from '../detector.js';
import { base64Bytes, base64Json, crc24, isDerSequence, isOpensshKey, isPgpSecretKeyPacket } from './formats.js';
import { sample } from './patterns.js';
import {
  DSA_PKCS8,
  EC_ENCRYPTED_PKCS8,
  EC_PKCS8,
  EC_SEC1,
  ED25519_PKCS8,
  OPENSSH_ED25519,
  PGP_ED25519,
  PUTTY_V2_RSA,
  PUTTY_V3_RSA,
  RSA_ENCRYPTED_PKCS1,
  RSA_PKCS1,
  RSA_PKCS8,
} from './sample-keys.js';

const FAKE = {
  jwtHs256:
    'eyJ' +
    'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfWnZiNFRpVVRGblVtIiwicm9sZSI6InNlcnZpY2UiLCJpYXQiOjE3OTUzMTkzODAsImV4cCI6MTc5NTMyMjk4MH0.4PwCaRvei3ihjaaaY15nAbkyLvBN-oTAwFZTJKXf9Wg',
  jwtRs256:
    'eyJ' +
    'hbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImFjZThjODg4YjMzMTgzY2QifQ.eyJpc3MiOiJodHRwczovL2F1dGguaW50ZXJuYWwuYWNtZS5pby8iLCJhdWQiOiJiaWxsaW5nLWFwaSIsInN1YiI6IjgzMjMzNTE5Mjg2NTM3Nzc1NCIsImlhdCI6MTc5NTMxOTM4MCwiZXhwIjoxNzk1MzIwMjgwfQ._50Y7KPq0P-2eE7zBZ-jq8M_djm4-rtRgKvXrsGhh1KDA3M-PEyBjbqUkhgWM8QllpZhYBNKqTfeLHBoxL2R3DfF-nfyiQqDFq_THW89ynyyLfO0A6HK90Mcve-8cyq8Xm9DirRoAddGtTgnZ5-5nQZUWc1MunGN-x6SuaNVqLisQ9d8MZxPCqG4J1_tBoxfXNY6KBMOx6GODqi1rFpCDQlN8_4Fu5MXwsuMJoFj0e33JBz3TFTa_z0-mSF9S4U13aBSfxoiUfSV59HYoYcBdm1fHkRpV2rX5N2ZW96cS6YbnN1b7JOGJD7Bp_B4DFYtt4uFZSFpzYkIgBf3ifcZLA',
  pw1: 'QQ5Vove.du~R.0LH_W',
  pw2: 'ilwUQp-l8MnxmLb1lkJ&p-',
  pw3: 'iid4x-dnhhy%2BxIv',
  pw4: 'K7pq2Lz9vWx4',
  pw5: 'Zt8Lw1Rk5Nx9Pv',
  pw6: 'Tr0ub4dor-93x',
  pw7: 'Zt8Lw1Rk5Nx9PvQm3',
  random32: 'mkuZCgifzUJ8X4JSzHQ8_hIh56v6IO3E',
  uuid: '9313b68c-7e38-4b34-9579-4b585c486665',
  netrcUuid: '2b6f0d4c-8a2e-46b9-a1f3-7c5e0d9b8a21',
  npmAuth: 'ZGVwbG95ZXI6' + 'dDZNdnNTcFFaTFJ0NEpIdjlE',
  basicAuth: 'Y2ktYm90Oj' + 'RFbkV2YVdLb3d3RUc4MG1vOEd2',
} as const;

/** A PEM body split into its `Name: value` headers and its base64 payload, escaped newlines (`\n` in JSON) undone. */
function pemParts(body: string): { headers: Map<string, string>; lines: string[] } {
  const headers = new Map<string, string>();
  const lines: string[] = [];
  for (const raw of body.replace(/\\r/g, '').replace(/\\n/g, '\n').split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const header = lines.length === 0 ? /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line) : null;
    if (header) headers.set((header[1] ?? '').toLowerCase(), header[2] ?? '');
    else lines.push(line);
  }
  return { headers, lines };
}

/** True when the PEM block holds key material of its declared kind (see the file comment for how each kind is checked). */
function isPrivateKeyBlock(kind: string, body: string): boolean {
  const { headers, lines } = pemParts(body);
  const pgp = kind.startsWith('PGP ');
  const checksum = pgp && lines.at(-1)?.startsWith('=') ? lines.pop()?.slice(1) : undefined;
  const payload = lines.join('');
  const bytes = base64Bytes(payload);
  if (!bytes || bytes.length < 32) return false;
  if (pgp) {
    if (!isPgpSecretKeyPacket(bytes)) return false;
    const expected = checksum === undefined ? undefined : base64Bytes(checksum);
    return expected === undefined || (expected.length === 3 && expected.readUIntBE(0, 3) === crc24(bytes));
  }
  if (kind.endsWith(' BLOCK')) return false;
  if (kind === 'OPENSSH PRIVATE KEY') return isOpensshKey(bytes);
  if (kind === 'ENCRYPTED PRIVATE KEY') return isDerSequence(bytes);
  if (/ENCRYPTED/i.test(headers.get('proc-type') ?? '')) {
    // Legacy OpenSSL encryption: a CBC ciphertext, so only the cipher header and the block size can be checked.
    return /^[A-Z0-9-]+,[0-9A-Fa-f]{16,32}$/.test(headers.get('dek-info') ?? '') && bytes.length % 8 === 0;
  }
  const rebuilt = `-----BEGIN ${kind}-----\n${payload.match(/.{1,64}/g)?.join('\n')}\n-----END ${kind}-----\n`;
  try {
    createPrivateKey({ key: rebuilt, format: 'pem' });
    return true;
  } catch {
    return false;
  }
}

/** A PuTTY key file whose line counts match its headers and whose public blob names the declared algorithm. */
function isPuttyKey(_secret: string, match: RegExpExecArray): boolean {
  const groups = match.groups ?? {};
  const pub = (groups.pub ?? '').split(/\r?\n/).filter(Boolean);
  const priv = (groups.priv ?? '').split(/\r?\n/).filter(Boolean);
  if (pub.length !== Number(groups.publines) || priv.length !== Number(groups.privlines)) return false;
  const publicBlob = base64Bytes(pub.join(''));
  const privateBlob = base64Bytes(priv.join(''));
  if (!publicBlob || !privateBlob || publicBlob.length < 8 || privateBlob.length < 16) return false;
  const nameLength = publicBlob.readUInt32BE(0);
  if (publicBlob.subarray(4, 4 + nameLength).toString('latin1') !== groups.alg) return false;
  return groups.enc === 'none' || privateBlob.length % 16 === 0;
}

/** Documentation JWTs: jwt.io's sample (`"sub": "1234567890", "name": "John Doe"`) and its relatives. */
const SAMPLE_JWT_CLAIMS = /1234567890|"(?:john|jane) doe"|example\.(?:com|org|net)|dummy|placeholder/i;

/**
 * A JWS in compact form: the header decodes to a JSON object with `alg`, the payload to JSON.
 * Decision: unsigned tokens (`alg: none`, empty signature) are not reported. They grant nothing to a
 * correctly configured server and are common as test fixtures; a signed token is a bearer credential.
 */
function isSignedJwt(secret: string): boolean {
  const [header, payload, signature] = secret.split('.');
  const head = base64Json(header ?? '');
  const claims = base64Json(payload ?? '');
  if (typeof head?.alg !== 'string' || head.alg.toLowerCase() === 'none' || !claims || !signature) return false;
  return !SAMPLE_JWT_CLAIMS.test(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
}

const NOT_A_PASSWORD = /^(?:pass(?:word|wd)?|pwd|pw|secret|user(?:name)?|my-?pass(?:word)?|null|none|undefined|empty|x+|\*+|\.+|-+|\?+)$/i;

/**
 * Passwords found in URLs and config lines that only stand in for one: the word `password`, a
 * templated value (`{password}`, `%(pw)s`, `:password`, `$PASS`), an environment variable's name
 * (`DB_PASSWORD`), a port (`host:5432@`), one to three characters (`a:b@host` in docs), a password
 * equal to its user name (`guest:guest`, the usual local-development default), or any password of
 * the `anonymous` user (anonymous FTP takes whatever is given).
 */
function isRealPassword(password: string, user?: string): boolean {
  const bare = password.replace(/^[{<[(]+|[}>\])]+$/g, '');
  if (bare.length < 4 || NOT_A_PASSWORD.test(bare)) return false;
  if (user !== undefined && (password.toLowerCase() === user.toLowerCase() || user.toLowerCase() === 'anonymous')) return false;
  if (/^\d{1,5}$/.test(password) || /^[A-Z]+(?:_[A-Z]+)+$/.test(password)) return false;
  return !/%\(\w*\)[sdv]|%[sdv](?![0-9A-Za-z])|^\{\w*\}$|^:\w+$|^\$\w+$|\$\{|\{\{|\$\(/.test(password);
}

/** A `Basic` credential that decodes to printable `user:password`, the password not a stand-in. */
function isBasicCredential(secret: string): boolean {
  const decoded = base64Bytes(secret)?.toString('latin1') ?? '';
  if (!/^[\x20-\x7e]+$/.test(decoded)) return false;
  const colon = decoded.indexOf(':');
  if (colon < 0 || colon === decoded.length - 1) return false;
  return isRealPassword(decoded.slice(colon + 1), decoded.slice(0, colon));
}

const AS_JSON = (pem: string): string => pem.replace(/\n/g, '\\n');

const privateKeys: Detector[] = [
  {
    id: 'private-key',
    description: 'private key in a pem block (rsa, ec, dsa, pkcs#8, encrypted, openssh or openpgp)',
    source: 'RFC 7468 (textual encodings: PKCS#8 and encrypted PKCS#8), RFC 8017 (PKCS#1 RSA), RFC 5915 (SEC1 EC), OpenSSH PROTOCOL.key, RFC 4880 §6.2 (OpenPGP armor).',
    keywords: ['-----begin'],
    pattern:
      /(?<secret>-----BEGIN (?<kind>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?<body>(?:[^-]|-(?!----)){16,16384}?)-----END \k<kind>-----)/g,
    validate: (_secret, match) => isPrivateKeyBlock(match.groups?.kind ?? '', match.groups?.body ?? ''),
    structured: true,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      RSA_PKCS1,
      RSA_PKCS8,
      EC_SEC1,
      EC_PKCS8,
      ED25519_PKCS8,
      DSA_PKCS8,
      EC_ENCRYPTED_PKCS8,
      RSA_ENCRYPTED_PKCS1,
      OPENSSH_ED25519,
      PGP_ED25519,
      { text: `{\n  "type": "service_account",\n  "private_key": "${AS_JSON(EC_PKCS8)}\\n",\n  "client_email": "ci@acme-prod.iam.gserviceaccount.com"\n}`, secret: AS_JSON(EC_PKCS8) },
      { text: `ssh_key: |\n  ${OPENSSH_ED25519.replace(/\n/g, '\n  ')}\n`, secret: OPENSSH_ED25519.replace(/\n/g, '\n  ') },
    ],
    falsePositives: [
      '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----',
      `-----BEGIN EC PRIVATE KEY-----\n${Buffer.from('this is not a key, only a test of the pem parser, padded out').toString('base64')}\n-----END EC PRIVATE KEY-----`,
      `${RSA_PKCS1.split('\n').slice(0, 8).join('\n')}\n-----END RSA PRIVATE KEY-----`,
      EC_SEC1.replace('-----END EC PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----'),
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${OPENSSH_ED25519.split('\n').slice(1, 3).join('\n')}\n-----END OPENSSH PRIVATE KEY-----`,
      PGP_ED25519.replace(/\n=[A-Za-z0-9+/]{4}\n/, '\n=AAAA\n'),
      "const pem = '-----BEGIN PRIVATE KEY-----\\n' + body + '\\n-----END PRIVATE KEY-----';",
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAtHAx5ymrgMu+Ch15uKjRcXDez/z\nQoOLs5yjPLhX0yXXNb6Vs639u3x+hteoXhzG7c+ljCLLYXY7eHqZKyLiww==\n-----END PUBLIC KEY-----',
    ],
  },
  {
    id: 'putty-private-key',
    description: 'putty private key file (.ppk)',
    source: 'PuTTY user manual, appendix C "PPK file format": PuTTY-User-Key-File-<version>, Encryption, Comment, Public-Lines, Private-Lines and Private-MAC lines.',
    keywords: ['putty-user-key-file-'],
    pattern:
      /(?<secret>PuTTY-User-Key-File-[23]: (?<alg>[\w@.-]{3,64})\r?\nEncryption: (?<enc>[\w-]{1,32})\r?\nComment: [^\r\n]{0,256}\r?\nPublic-Lines: (?<publines>\d{1,3})\r?\n(?<pub>(?:[A-Za-z0-9+/=]{1,128}\r?\n){1,64})(?:(?:Key-Derivation|Argon2-[\w-]{1,24}): [^\r\n]{1,128}\r?\n){0,8}Private-Lines: (?<privlines>\d{1,3})\r?\n(?<priv>(?:[A-Za-z0-9+/=]{1,128}\r?\n){1,256})Private-MAC: [0-9a-f]{40,64})/g,
    validate: isPuttyKey,
    structured: true,
    severity: 'high',
    confidence: 'high',
    truePositives: [PUTTY_V2_RSA, PUTTY_V3_RSA],
    falsePositives: [
      'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: example\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIBcbwgquY1QuxJgurIr4eDHzuUAuoVYvKZ5QpnYV1sRZ\nPrivate-Lines: 1\nAAAAIGZha2U=\nPrivate-MAC: 0000000000000000000000000000000000000000000000000000000000000000',
      PUTTY_V3_RSA.replace(/Public-Lines: \d+/, 'Public-Lines: 9'),
      PUTTY_V3_RSA.replace('PuTTY-User-Key-File-3: ssh-rsa', 'PuTTY-User-Key-File-3: ssh-dss'),
    ],
  },
];

const tokens: Detector[] = [
  {
    id: 'jwt',
    description: 'signed json web token',
    source: 'RFC 7519 (JWT) and RFC 7515 §7.1 (JWS compact serialization): three base64url segments, the header a JSON object with alg.',
    keywords: ['eyj'],
    pattern: /(?<![\w-]|[\w-]\.)eyJ[A-Za-z0-9_-]{8,1000}\.ey[A-Za-z0-9_-]{8,8000}\.[A-Za-z0-9_-]{16,1400}(?![\w-]|\.[\w-])/g,
    minEntropy: 4,
    validate: isSignedJwt,
    severity: 'medium',
    confidence: 'medium',
    truePositives: [FAKE.jwtHs256, sample('curl -H "Authorization: Bearer %s" https://billing.internal/api', FAKE.jwtRs256)],
    falsePositives: [
      // jwt.io's sample token
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      // alg none, no signature
      'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ1c3JfWnZiNFRpVVRGblVtIiwicm9sZSI6ImFkbWluIn0.',
      // header without alg
      'eyJ0eXAiOiJKV1QiLCJraWQiOiJhYmMxMjMifQ.eyJzdWIiOiJ1c3JfWnZiNFRpVVRGblVtIiwicm9sZSI6ImFkbWluIn0.4PwCaRvei3ihjaaaY15nAbkyLvBN-oTAwFZTJKXf9Wg',
      // segments that are not JSON
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfWnZiNFRpVVRGblVtIiwicm9sZSI6InNlcnZpY2UiLCJpYXQi.4PwCaRvei3ihjaaaY15nAbkyLvBN-oTAwFZTJKXf9Wg',
    ],
  },
];

const URL_SCHEMES_DB = 'postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|ftps?|sftp|smtps?';

/**
 * `scheme://user:password@host`: the user may be empty (`redis://:pw@host`), the password runs to
 * the last `@`. The match starts at the literal `://`, which the engine finds fast, and a lookbehind
 * checks the scheme: ten times faster than trying the scheme list at every position.
 */
function urlWithPassword(schemes: string): RegExp {
  return new RegExp(
    `://(?<=(?<![\\w+.-])(?:${schemes})://)(?<user>[^\\s:@/?#"'\`<>]{0,128}):(?<secret>[^\\s/?#"'\`<>]{1,256})@(?=\\[|(?<host>[\\w.-]{1,253}))`,
    'gi',
  );
}

/** RFC 2606 names reserved for documentation: `https://abc:xyz@example.com` is an illustration. */
const DOCUMENTATION_HOST = /(?:^|\.)example(?:\.(?:com|org|net))?$|\.(?:invalid|example)$/i;

function isUrlPassword(secret: string, match: RegExpExecArray): boolean {
  return !DOCUMENTATION_HOST.test(match.groups?.host ?? '') && isRealPassword(secret, match.groups?.user);
}

const credentials: Detector[] = [
  {
    id: 'database-url-password',
    description: 'password in a database, message-queue, ftp or smtp connection url',
    source: 'RFC 3986 §3.2.1 (user information in a URI) as used by libpq connection URIs, the MongoDB connection string format, and the mysql, redis, amqp, mssql, ftp and smtp URL schemes.',
    keywords: ['postgres://', 'postgresql://', 'mysql://', 'mariadb://', 'mongodb://', 'mongodb+srv://', 'redis://', 'rediss://', 'amqp://', 'amqps://', 'mssql://', 'sqlserver://', 'ftp://', 'ftps://', 'sftp://', 'smtp://', 'smtps://'],
    pattern: urlWithPassword(URL_SCHEMES_DB),
    validate: isUrlPassword,
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('DATABASE_URL=postgres://app:%s@db.internal:5432/app', FAKE.pw1),
      sample('const uri = "mongodb+srv://ci-runner:%s@cluster0.x7k2m.mongodb.net/prod?retryWrites=true";', FAKE.pw2),
      sample("REDIS_URL: 'redis://:%s@cache.acme.internal:6379/0'", FAKE.pw3),
      sample('mysql://root:%s@127.0.0.1:3306/shop', FAKE.pw4),
      sample('amqps://orders:%s@mq.acme.io/vhost', FAKE.pw5),
    ],
    falsePositives: [
      'DATABASE_URL=postgres://app:${DB_PASSWORD}@db.internal:5432/app',
      'postgresql://user:password@localhost:5432/mydb',
      'mongodb://admin:pass@localhost:27017',
      'amqp://guest:guest@localhost:5672/',
      'redis://:****@cache:6379',
      'mysql://root:xxx@127.0.0.1/shop',
      'postgres://db.internal:5432/app',
      'postgres://app:$PGPASSWORD@db/app',
      "url = f'postgresql://{user}:{password}@{host}/{db}'",
      'mysql://user:<password>@host/db',
      'ftp://anonymous:guest%40acme.io@ftp.acme.io/pub',
    ],
  },
  {
    id: 'http-url-password',
    description: 'password or token in the user-info part of an http(s) url',
    source: 'RFC 3986 §3.2.1 (user information in a URI) and RFC 7617 (HTTP Basic credentials), as used in git remote and registry URLs.',
    keywords: ['http://', 'https://'],
    pattern: urlWithPassword('(?:git\\+)?https?'),
    validate: isUrlPassword,
    severity: 'medium',
    confidence: 'medium',
    truePositives: [
      sample('git remote add origin https://deploy:%s@git.acme.internal/platform/api.git', FAKE.random32),
      sample('pip install --index-url https://ci:%s@pypi.acme.internal/simple pkg', FAKE.pw6),
    ],
    falsePositives: [
      'https://${GITHUB_ACTOR}:${GITHUB_TOKEN}@github.com/org/repo.git',
      'https://x-access-token:${{ secrets.GITHUB_TOKEN }}@github.com/org/repo',
      'https://user:password@example.com/path',
      'https://registry.npmjs.org:443/pkg',
      'http://localhost:8080/login?next=@home',
      'https://username:pass@host.internal',
      "const options = new URL('https://abc:xyz@example.com');",
      "href: 'https://a:b@xn--g6w251d/?abc#foo',",
    ],
  },
  {
    id: 'jdbc-url-password',
    description: 'password parameter in a jdbc url',
    source: 'JDBC driver docs: PostgreSQL pgJDBC and MySQL Connector/J (password= URL property after ? or &) and Microsoft JDBC for SQL Server (password= after ;).',
    keywords: ['jdbc:'],
    pattern: /\bjdbc:[a-z][\w+-]{1,30}:[^\s"'`<>]{1,300}?[?&;]password=(?<secret>[^;&\s"'`<>]{1,128})/gi,
    validate: (secret) => isRealPassword(secret),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('spring.datasource.url=jdbc:postgresql://db.internal:5432/app?user=app&password=%s&ssl=true', FAKE.pw4),
      sample('jdbc:sqlserver://sql.acme.internal:1433;databaseName=orders;user=svc_orders;password=%s;encrypt=true', FAKE.pw5),
    ],
    falsePositives: [
      'jdbc:postgresql://db.internal:5432/app?user=app&password=${DB_PASSWORD}',
      'jdbc:mysql://localhost:3306/test?user=root&password=password',
      'jdbc:postgresql://db.internal:5432/app?user=app',
    ],
  },
  {
    id: 'ado-connection-string-password',
    description: 'password keyword in an ado.net-style connection string',
    source: 'Microsoft .NET docs, "Connection string syntax": semicolon-separated keywords, the password given as Password= or Pwd= after Server, Data Source, User ID and the like.',
    keywords: ['password=', 'pwd='],
    pattern:
      /(?<![\w-])(?:server|data source|host|addr|address|user id|uid|database|initial catalog)=[^\r\n"'`<>]{1,300}?;[ \t]{0,2}(?:password|pwd)=(?<secret>[^;\s"'`<>]{1,128})/gi,
    validate: (secret) => isRealPassword(secret),
    severity: 'high',
    confidence: 'medium',
    truePositives: [
      sample('"DefaultConnection": "Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=shop_app;Password=%s;Encrypt=True;"', FAKE.pw2),
      sample("conn = pyodbc.connect('DRIVER={ODBC Driver 18 for SQL Server};SERVER=sql.acme.internal;DATABASE=orders;UID=svc;PWD=%s')", FAKE.pw5),
    ],
    falsePositives: [
      '"DefaultConnection": "Server=.;Database=shop;User Id=sa;Password={0};"',
      'Server=localhost;Database=test;User Id=sa;Password=password;',
      'Host=db;Database=app;Username=app;Password=DB_PASSWORD',
      'reset_url = "/account?token=abc&password=new"',
      '<input type="password" name="password" value="">',
    ],
  },
  {
    id: 'npmrc-auth-token',
    description: 'npm or yarn registry credential in an .npmrc or .yarnrc.yml',
    source: 'npm docs, "npmrc" (auth-related configuration: _authToken, _auth, _password, scoped to //registry/) and Yarn docs, ".yarnrc.yml" (npmAuthToken, npmAuthIdent).',
    keywords: ['_auth', '_password', 'npmauth'],
    pattern:
      /(?<![^\s"'])(?:\/\/[^\s=]{1,256}:)?(?:_(?<key>authToken|auth|password)[ \t]{0,4}=|npmAuth(?:Token|Ident)[ \t]{0,4}:)[ \t]{0,4}["']?(?<secret>[^\s"'#]{8,2048})/g,
    minEntropy: 3,
    validate: (secret, match) => {
      // `_authToken=MYTOKEN1`-style stand-ins in documentation are upper-case words, not tokens.
      if (/^[A-Z][A-Z0-9_]*$/.test(secret)) return false;
      if (match.groups?.key !== 'auth') return isRealPassword(secret);
      const decoded = base64Bytes(secret)?.toString('latin1') ?? '';
      return /^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded) && isRealPassword(decoded.slice(decoded.indexOf(':') + 1));
    },
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('//npm.pkg.acme.internal/:_authToken=%s', FAKE.uuid),
      sample('registry=https://registry.acme.internal/\n_auth=%s\nalways-auth=true', FAKE.npmAuth),
      sample('  npmAuthToken: "%s"', FAKE.random32),
    ],
    falsePositives: [
      '//somewhere-else.com/myorg/:_authToken=MYTOKEN1',
      '//registry.npmjs.org/:_authToken=${NPM_TOKEN}',
      '_auth=bm90LWJhc2U2NC1jcmVkZW50aWFscw==',
      'basic_auth=Zt8Lw1Rk5Nx9PvQm3Zt8',
      '//registry.npmjs.org/:_authToken=YOUR_NPM_TOKEN',
    ],
  },
  {
    id: 'netrc-password',
    description: 'password in a .netrc machine entry',
    source: 'GNU Inetutils manual, "The .netrc file": machine <host> login <user> password <password> tokens, read by ftp, curl and git.',
    keywords: ['machine'],
    pattern: /\bmachine[ \t]+[^\s]{1,253}(?:\s+(?:account|port)[ \t]+[^\s]{1,256}){0,2}\s+login[ \t]+(?<user>[^\s]{1,256})(?:\s+(?:account|port)[ \t]+[^\s]{1,256}){0,2}\s+password[ \t]+(?<secret>[^\s"'`]{1,256})/g,
    validate: (secret, match) => isRealPassword(secret, match.groups?.user),
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('machine api.heroku.com login ci@acme.io password %s', FAKE.netrcUuid),
      sample('machine git.acme.internal\n  login deploy\n  password %s\n', FAKE.pw7),
    ],
    falsePositives: [
      'machine github.com login oauth password $GITHUB_TOKEN',
      'machine example.com login user password password',
      'the state machine moves to login, then password entry',
    ],
  },
  {
    id: 'basic-auth-header',
    description: 'http basic credentials in an authorization header',
    source: 'RFC 7617 "The Basic HTTP Authentication Scheme": Authorization: Basic base64(user-id ":" password).',
    keywords: ['authorization'],
    pattern: /(?<![\w-])authorization["']?[ \t]{0,3}[:=][ \t]{0,3}["']?basic[ \t]{1,4}(?<secret>[A-Za-z0-9+/]{8,1024}={0,2})(?![\w+/=-])/gi,
    validate: isBasicCredential,
    severity: 'high',
    confidence: 'high',
    truePositives: [
      sample('curl -H "Authorization: Basic %s" https://artifacts.acme.internal/', FAKE.basicAuth),
      sample("headers = {'Authorization': 'Basic %s'}", FAKE.npmAuth),
    ],
    falsePositives: [
      // username:password
      'Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=',
      'Authorization: Basic ${BASIC_CREDENTIALS}',
      // decodes to binary, not user:password
      'Authorization: Basic 4PwCaRvei3ihjaaaY15nAbky',
      "Authorization: Basic ' + btoa(user + ':' + pass)",
    ],
  },
];

export const STRUCTURAL_DETECTORS = defineDetectors([...privateKeys, ...tokens, ...credentials]);
