#!/usr/bin/env node
// The package's bin, dist/cordon.cjs: `cordon hook` runs the hook bundle directly, anything else loads the full CLI (dist/cordon.js).
// Required as a module (by the hook relay client, src/hook/relay.ts) it exports `hookInProcess` instead.

import { spawn } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IDLE_MS, HOOK_SERVER_IDLE, HOOK_SERVER_SWITCH, hookSocketDir, hookSocketPath, privateDirProblem } from '../hook/socket.js';
import { loadBundle, loadHookBundle, runHookBundle } from './hook-loader.js';

const BIN = fileURLToPath(import.meta.url);
const HOOK_BUNDLE = fileURLToPath(new URL('./hook.cjs', import.meta.url));

/**
 * What the relay client calls when no hook server answered: starts one for the next call (unless
 * CORDON_HOOK_SERVER=off) and decides this call here, from the stdin the client already read.
 * `clientBin` is the bin path the hook settings name; the server and its socket are keyed by it.
 */
export async function hookInProcess(args: readonly string[], input: string, _why: string, clientBin: string = BIN): Promise<0 | 2> {
  if (args[0] !== 'hook') {
    process.stderr.write(`cordon denied (internal-error): the relay passed ${JSON.stringify(args[0])}, not hook\n`);
    return 2;
  }
  startHookServer(clientBin);
  return runHookBundle(HOOK_BUNDLE, args.slice(1), {
    stdin: () => input,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}

/** A detached server with a minimal environment; every call brings its own. Nothing is started when the socket directory is unusable. */
function startHookServer(clientBin: string): void {
  if (process.env[HOOK_SERVER_SWITCH] === 'off' || !socketDirUsable()) return;
  const keep = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', HOOK_SERVER_IDLE];
  const env = Object.fromEntries(keep.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
  try {
    const child = spawn(process.execPath, [BIN, '__hook-server', clientBin], { detached: true, stdio: 'ignore', cwd: '/', env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No server: the next call decides in-process too.
  }
}

/** Missing (the server creates it) or a directory of this user's closed to others; anything else is left alone. */
function socketDirUsable(): boolean {
  try {
    return privateDirProblem(lstatSync(hookSocketDir())) === undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function serve(clientBin: string): void {
  const idle = Number(process.env[HOOK_SERVER_IDLE]);
  const options = {
    bin: clientBin,
    watched: [BIN, HOOK_BUNDLE, `${HOOK_BUNDLE}.cache`],
    socket: hookSocketPath(clientBin),
    idleMs: Number.isFinite(idle) && idle > 0 ? idle : DEFAULT_IDLE_MS,
  };
  loadHookBundle(HOOK_BUNDLE)
    .bundle.serveHooks(options)
    .catch(() => process.exit(1));
}

// CommonJS on purpose: Node runs an ES module entry through its ES module loader, which alone costs a
// hook 5 to 10 ms, a quarter of a bare Node start. The hook bundle is CommonJS for the same reason.
if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === 'hook') {
    // Deny unless the hook answers: a promise left pending would otherwise let Node exit 0, which allows the call.
    process.exitCode = 2;
    void runHookBundle(HOOK_BUNDLE, argv.slice(1)).then((code) => {
      process.exitCode = code;
    });
  } else if (argv[0] === '__hook-server' && argv[1]) {
    serve(argv[1]);
  } else if (argv[0] === 'run') {
    // cordon run starts every CI job: its own CommonJS bundle skips the ES module loader and the rest of the CLI.
    const { runMain } = loadBundle<{ runMain: (argv: readonly string[]) => Promise<number> }>(fileURLToPath(new URL('./run.cjs', import.meta.url))).bundle;
    void runMain(argv).then(
      (code) => {
        process.exitCode = code;
      },
      () => {
        process.exitCode = 3;
      },
    );
  } else {
    void import(new URL('./cordon.js', import.meta.url).href);
  }
}
