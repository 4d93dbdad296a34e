// Offline structural checks on decoded secret bodies: base64 JSON payloads, DER, OpenSSH and OpenPGP containers.

import { decodeBase64 } from './patterns.js';

/** Base64 (either alphabet) to bytes; undefined when the text is not base64. */
export function base64Bytes(text: string): Buffer | undefined {
  const decoded = decodeBase64(text);
  return decoded === undefined ? undefined : Buffer.from(decoded, 'latin1');
}

/** The JSON object a base64 or base64url segment encodes, or undefined (not base64, not JSON, not an object). */
export function base64Json(segment: string): Record<string, unknown> | undefined {
  const decoded = decodeBase64(segment);
  if (decoded === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(decoded);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True when the bytes are exactly one DER SEQUENCE whose declared length matches: a truncated or padded body fails. */
export function isDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  let length = der[1] ?? 0;
  let offset = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || der.length < 2 + octets) return false;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
    offset += octets;
  }
  return offset + length === der.length;
}

const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/**
 * The OpenSSH private-key container of PROTOCOL.key: magic, cipher, KDF, KDF options, key count,
 * that many public keys, then the (possibly encrypted) private section, with nothing left over.
 */
export function isOpensshKey(bytes: Buffer): boolean {
  if (bytes.length < OPENSSH_MAGIC.length + 20 || !bytes.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return false;
  let offset = OPENSSH_MAGIC.length;
  const skipString = (): boolean => {
    if (offset + 4 > bytes.length) return false;
    offset += 4 + bytes.readUInt32BE(offset);
    return offset <= bytes.length;
  };
  if (!skipString() || !skipString() || !skipString() || offset + 4 > bytes.length) return false;
  const keys = bytes.readUInt32BE(offset);
  offset += 4;
  if (keys < 1 || keys > 16) return false;
  for (let i = 0; i < keys; i++) if (!skipString()) return false;
  return skipString() && offset === bytes.length;
}

/** CRC-24 of RFC 4880 §6.1: the checksum line (`=XXXX`) of ASCII armor. */
export function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/** True when the bytes open with an OpenPGP secret-key or secret-subkey packet (RFC 4880 §4.2, tags 5 and 7). */
export function isPgpSecretKeyPacket(bytes: Buffer): boolean {
  const header = bytes[0] ?? 0;
  if (!(header & 0x80) || bytes.length < 8) return false;
  const tag = header & 0x40 ? header & 0x3f : (header >> 2) & 0x0f;
  return tag === 5 || tag === 7;
}
