// Offline token checksums: CRC32 (IEEE, as zlib computes it) and the encodings vendors wrap it in.

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of the UTF-8 bytes of a string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Base62 with digits, then upper case, then lower case, left-padded with `0` to `width`. */
export function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  return out.padStart(width, '0');
}

/**
 * GitHub (`ghp_` and kin) and npm (`npm_`) tokens: a 36-character body whose last 6 characters are
 * the base62 CRC32 of the first 30.
 */
export function hasBase62Crc32Suffix(body: string): boolean {
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/**
 * GitLab routable tokens (`<prefix><base64url payload>.<version>.<length><crc>`): the last 7
 * characters are the base36 CRC32 of everything before them, prefix included, and the 2 before
 * those the base36 length of the payload. `prefix` is everything before the payload.
 */
export function isGitLabRoutableToken(token: string, prefix: string): boolean {
  if (!token.startsWith(prefix)) return false;
  const match = /^([A-Za-z0-9_-]+)\.[0-9a-z]{2}\.([0-9a-z]{2})([0-9a-z]{7})$/.exec(token.slice(prefix.length));
  if (!match) return false;
  const [, payload, length, crc] = match as unknown as [string, string, string, string];
  if (Number.parseInt(length, 36) !== payload.length) return false;
  return crc32(token.slice(0, -7)).toString(36).padStart(7, '0') === crc;
}
