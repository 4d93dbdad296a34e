// The egress proxy's decisions, pure: which hosts the allowlist admits, what kind of address an IP is, and whether one request may be dialled.

import { isIPv4, isIPv6 } from 'node:net';
import { domainPatternProblem } from '../config/sandbox-schema.js';
import type { EgressPolicy } from './types.js';

export { domainPatternProblem };

export type AddressKind = 'public' | 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved';

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** Exact names, or `*.suffix` for names strictly below the suffix (not the suffix itself). */
export function hostAllowed(host: string, policy: Pick<EgressPolicy, 'allowedDomains'>): boolean {
  const name = normaliseHost(host);
  return policy.allowedDomains.some((pattern) => {
    const p = normaliseHost(pattern);
    return p.startsWith('*.') ? name.endsWith(p.slice(1)) && name.length > p.length - 1 : name === p;
  });
}

/**
 * The canonical address an IP literal denotes, in every spelling the C library accepts (inet_aton:
 * `2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`), IPv6 with or without brackets, and IPv4-mapped IPv6
 * reduced to its IPv4 address; undefined for a name.
 */
export function parseIpLiteral(host: string): string | undefined {
  let h = host.trim();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (isIPv6(h)) {
    const words = ipv6Words(h);
    if (!words) return undefined;
    // ::ffff:a.b.c.d and ::a.b.c.d carry an IPv4 address: judge that.
    if (words.slice(0, 5).every((w) => w === 0) && (words[5] === 0xffff || (words[5] === 0 && words[6] !== 0))) {
      return `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`;
    }
    return words.map((w) => w.toString(16)).join(':');
  }
  return parseInetAton(h);
}

function parseInetAton(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4 || parts.some((p) => p === '')) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    if (!Number.isFinite(value)) return undefined;
    values.push(value);
  }
  const last = values.pop()!;
  const maxLast = 2 ** (8 * (4 - values.length));
  if (values.some((v) => v > 255) || last >= maxLast) return undefined;
  let number = 0;
  for (const v of values) number = number * 256 + v;
  number = number * maxLast + last;
  return [number >>> 24, (number >>> 16) & 255, (number >>> 8) & 255, number & 255].join('.');
}

function ipv6Words(text: string): number[] | undefined {
  let address = text.split('%')[0]!;
  // A trailing dotted IPv4 part becomes two words.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4) {
    const octets = v4[1]!.split('.').map(Number);
    address = `${address.slice(0, -v4[1]!.length)}${((octets[0]! << 8) | octets[1]!).toString(16)}:${((octets[2]! << 8) | octets[3]!).toString(16)}`;
  }
  const [head, tail] = address.split('::') as [string, string | undefined];
  const headWords = head ? head.split(':') : [];
  const tailWords = tail ? tail.split(':') : [];
  const missing = 8 - headWords.length - tailWords.length;
  if (address.includes('::') ? missing < 0 : missing !== 0) return undefined;
  const words = [...headWords, ...Array<string>(address.includes('::') ? missing : 0).fill('0'), ...tailWords].map((w) => parseInt(w || '0', 16));
  return words.length === 8 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? words : undefined;
}

const METADATA = new Set(['169.254.169.254', '169.254.170.2', '168.63.129.16', '100.100.100.200', 'fd00:ec2:0:0:0:0:0:254']);

/** What kind of address a canonical IP is (see parseIpLiteral). */
export function classifyAddress(ip: string): AddressKind {
  const canonical = parseIpLiteral(ip) ?? ip;
  if (METADATA.has(canonical)) return 'metadata';
  if (isIPv4(canonical)) {
    const [a, b] = canonical.split('.').map(Number) as [number, number, number, number];
    if (a === 0) return 'unspecified';
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 100 && b >= 64 && b <= 127) return 'cgnat';
    if (a >= 224 && a <= 239) return 'multicast';
    if (a >= 240 || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
    return 'public';
  }
  const words = ipv6Words(canonical);
  if (!words) return 'reserved';
  if (words.every((w) => w === 0)) return 'unspecified';
  if (words.slice(0, 7).every((w) => w === 0) && words[7] === 1) return 'loopback';
  if ((words[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((words[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((words[0]! & 0xff00) === 0xff00) return 'multicast';
  // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) {
    return classifyAddress(`${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`);
  }
  if (words[0] === 0x2001 && words[1] === 0xdb8) return 'reserved';
  return 'public';
}

export interface EgressDecision {
  allowed: boolean;
  reason: 'allowlist' | 'not-allowlisted' | 'private-address' | 'ip-literal' | 'bad-request' | 'resolve-failed';
  /** The address to dial: the one that was checked, so the name is never resolved twice. */
  address?: string;
}

/**
 * Whether `host:port` may be reached, given the addresses its name resolved to (undefined for an IP
 * literal). Every address must be public unless the name or the address is in `allowPrivate`: one
 * private record among public ones would otherwise pick the target.
 */
export function decide(request: { host: string; port: number }, addresses: readonly string[] | undefined, policy: EgressPolicy): EgressDecision {
  const host = normaliseHost(request.host);
  if (!Number.isInteger(request.port) || request.port < 1 || request.port > 65535 || host === '') return { allowed: false, reason: 'bad-request' };
  const privateAllowed = new Set(policy.allowPrivate.map((entry) => parseIpLiteral(entry) ?? normaliseHost(entry)));
  const literal = parseIpLiteral(host);
  if (literal !== undefined) {
    const listed = privateAllowed.has(literal) || policy.allowedDomains.some((d) => parseIpLiteral(d) === literal);
    return listed ? { allowed: true, reason: 'allowlist', address: literal } : { allowed: false, reason: 'ip-literal' };
  }
  if (domainPatternProblem(host) !== undefined || !hostAllowed(host, policy)) return { allowed: false, reason: 'not-allowlisted' };
  if (!addresses || addresses.length === 0) return { allowed: false, reason: 'resolve-failed' };
  const nameExempt = privateAllowed.has(host);
  for (const address of addresses) {
    const canonical = parseIpLiteral(address) ?? address;
    if (classifyAddress(canonical) !== 'public' && !nameExempt && !privateAllowed.has(canonical)) return { allowed: false, reason: 'private-address' };
  }
  return { allowed: true, reason: 'allowlist', address: parseIpLiteral(addresses[0]!) ?? addresses[0]! };
}
