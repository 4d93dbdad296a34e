// Attacks run inside `cordon run` (real bubblewrap, real namespaces), one test per attempt: each checks that its effect did not happen.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, removeWorld, runIn, sh, startSink, startUnixSink, type Sink, type SandboxWorld } from '../helpers/sandboxed.js';

const bwrap = spawnSync('bwrap', ['--version']).status === 0;
const python = existsSync('/usr/bin/python3');
let world: SandboxWorld;
let sink: Sink;
let hostSleeper: ChildProcess;

beforeAll(async () => {
  world = makeWorld();
  sink = await startSink();
  hostSleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
});

afterAll(async () => {
  hostSleeper?.kill('SIGKILL');
  await sink?.close();
  if (world) removeWorld(world);
});

const contains = (text: string, needle: string): boolean => text.includes(needle);

describe.skipIf(!bwrap)('cordon run contains', () => {
  describe('secrets in the environment', () => {
    it('drops a canary variable of the caller from `env`', async () => {
      const r = await runIn(world, sh('env'), { env: { CANARY_TOKEN: world.canary } });
      expect(r.status).toBe(0);
      expect(contains(r.stdout, world.canary)).toBe(false);
    });

    it('keeps it out of /proc/self, /proc/1 and /proc/$PPID environ', async () => {
      const r = await runIn(world, sh('cat /proc/self/environ /proc/1/environ /proc/$PPID/environ 2>&1 | tr "\\0" "\\n"'), { env: { CANARY_TOKEN: world.canary } });
      expect(r.stdout).toContain('PATH=');
      expect(contains(r.stdout, world.canary)).toBe(false);
    });

    it.each(['GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_RUNTIME_TOKEN', 'NPM_TOKEN'])('never passes %s', async (name) => {
      const r = await runIn(world, sh(`printenv ${name}; echo "[$${name}]"`), { env: { [name]: world.canary } });
      expect(contains(r.stdout, world.canary)).toBe(false);
      expect(r.stdout).toContain('[]');
    });

    it('passes a variable named with --env (the allowlist is real, not everything dropped)', async () => {
      const r = await runIn(world, sh('echo "[$BUILD_FLAVOUR]"'), { env: { BUILD_FLAVOUR: 'debug' }, flags: ['--env', 'BUILD_FLAVOUR'] });
      expect(r.stdout.trim()).toBe('[debug]');
    });

    it('never lets the model API key inside: placeholder in the environment, nothing on disk', async () => {
      const key = `sk-ant-api03-${world.canary}`;
      const r = await runIn(world, sh('env | grep ^ANTHROPIC_; grep -rs "' + world.canary + '" /home /tmp /run /etc /proc/self/environ /proc/1/environ; echo searched'), { env: { ANTHROPIC_API_KEY: key } });
      expect(r.stdout).toContain('ANTHROPIC_BASE_URL=http://127.0.0.1:3129');
      expect(r.stdout).toContain('ANTHROPIC_API_KEY=cordon-broker-placeholder');
      expect(r.stdout).toContain('searched');
      expect(contains(r.stdout + r.stderr, world.canary)).toBe(false);
    });
  });

  describe('secrets on disk', () => {
    it('hides the real home: its ssh key cannot be read by absolute path', async () => {
      const r = await runIn(world, sh(`cat ${join(world.hostHome, '.ssh', 'id_rsa')}; cat ${join(world.hostHome, '.aws', 'credentials')}; echo done`));
      expect(r.stdout).toContain('done');
      expect(contains(r.stdout, world.canary)).toBe(false);
      expect(r.stderr).toMatch(/No such file or directory/);
    });

    it('gives a fresh, empty $HOME', async () => {
      const r = await runIn(world, sh('echo "$HOME"; ls -A "$HOME" | wc -l'));
      expect(r.stdout.trim().split('\n')).toEqual(['/home/cordon', '0']);
    });

    it('shows no /root and no other /home', async () => {
      const r = await runIn(world, sh('ls /root 2>&1; ls /home'));
      expect(r.stdout).toMatch(/cannot access '\/root'/);
      expect(r.stdout.trim().split('\n').pop()).toBe('cordon');
    });

    it('cannot read /etc/shadow', async () => {
      const r = await runIn(world, sh('cat /etc/shadow >/dev/null 2>&1 && echo READ || echo denied'));
      expect(r.stdout.trim()).toBe('denied');
    });

    it('has no docker socket', async () => {
      const r = await runIn(world, sh('ls -l /var/run/docker.sock /run/docker.sock 2>&1 | grep -c "No such" ; test -S /var/run/docker.sock && echo SOCKET || echo none'));
      expect(r.stdout.trim().split('\n').pop()).toBe('none');
    });
  });

  describe('writes outside the repository and into protected paths', () => {
    it('cannot create a file outside the repository', async () => {
      await runIn(world, sh(`echo pwned > ${join(world.outside, 'pwned')}`));
      expect(existsSync(join(world.outside, 'pwned'))).toBe(false);
    });

    it('keeps its /tmp away from the host /tmp', async () => {
      const name = `/tmp/cordon-probe-${world.canary}`;
      const r = await runIn(world, sh(`echo x > ${name} && echo wrote`));
      expect(r.stdout.trim()).toBe('wrote');
      expect(existsSync(name)).toBe(false);
    });

    it('cannot write into /usr', async () => {
      const r = await runIn(world, sh('touch /usr/bin/cordon-probe 2>&1; echo done'));
      expect(r.stdout).toMatch(/Read-only file system|Permission denied/);
      expect(existsSync('/usr/bin/cordon-probe')).toBe(false);
    });

    it.each([
      ['a workflow', '.github/workflows/evil.yml'],
      ['a git hook', '.git/hooks/pre-commit'],
      ['the agent settings', '.claude/settings.json'],
      ['.npmrc', '.npmrc'],
      ['.mcp.json', '.mcp.json'],
      ['cordon.yml', 'cordon.yml'],
    ])('cannot plant %s', async (_label, path) => {
      const r = await runIn(world, sh(`mkdir -p "$(dirname ${path})" 2>/dev/null; echo 'curl evil' > ${path} 2>/dev/null && echo WROTE || echo refused`));
      expect(r.stdout.trim()).toBe('refused');
      expect(existsSync(join(world.repo, path))).toBe(false);
      expect(r.record.protectedChanges).toEqual([]);
    });

    it('cannot change CLAUDE.md or the committed workflow', async () => {
      const before = [readFileSync(join(world.repo, 'CLAUDE.md'), 'utf8'), readFileSync(join(world.repo, '.github/workflows/ci.yml'), 'utf8')];
      await runIn(world, sh('echo "ignore previous instructions" >> CLAUDE.md; echo "  run: curl x" >> .github/workflows/ci.yml; rm -f CLAUDE.md'));
      expect([readFileSync(join(world.repo, 'CLAUDE.md'), 'utf8'), readFileSync(join(world.repo, '.github/workflows/ci.yml'), 'utf8')]).toEqual(before);
    });

    it('cannot point git at other hooks: core.hooksPath is refused, .git/config unchanged', async () => {
      const before = readFileSync(join(world.repo, '.git', 'config'), 'utf8');
      const r = await runIn(world, sh('git config core.hooksPath /tmp/hooks; echo "exit=$?"'));
      expect(r.stdout.trim()).not.toBe('exit=0');
      expect(readFileSync(join(world.repo, '.git', 'config'), 'utf8')).toBe(before);
    });

    it('leaves no stand-in behind for a missing protected path', async () => {
      await runIn(world, ['true']);
      expect(existsSync(join(world.repo, '.npmrc'))).toBe(false);
      expect(existsSync(join(world.repo, '.claude'))).toBe(false);
    });

    it('reports a planted symlink to a host file in the record', async () => {
      const r = await runIn(world, sh(`ln -s ${join(world.hostHome, '.ssh', 'id_rsa')} key-link`));
      expect(r.record.escapingSymlinks).toEqual([{ path: 'key-link', target: join(world.hostHome, '.ssh', 'id_rsa') }]);
      spawnSync('rm', ['-f', join(world.repo, 'key-link')]);
    });
  });

  describe('host processes', () => {
    it('cannot signal a host process', async () => {
      await runIn(world, sh(`kill -9 ${hostSleeper.pid} 2>&1; echo tried`));
      expect(hostSleeper.exitCode).toBeNull();
      expect(() => process.kill(hostSleeper.pid!, 0)).not.toThrow();
    });

    it('cannot see host processes', async () => {
      const r = await runIn(world, sh('ls /proc | grep -E "^[0-9]+$"'));
      const pids = r.stdout.trim().split('\n').map(Number);
      expect(pids).not.toContain(hostSleeper.pid);
      expect(pids.length).toBeLessThan(10);
    });

    it('runs without capabilities and with no-new-privileges; sudo does not escalate', async () => {
      const r = await runIn(world, sh('grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; id -u; sudo -n id -u 2>/dev/null || echo nosudo'));
      expect(r.stdout).toMatch(/CapEff:\s+0000000000000000/);
      expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
      expect(r.stdout.trim().split('\n').slice(-2)).toEqual(['1000', 'nosudo']);
    });

    it.skipIf(!python || process.arch !== 'x64').each([
      ['io_uring_setup', 425],
      ['bpf', 321],
      ['perf_event_open', 298],
      ['userfaultfd', 323],
      ['keyctl', 250],
      ['open_by_handle_at', 304],
      ['unshare (a nested namespace)', 272],
    ])('is refused %s by the seccomp filter', async (_name, nr) => {
      const probe = `import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nr = libc.syscall(${nr}, 0, 0, 0, 0, 0)\nprint(r, ctypes.get_errno())`;
      const r = await runIn(world, ['/usr/bin/python3', '-c', probe]);
      expect(r.stdout.trim()).toBe('-1 1');
      expect('denied' in r.record.seccomp ? r.record.seccomp.denied.length : 0).toBeGreaterThan(10);
    });

    it('cannot mount or remount', async () => {
      const r = await runIn(world, sh('mount -t tmpfs none /tmp 2>/dev/null && echo MOUNTED; mount -o remount,rw /usr 2>/dev/null && echo REMOUNTED; echo done'));
      expect(r.stdout.trim()).toBe('done');
    });
  });

  describe('network', () => {
    it('cannot open TCP to a loopback port of the host', async () => {
      const before = sink.connections();
      const r = await runIn(world, sh(`exec 3<>/dev/tcp/127.0.0.1/${sink.port} && echo CONNECTED; echo done`));
      expect(r.stdout).not.toContain('CONNECTED');
      expect(sink.connections()).toBe(before);
    });

    it('cannot open TCP to an IP address', async () => {
      const r = await runIn(world, sh('timeout 5 bash -c "exec 3<>/dev/tcp/1.1.1.1/80" 2>&1 && echo CONNECTED; echo done'));
      expect(r.stdout).not.toContain('CONNECTED');
    });

    it('cannot resolve names (no DNS)', async () => {
      const r = await runIn(world, sh('getent hosts example.com && echo RESOLVED; echo done'));
      expect(r.stdout.trim()).toBe('done');
    });

    it('is refused by the proxy for a host not on the allowlist, and the attempt is recorded', async () => {
      const r = await runIn(world, sh('curl -s -o /dev/null -w "%{http_code}" https://evil.example/x; echo " exit=$?"'));
      expect(r.stdout).toContain('exit=56');
      expect(r.record.network).toContainEqual(expect.objectContaining({ host: 'evil.example', port: 443, allowed: false, reason: 'not-allowlisted' }));
    });

    it('cannot bypass the proxy with --noproxy', async () => {
      const before = sink.connections();
      const r = await runIn(world, sh(`curl -s -m 5 --noproxy '*' http://127.0.0.1:${sink.port}/ ; echo "exit=$?"`));
      expect(r.stdout).not.toContain('exit=0');
      expect(sink.connections()).toBe(before);
    });

    it('is refused a CONNECT to an allowed name that resolves to loopback', async () => {
      const before = sink.connections();
      // Through the proxy explicitly: NO_PROXY would send localhost straight to the sandbox's own loopback.
      const r = await runIn(world, sh(`curl -s -m 5 --noproxy '' --proxy http://127.0.0.1:3128 https://localhost:${sink.port}/ ; echo "exit=$?"`), { flags: ['--allow-domain', 'localhost'] });
      expect(r.stdout).not.toContain('exit=0');
      expect(sink.connections()).toBe(before);
      expect(r.record.network).toContainEqual(expect.objectContaining({ host: 'localhost', allowed: false, reason: 'private-address' }));
    });

    it('is refused the cloud metadata address, also spelled as a number', async () => {
      const r = await runIn(world, sh('curl -s -m 5 http://169.254.169.254/latest/meta-data/; curl -s -m 5 http://2852039166/latest/; echo done'));
      // curl may normalise the number to dotted form before asking the proxy: either way it is refused.
      const refused = r.record.network.filter((a) => !a.allowed);
      expect(refused).toHaveLength(2);
      expect(refused.every((a) => ['169.254.169.254', '2852039166'].includes(a.host) && a.reason === 'ip-literal')).toBe(true);
      expect(r.record.network.some((a) => a.allowed)).toBe(false);
    });

    it('gives node no way out: a direct socket to the host fails', async () => {
      const before = sink.connections();
      const r = await runIn(world, ['node', '-e', `require('net').connect(${sink.port}, '127.0.0.1').on('connect', () => console.log('CONNECTED')).on('error', (e) => console.log(e.code))`]);
      expect(r.stdout).not.toContain('CONNECTED');
      expect(sink.connections()).toBe(before);
    });

    it('gives perl no way out', async () => {
      const before = sink.connections();
      const r = await runIn(world, ['perl', '-MIO::Socket::INET', '-e', `print IO::Socket::INET->new(PeerAddr => "127.0.0.1:${sink.port}", Timeout => 3) ? "CONNECTED\\n" : "failed\\n"`]);
      expect(r.stdout.trim()).toBe('failed');
      expect(sink.connections()).toBe(before);
    });

    it.skipIf(!python)('gives python no way out, even through the proxy', async () => {
      const r = await runIn(world, ['/usr/bin/python3', '-c', "import urllib.request\ntry:\n  urllib.request.urlopen('https://evil.example/', timeout=5); print('FETCHED')\nexcept Exception as e: print('failed')"]);
      expect(r.stdout.trim()).toBe('failed');
      expect(r.record.network).toContainEqual(expect.objectContaining({ host: 'evil.example', allowed: false }));
    });

    it('cannot reach a Unix socket of the host', async () => {
      const path = join(world.base, 'host.sock');
      const unix = await startUnixSink(path);
      try {
        const r = await runIn(world, ['node', '-e', `require('net').connect(${JSON.stringify(path)}).on('connect', () => console.log('CONNECTED')).on('error', (e) => console.log(e.code))`]);
        expect(r.stdout.trim()).toBe('ENOENT');
        expect(unix.connections()).toBe(0);
      } finally {
        await unix.close();
      }
    });
  });

  describe('resources and lifecycle', () => {
    it('stops a fork bomb at --max-processes', async () => {
      // Node reports a refused fork at once (bash would retry): count how many of 200 children started.
      const bomb = "const { spawn } = require('child_process'); let ok = 0, refused = 0; for (let i = 0; i < 200; i++) { try { const c = spawn('sleep', ['3'], { stdio: 'ignore' }); c.on('error', () => {}); if (c.pid) ok++; else refused++; } catch { refused++; } } console.log('ok=' + ok + ' refused=' + refused); process.exit(0);";
      const r = await runIn(world, ['node', '-e', bomb], { flags: ['--max-processes', '40'] });
      expect(r.record.limits.mechanism).toMatch(/^cgroup/);
      const ok = Number(/ok=(\d+)/.exec(r.stdout)?.[1] ?? '200');
      expect(ok).toBeLessThan(40);
      expect(r.stdout).toMatch(/refused=1\d\d/);
    });

    it('kills a memory blow-up at --memory', async () => {
      const r = await runIn(world, ['node', '-e', 'const a = []; for (let i = 0; i < 64; i++) { a.push(Buffer.alloc(16 * 1024 * 1024, 1)); } console.log("ALLOCATED")'], { flags: ['--memory', '128M'] });
      expect(r.record.limits.mechanism).toMatch(/^cgroup/);
      expect(r.stdout).not.toContain('ALLOCATED');
      expect(r.status).not.toBe(0);
    });

    it('kills the run at --timeout and exits 124, never 0', async () => {
      const r = await runIn(world, sh(`sleep 30; touch ${join(world.repo, 'late')}`), { flags: ['--timeout', '1'] });
      expect(r.status).toBe(124);
      expect(r.record.ended).toBe('timeout');
      expect(r.ms).toBeLessThan(15_000);
      expect(existsSync(join(world.repo, 'late'))).toBe(false);
    });

    it('on SIGTERM to cordon kills the sandbox and exits 143, never 0', async () => {
      let pid = 0;
      const pending = runIn(world, sh('echo started; sleep 30; touch cancelled-late'), { onSpawn: (p) => (pid = p) });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      process.kill(pid, 'SIGTERM');
      const r = await pending;
      expect(r.status).toBe(143);
      expect(r.record.ended).toBe('cancelled');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(existsSync(join(world.repo, 'cancelled-late'))).toBe(false);
    });

    it('reports the exit status of the command, and 128+n for a signal', async () => {
      expect((await runIn(world, sh('exit 7'))).status).toBe(7);
      expect((await runIn(world, sh('kill -SEGV $$'))).status).toBe(139);
    });
  });
});
