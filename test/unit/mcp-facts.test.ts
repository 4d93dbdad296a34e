// Decision tables for the .mcp.json helpers: package pins, loopback hosts, query-string credentials.

import { describe, expect, it } from 'vitest';
import { isLoopback, pinOf, queryCredentials, urlParts, type Ecosystem } from '../../src/audit/mcp-facts.js';

describe('pinOf', () => {
  const table: [Ecosystem, string, string][] = [
    ['npm', 'pkg', 'unversioned'],
    ['npm', '@scope/pkg', 'unversioned'],
    ['npm', 'pkg@1.2.3', 'pinned'],
    ['npm', '@scope/pkg@1.2.3-beta.1', 'pinned'],
    ['npm', 'pkg@latest', 'moving'],
    ['npm', 'pkg@^1.2.0', 'moving'],
    ['npm', 'pkg@1', 'moving'],
    ['npm', 'github:acme/repo', 'git'],
    ['npm', 'acme/repo#main', 'git'],
    ['npm', 'acme/repo#3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39', 'pinned'],
    ['npm', './local', 'unknown'],
    ['npm', '${PKG}', 'unknown'],
    ['pypi', 'mcp-server-fetch', 'unversioned'],
    ['pypi', 'mcp-server-fetch==2025.4.7', 'pinned'],
    ['pypi', 'mcp-server-git@0.6.2', 'pinned'],
    ['pypi', 'pkg[cli]==1.0', 'pinned'],
    ['pypi', 'pkg==1.*', 'moving'],
    ['pypi', 'pkg>=0.6', 'moving'],
    ['pypi', 'pkg@latest', 'moving'],
    ['pypi', 'git+https://github.com/a/b', 'git'],
    ['pypi', 'git+https://github.com/a/b@v1.0', 'git'],
    ['pypi', 'git+https://github.com/a/b@3f2a9c1d', 'pinned'],
    ['pypi', '.', 'unknown'],
    ['image', 'mcp/fetch', 'unversioned'],
    ['image', 'mcp/fetch:latest', 'moving'],
    ['image', 'mcp/fetch:1.0.2', 'tag'],
    ['image', 'localhost:5000/team/mcp', 'unversioned'],
    ['image', 'mcp/fetch@sha256:0c4a9e5b', 'pinned'],
  ];
  it.each(table)('%s %s is %s', (ecosystem, spec, kind) => {
    expect(pinOf(ecosystem, spec).kind).toBe(kind);
  });
});

describe('isLoopback', () => {
  it.each([
    ['localhost', true],
    ['api.localhost', true],
    ['127.0.0.1', true],
    ['127.10.0.3', true],
    ['[::1]', true],
    ['10.0.0.5', false],
    ['localhost.example.com', false],
    ['128.0.0.1', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it('reads the host from a URL without its userinfo', () => {
    expect(urlParts('http://user:pw@[::1]:9000/mcp?x=1')).toEqual({ scheme: 'http', host: '[::1]', display: 'http://[::1]:9000/mcp' });
    expect(urlParts('http://${HOST}/mcp')?.host).toBeUndefined();
  });
});

describe('queryCredentials', () => {
  it('finds literal secret-named parameters and skips references and other names', () => {
    const url = 'https://x.example/sse?api_key=9f8e7d6c5b4a3210&team=core&token=${T}';
    const hits = queryCredentials(url);
    expect(hits.map((hit) => url.slice(hit.index, hit.index + hit.length))).toEqual(['9f8e7d6c5b4a3210']);
  });
});
