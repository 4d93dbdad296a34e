// Prints freshly generated, format-valid fake secrets for the detector tables: `npx vite-node test/helpers/generate-secret-samples.ts`.
//
// Nothing here is a real credential: every value is random, and the keys are generated on the spot
// and never used anywhere. The output was pasted, split after each prefix, into the `FAKE` maps of
// src/secrets/detectors/saas.ts, structural.ts and generic.ts, and the keys into sample-keys.ts.
// The OpenSSH, OpenPGP and PuTTY containers are built by hand here; ssh-keygen -y, gpg
// --list-packets and puttygen read them back.

import { createHash, createHmac, generateKeyPairSync, randomBytes, randomInt, type KeyObject } from 'node:crypto';

const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = DIGITS + UPPER + LOWER;
const URLSAFE = `${ALNUM}-_`;

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const b64 = (data: Buffer | string): string => Buffer.from(data).toString('base64');
const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const wrap = (text: string, width = 64): string => text.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? '';

/** SSH wire encodings (RFC 4251 §5). */
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const sshString = (data: Buffer | string): Buffer => {
  const bytes = Buffer.from(data);
  return Buffer.concat([u32(bytes.length), bytes]);
};
const mpint = (unsigned: Buffer): Buffer => {
  let bytes = unsigned;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1] ?? 0) < 0x80) bytes = bytes.subarray(1);
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return sshString(bytes);
};

function jwk(key: KeyObject): Record<string, string> {
  return key.export({ format: 'jwk' }) as Record<string, string>;
}
const fromB64url = (value: string | undefined): Buffer => Buffer.from(value ?? '', 'base64url');

/** An unencrypted OpenSSH private key file (PROTOCOL.key) around a fresh Ed25519 key. */
function opensshEd25519(): string {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = fromB64url(jwk(publicKey).x);
  const seed = fromB64url(jwk(privateKey).d);
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString('ci@cordon')]);
  for (let pad = 1; section.length % 8 !== 0; pad++) section = Buffer.concat([section, Buffer.from([pad])]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(b64(body), 70)}\n-----END OPENSSH PRIVATE KEY-----`;
}

/** CRC-24 of RFC 4880 §6.1, the armor checksum. */
function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** An armored OpenPGP v4 secret-key packet (RFC 4880 §5.5.3) holding a fresh, unprotected Ed25519 key. */
function pgpEd25519(): string {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pub = fromB64url(jwk(publicKey).x);
  const seed = fromB64url(jwk(privateKey).d);
  const mpi = (bytes: Buffer): Buffer => {
    const b = Buffer.alloc(2);
    let bits = bytes.length * 8;
    for (let top = bytes[0] ?? 0; bits > 0 && (top & 0x80) === 0 && top !== 0; top <<= 1) bits--;
    b.writeUInt16BE(bits);
    return Buffer.concat([b, bytes]);
  };
  const oid = Buffer.from('2b06010401da470f01', 'hex');
  const secret = mpi(seed);
  let sum = 0;
  for (const byte of secret) sum = (sum + byte) & 0xffff;
  const created = u32(Math.floor(Date.now() / 1000));
  const body = Buffer.concat([
    Buffer.from([4]),
    created,
    Buffer.from([22, oid.length]),
    oid,
    mpi(Buffer.concat([Buffer.from([0x40]), pub])),
    Buffer.from([0]),
    secret,
    Buffer.from([sum >> 8, sum & 0xff]),
  ]);
  const packet = Buffer.concat([Buffer.from([0xc5, body.length]), body]);
  const crc = Buffer.from([crc24(packet) >> 16, (crc24(packet) >> 8) & 0xff, crc24(packet) & 0xff]);
  return `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${wrap(b64(packet))}\n=${b64(crc)}\n-----END PGP PRIVATE KEY BLOCK-----`;
}

/** A PuTTY .ppk file (PuTTY manual, appendix C) around a fresh RSA key, unencrypted, with its MAC. */
function puttyRsa(version: 2 | 3): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const k = jwk(privateKey);
  const publicBlob = Buffer.concat([sshString('ssh-rsa'), mpint(fromB64url(k.e)), mpint(fromB64url(k.n))]);
  const privateBlob = Buffer.concat([mpint(fromB64url(k.d)), mpint(fromB64url(k.p)), mpint(fromB64url(k.q)), mpint(fromB64url(k.qi))]);
  const comment = 'deploy@ci-runner';
  const macData = Buffer.concat([sshString('ssh-rsa'), sshString('none'), sshString(comment), sshString(publicBlob), sshString(privateBlob)]);
  const mac =
    version === 3
      ? createHmac('sha256', Buffer.alloc(0)).update(macData).digest('hex')
      : createHmac('sha1', createHash('sha1').update('putty-private-key-file-mac-key').digest()).update(macData).digest('hex');
  const pubLines = wrap(b64(publicBlob)).split('\n');
  const privLines = wrap(b64(privateBlob)).split('\n');
  return [
    `PuTTY-User-Key-File-${version}: ssh-rsa`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${pubLines.length}`,
    ...pubLines,
    `Private-Lines: ${privLines.length}`,
    ...privLines,
    `Private-MAC: ${mac}`,
  ].join('\n');
}

function jwtHs256(): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const payload = b64url(JSON.stringify({ sub: `usr_${pick(ALNUM, 12)}`, role: 'service', iat: now, exp: now + 3600 }));
  const signature = createHmac('sha256', randomBytes(32)).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function jwtRs256(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: pick(HEX, 16) }));
  const now = Math.floor(Date.now() / 1000);
  const payload = b64url(JSON.stringify({ iss: 'https://auth.internal.acme.io/', aud: 'billing-api', sub: pick(DIGITS, 18), iat: now, exp: now + 900 }));
  const signature = createHmac('sha256', randomBytes(32)).update(privateKey.export({ format: 'pem', type: 'pkcs1' })).digest();
  return `${header}.${payload}.${b64url(Buffer.concat([signature, randomBytes(224)]))}`;
}

const discordSnowflake = (): string => `1${pick(DIGITS, 18)}`;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const dsa = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });

const samples: Record<string, string> = {
  rsaPkcs1: rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString().trim(),
  rsaPkcs8: rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  ecSec1: ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString().trim(),
  ecPkcs8: ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  ed25519Pkcs8: ed.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  dsaPkcs8: dsa.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString().trim(),
  ecEncryptedPkcs8: ec.privateKey
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: pick(ALNUM, 20) })
    .toString()
    .trim(),
  rsaEncryptedPkcs1: generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: pick(ALNUM, 20) })
    .toString()
    .trim(),
  openssh: opensshEd25519(),
  pgp: pgpEd25519(),
  puttyV2: puttyRsa(2),
  puttyV3: puttyRsa(3),
  jwtHs256: jwtHs256(),
  jwtRs256: jwtRs256(),

  slackBot: `xoxb-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(ALNUM, 24)}`,
  slackUser: `xoxp-${pick(DIGITS, 12)}-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(HEX, 32)}`,
  slackApp: `xapp-1-A${pick(DIGITS + UPPER, 10)}-${pick(DIGITS, 13)}-${pick(HEX, 64)}`,
  slackConfig: `xoxe.xoxp-1-${pick(ALNUM, 150)}`,
  slackRefresh: `xoxe-1-${pick(ALNUM, 140)}`,
  slackWebhook: `https://hooks.slack.com/services/T${pick(DIGITS + UPPER, 10)}/B${pick(DIGITS + UPPER, 10)}/${pick(ALNUM, 24)}`,
  stripeLive: `sk_live_51${pick(ALNUM, 97)}`,
  stripeLiveShort: `sk_live_${pick(ALNUM, 24)}`,
  stripeRestricted: `rk_live_51${pick(ALNUM, 97)}`,
  stripeTest: `sk_test_51${pick(ALNUM, 97)}`,
  stripeWebhook: `whsec_${pick(ALNUM, 32)}`,
  stripeWebhookCli: `whsec_${pick(HEX, 64)}`,
  sendgrid: `SG.${pick(URLSAFE, 22)}.${pick(URLSAFE, 43)}`,
  sendgrid2: `SG.${pick(URLSAFE, 22)}.${pick(URLSAFE, 43)}`,
  twilioKey: `SK${pick(HEX, 32)}`,
  twilioSid: `AC${pick(HEX, 32)}`,
  twilioAuth: pick(HEX, 32),
  twilioAuth2: pick(HEX, 32),
  mailgun: `key-${pick(HEX, 32)}`,
  mailgunNew: `${pick(HEX, 32)}-${pick(HEX, 8)}-${pick(HEX, 8)}`,
  mailchimp: `${pick(HEX, 32)}-us${randomInt(1, 22)}`,
  discordBot: `${b64url(discordSnowflake())}.${pick(URLSAFE, 6)}.${pick(URLSAFE, 38)}`,
  discordBotOld: `${b64url(discordSnowflake())}.${pick(URLSAFE, 6)}.${pick(URLSAFE, 27)}`,
  discordWebhook: `https://discord.com/api/webhooks/${discordSnowflake()}/${pick(URLSAFE, 68)}`,
  telegram: `${pick('123456789', 1)}${pick(DIGITS, 9)}:AA${pick(URLSAFE, 33)}`,
  huggingface: `hf_${pick(UPPER + LOWER, 34)}`,
  shopifyAccess: `shpat_${pick(HEX, 32)}`,
  shopifyCustom: `shpca_${pick(HEX, 32)}`,
  shopifyPrivate: `shppa_${pick(HEX, 32)}`,
  shopifySecret: `shpss_${pick(HEX, 32)}`,
  datadogApi: pick(HEX, 32),
  datadogApp: pick(HEX, 40),
  sentryDsn: `https://${pick(HEX, 32)}@o${pick(DIGITS, 6)}.ingest.us.sentry.io/${pick(DIGITS, 7)}`,
  sentryOrg: `sntrys_${b64(JSON.stringify({ iat: Date.now() / 1000, url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: 'acme-ci' })).replace(/=+$/, '')}_${pick(ALNUM + '+/', 43)}`,
  sentryUser: `sntryu_${pick(HEX, 64)}`,
  vaultService: `hvs.CAESI${pick(URLSAFE, 43)}Gh4KHGh2cy5${pick(ALNUM, 28)}`,
  vaultBatch: `hvb.AAAAAQ${pick(URLSAFE, 128)}`,
  grafanaServiceAccount: `glsa_${pick(ALNUM, 32)}_${pick(HEX, 8)}`,
  grafanaCloud: `glc_${b64(JSON.stringify({ o: pick(DIGITS, 6), n: `ci-${pick(LOWER, 6)}-read`, k: pick(ALNUM, 24), m: { r: 'prod-eu-west-2' } }))}`,
  grafanaApiKey: b64(JSON.stringify({ k: pick(ALNUM, 32), n: 'deploy-bot', id: randomInt(1, 99) })),
  databricks: `dapi${pick(HEX, 32)}`,
  databricks2: `dapi${pick(HEX, 32)}-2`,
  linear: `lin_api_${pick(ALNUM, 40)}`,
  notionLegacy: `secret_${pick(ALNUM, 43)}`,
  notion: `ntn_${pick(DIGITS, 11)}${pick(ALNUM, 35)}`,
  onepassword: `ops_${b64(
    JSON.stringify({
      signInAddress: 'acme.1password.com',
      userAuth: { method: 'SRPg-4096', alg: 'PBES2g-HS256', iterations: 650000, salt: pick(URLSAFE, 22) },
      email: `${pick(LOWER, 12)}@acme.1passwordserviceaccounts.com`,
      srpX: pick(HEX, 64),
      muk: { alg: 'A256GCM', ext: true, k: pick(URLSAFE, 43), key_ops: ['encrypt', 'decrypt'], kty: 'oct', kid: 'mp' },
      secretKey: `A3-${pick(DIGITS + UPPER, 6)}-${pick(DIGITS + UPPER, 6)}-${pick(DIGITS + UPPER, 5)}-${pick(DIGITS + UPPER, 5)}-${pick(DIGITS + UPPER, 5)}-${pick(DIGITS + UPPER, 5)}`,
      deviceUuid: pick(LOWER + DIGITS, 26),
    }),
  ).replace(/=+$/, '')}`,
  dopplerPersonal: `dp.pt.${pick(ALNUM, 43)}`,
  dopplerService: `dp.st.prd.${pick(ALNUM, 43)}`,
  pulumi: `pul-${pick(HEX, 40)}`,
  postman: `PMAK-${pick(HEX, 24)}-${pick(HEX, 34)}`,
  terraform: `${pick(ALNUM, 14)}.atlasv1.${pick(ALNUM, 67)}`,
  fly: `fo1_${pick(URLSAFE, 43)}`,
  netlify: pick(URLSAFE, 43),
  vercel: pick(ALNUM, 24),
  newrelicUser: `NRAK-${pick(DIGITS + UPPER, 27)}`,
  newrelicLicense: `${pick(HEX, 36)}NRAL`,
  okta: `00${pick(URLSAFE, 40)}`,
  password1: pick(`${ALNUM}!#%&*+-_.~`, 18),
  password2: pick(`${ALNUM}!#%&*+-_.~`, 22),
  password3: pick(`${ALNUM}!#%&*+-_.~`, 16),
  urlsafe32: pick(URLSAFE, 32),
  alnum40: pick(ALNUM, 40),
  hex64: pick(HEX, 64),
  basicAuth: b64(`ci-bot:${pick(ALNUM, 20)}`),
  npmrcAuth: b64(`deployer:${pick(ALNUM, 18)}`),
  uuid: crypto.randomUUID(),
};

for (const [name, value] of Object.entries(samples)) console.log(`// ${name}\n${JSON.stringify(value)}\n`);
