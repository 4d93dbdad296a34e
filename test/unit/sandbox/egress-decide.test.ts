import { describe, expect, it } from 'vitest';
import { classifyAddress, decide, hostAllowed, parseIpLiteral } from '../../../src/sandbox/egress.js';

const policy = { allowedDomains: ['registry.npmjs.org', '*.github.com', 'localhost'], allowPrivate: ['registry.test', '10.0.0.5'] };

describe('hostAllowed', () => {
  it.each([
    ['registry.npmjs.org', true],
    ['REGISTRY.npmjs.org.', true],
    ['api.github.com', true],
    ['a.b.github.com', true],
    ['github.com', false],
    ['evilgithub.com', false],
    ['registry.npmjs.org.evil.example', false],
    ['npmjs.org', false],
  ])('%s → %s', (host, allowed) => expect(hostAllowed(host, policy)).toBe(allowed));
});

describe('parseIpLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['2852039166', '169.254.169.254'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['[::1]', '0:0:0:0:0:0:0:1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['example.com', undefined],
    ['256.1.1.1', undefined],
    ['1.2.3.4.5', undefined],
  ])('%s → %s', (text, canonical) => expect(parseIpLiteral(text)).toBe(canonical));
});

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['168.63.129.16', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['2606:4700::1111', 'public'],
  ])('%s is %s', (ip, kind) => expect(classifyAddress(ip)).toBe(kind));
});

describe('decide', () => {
  it('allows an allowlisted name with public addresses and dials the checked one', () => {
    expect(decide({ host: 'registry.npmjs.org', port: 443 }, ['104.16.0.1', '104.16.0.2'], policy)).toEqual({ allowed: true, reason: 'allowlist', address: '104.16.0.1' });
  });

  it('refuses a name off the allowlist before looking at addresses', () => {
    expect(decide({ host: 'evil.example', port: 443 }, ['8.8.8.8'], policy).reason).toBe('not-allowlisted');
  });

  it('refuses an allowed name when any address is private: one bad record among good ones is enough', () => {
    expect(decide({ host: 'api.github.com', port: 443 }, ['140.82.1.1', '127.0.0.1'], policy).reason).toBe('private-address');
    expect(decide({ host: 'localhost', port: 8080 }, ['127.0.0.1'], policy).reason).toBe('private-address');
    expect(decide({ host: 'api.github.com', port: 443 }, ['169.254.169.254'], policy).reason).toBe('private-address');
  });

  it('allows private addresses only for names and addresses in allowPrivate (which must still be allowlisted names)', () => {
    expect(decide({ host: 'registry.test', port: 4873 }, ['127.0.0.1'], policy).reason).toBe('not-allowlisted');
    const both = { ...policy, allowedDomains: [...policy.allowedDomains, 'registry.test'] };
    expect(decide({ host: 'registry.test', port: 4873 }, ['127.0.0.1'], both)).toEqual({ allowed: true, reason: 'allowlist', address: '127.0.0.1' });
  });

  it('refuses IP literals unless listed, in any spelling', () => {
    for (const host of ['127.0.0.1', '2130706433', '169.254.169.254', '2852039166', '8.8.8.8', '[::1]']) expect(decide({ host, port: 80 }, undefined, policy).reason).toBe('ip-literal');
    expect(decide({ host: '10.0.0.5', port: 80 }, undefined, policy)).toEqual({ allowed: true, reason: 'allowlist', address: '10.0.0.5' });
  });

  it('refuses a name that did not resolve, and bad ports', () => {
    expect(decide({ host: 'registry.npmjs.org', port: 443 }, [], policy).reason).toBe('resolve-failed');
    expect(decide({ host: 'registry.npmjs.org', port: 0 }, ['8.8.8.8'], policy).reason).toBe('bad-request');
    expect(decide({ host: 'registry.npmjs.org', port: 70000 }, ['8.8.8.8'], policy).reason).toBe('bad-request');
  });
});
