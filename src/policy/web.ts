// WebFetch and WebSearch against the allowed-domains list: exact hosts or *.suffix, compared after URL parsing.

import { domainToASCII } from 'node:url';
import type { ResolvedPolicy } from './roles.js';
import type { Hit } from './verdict.js';

/** True when `host` is on the list: an exact name, or a strict subdomain of a `*.suffix` entry. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const name = normaliseHost(host);
  if (name === undefined) return false;
  return allowed.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
    return name === pattern;
  });
}

/** Lower-case ASCII (punycode) host without a trailing dot; undefined for something that is no host name. */
export function normaliseHost(host: string): string | undefined {
  const trimmed = host.replace(/\.$/, '');
  const ascii = domainToASCII(trimmed);
  return ascii === '' ? undefined : ascii.toLowerCase();
}

export function judgeWebFetch(policy: ResolvedPolicy, input: Record<string, unknown>): Hit[] {
  const raw = input.url;
  if (typeof raw !== 'string') return [{ category: null, rule: 'bad-input', reason: 'WebFetch without a url string' }];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ category: null, rule: 'bad-input', reason: `WebFetch url ${JSON.stringify(raw)} does not parse` }];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [{ category: 'network', rule: 'url-scheme', reason: `WebFetch of a ${url.protocol} URL is not allowed` }];
  }
  if (url.username || url.password) {
    return [{ category: 'network', rule: 'url-userinfo', reason: `the URL carries user information before its host ${url.hostname}` }];
  }
  // URL has already turned IDN hosts into punycode and decimal or hex IPv4 into dotted form.
  if (!hostAllowed(url.hostname, policy.allowedDomains)) {
    return [{ category: 'network', rule: 'domain-not-allowed', reason: `${url.hostname} is not on the allowed-domains list${listed(policy.allowedDomains)}` }];
  }
  return [];
}

export function judgeWebSearch(policy: ResolvedPolicy, input: Record<string, unknown>): Hit[] {
  const domains = input.allowed_domains;
  if (!Array.isArray(domains) || domains.length === 0) {
    return [{ category: 'network', rule: 'search-unrestricted', reason: 'a WebSearch must set allowed_domains, every one of them on the allowed-domains list' }];
  }
  const outside = domains.filter((domain) => typeof domain !== 'string' || !hostAllowed(domain, policy.allowedDomains));
  if (outside.length > 0) {
    return [{ category: 'network', rule: 'domain-not-allowed', reason: `WebSearch allowed_domains ${outside.map((d) => JSON.stringify(d)).join(', ')} not on the allowed-domains list${listed(policy.allowedDomains)}` }];
  }
  return [];
}

function listed(list: readonly string[]): string {
  return list.length === 0 ? ' (it is empty)' : ` (${list.join(', ')})`;
}
