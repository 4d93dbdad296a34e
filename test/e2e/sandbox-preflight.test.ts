// No silent downgrade: without a usable bubblewrap, cordon run stops with the fix; it runs unsandboxed only when told to, and says so.

import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, removeWorld, runIn, sh, type SandboxWorld } from '../helpers/sandboxed.js';

let world: SandboxWorld;
beforeAll(() => {
  world = makeWorld();
});
afterAll(() => removeWorld(world));

describe('cordon run without a usable sandbox', () => {
  it('exits 2 naming the package to install when bubblewrap is missing, and runs nothing', async () => {
    const r = await runIn(world, sh('touch ran'), { env: { CORDON_BWRAP: join(world.base, 'no-such-bwrap') } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--unsafe-no-sandbox/);
    expect(r.record).toBeUndefined();
    expect(existsSync(join(world.repo, 'ran'))).toBe(false);
  });

  it('exits 2 with the namespace fixes when bwrap cannot set up the sandbox', async () => {
    // A bwrap that fails the way it does where user namespaces are forbidden.
    const fake = join(world.base, 'failing-bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const r = await runIn(world, sh('touch ran'), { env: { CORDON_BWRAP: fake } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/uid map: Permission denied/);
    expect(r.stderr).toMatch(/sysctl|namespaces/);
    expect(r.record).toBeUndefined();
    expect(existsSync(join(world.repo, 'ran'))).toBe(false);
  });

  it('runs unsandboxed only with --unsafe-no-sandbox, says so on stderr and in the record, and still filters the environment', async () => {
    const r = await runIn(world, sh('echo "[$CANARY_TOKEN]"'), { flags: ['--unsafe-no-sandbox'], env: { CANARY_TOKEN: world.canary } });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe('[]');
    expect(r.stderr).toMatch(/WARNING --unsafe-no-sandbox/);
    expect(r.record.sandboxed).toBe(false);
    expect(r.record.seccomp).toEqual({ unavailable: 'no sandbox' });
  });
});
