// Benign work inside `cordon run`: what a coding agent does must still work, and its results land in the repository.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, removeWorld, runIn, sh, type SandboxWorld } from '../helpers/sandboxed.js';

const bwrap = spawnSync('bwrap', ['--version']).status === 0;
const python = existsSync('/usr/bin/python3');
let world: SandboxWorld;
let registry: Server;
let registryPort = 0;
const requests: string[] = [];

/** A one-package npm registry on loopback: the metadata document and the tarball `npm pack` made. */
async function startRegistry(tarball: Buffer): Promise<void> {
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const shasum = createHash('sha1').update(tarball).digest('hex');
  registry = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const base = `http://127.0.0.1:${registryPort}`;
    if (req.url === '/left-pad-lite') {
      const body = JSON.stringify({
        name: 'left-pad-lite',
        'dist-tags': { latest: '1.0.0' },
        versions: { '1.0.0': { name: 'left-pad-lite', version: '1.0.0', main: 'index.js', dist: { tarball: `${base}/left-pad-lite/-/left-pad-lite-1.0.0.tgz`, integrity, shasum } } },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else if (req.url === '/left-pad-lite/-/left-pad-lite-1.0.0.tgz') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarball);
    } else {
      res.writeHead(404).end('{}');
    }
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const address = registry.address();
  registryPort = typeof address === 'object' && address ? address.port : 0;
}

beforeAll(async () => {
  world = makeWorld({
    'package.json': `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, scripts: { test: 'node test/run.js' } }, null, 2)}\n`,
    'test/run.js': "const assert = require('assert'); assert.strictEqual(require('../src/app.js'), 1); console.log('tests passed');\n",
    'tool.py': "import sys\nprint('python', sys.version_info[0])\n",
    'cordon.yml': 'version: 1\nsandbox:\n  allowed-domains: ["127.0.0.1"]\n  allow-private: ["127.0.0.1"]\n',
  });
  const pkg = join(world.base, 'pkg');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'left-pad-lite', version: '1.0.0', main: 'index.js' }));
  writeFileSync(join(pkg, 'index.js'), "module.exports = (s, n) => String(s).padStart(n);\n");
  execFileSync('npm', ['pack', '--silent', '--pack-destination', world.base], { cwd: pkg, stdio: 'ignore' });
  await startRegistry(readFileSync(join(world.base, 'left-pad-lite-1.0.0.tgz')));
});

afterAll(async () => {
  await new Promise<void>((resolve) => (registry ? registry.close(() => resolve()) : resolve()));
  if (world) removeWorld(world);
});

const git = ['-c', 'user.name=Agent', '-c', 'user.email=agent@example.com'];

describe.skipIf(!bwrap)('benign work inside cordon run', () => {
  it('reads, diffs, commits and logs with git', async () => {
    const r = await runIn(world, sh(`git status --short && echo "// note" >> src/app.js && git diff --stat && git ${git.join(' ')} commit -qam "agent: note" && git log --oneline | head -2`));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/1 file changed/);
    expect(r.stdout).toMatch(/agent: note/);
    expect(execFileSync('git', ['-C', world.repo, 'log', '-1', '--format=%s'], { encoding: 'utf8' }).trim()).toBe('agent: note');
  });

  it('edits a source file: the host sees the change and the record lists it', async () => {
    const r = await runIn(world, sh("sed -i 's/module.exports = 1;/module.exports = 1; \\/\\/ edited/' src/app.js"));
    expect(r.status).toBe(0);
    expect(readFileSync(join(world.repo, 'src', 'app.js'), 'utf8')).toContain('// edited');
    expect(r.record.changes).toContainEqual({ path: 'src/app.js', change: 'modified' });
    expect(r.record.protectedChanges).toEqual([]);
  });

  it('runs npm test', async () => {
    const r = await runIn(world, ['npm', 'test', '--silent']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('tests passed');
  });

  it('runs node scripts and writes build output', async () => {
    const r = await runIn(world, ['node', '-e', "require('fs').mkdirSync('dist', { recursive: true }); require('fs').writeFileSync('dist/out.txt', String(require('./src/app.js')))"]);
    expect(r.status).toBe(0);
    expect(readFileSync(join(world.repo, 'dist', 'out.txt'), 'utf8')).toBe('1');
  });

  it.skipIf(!python)('runs python scripts', async () => {
    const r = await runIn(world, ['/usr/bin/python3', 'tool.py']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('python 3');
  });

  it('installs a package from an allowlisted registry through the proxy', async () => {
    // NO_PROXY keeps 127.0.0.1 inside the sandbox; a registry of the host on loopback is reached through the proxy.
    const r = await runIn(world, sh(`NO_PROXY= no_proxy= npm_config_noproxy= npm install --no-audit --no-fund --registry http://127.0.0.1:${registryPort}/ left-pad-lite 2>&1; node -e "console.log(require('left-pad-lite')('x', 3))"`));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('  x');
    expect(existsSync(join(world.repo, 'node_modules', 'left-pad-lite', 'index.js'))).toBe(true);
    expect(requests).toContain('GET /left-pad-lite/-/left-pad-lite-1.0.0.tgz');
    expect(r.record.network.filter((a) => a.allowed && a.port === registryPort).length).toBeGreaterThan(0);
  });

  it('mounts the repository read-only for the review role, which can still read it', async () => {
    const r = await runIn(world, sh('cat README.md; echo x > new-file 2>/dev/null && echo WROTE || echo read-only'), { flags: ['--role', 'review'] });
    expect(r.stdout).toContain('# scratch');
    expect(r.stdout.trim().split('\n').pop()).toBe('read-only');
    expect(existsSync(join(world.repo, 'new-file'))).toBe(false);
  });
});
