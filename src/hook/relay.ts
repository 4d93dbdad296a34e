// The hook relay: Claude Code starts a few lines of Node per hook, which hand the call to a long-lived
// per-user hook server over a Unix socket and fall back to deciding in-process when there is none.
//
// Why: a hook is a fresh process per tool call. Node starts in ~25 ms, but loading cordon (the policy
// schema, the checks, the tree-sitter grammar) costs another ~100 ms on every call. A server pays that
// once; the relay client costs a few milliseconds over an empty Node process. Both make the same
// decision with the same code: the server runs the hook bundle's `hookCommand` with the client's stdin,
// environment and working directory, and writes the audit record exactly as an in-process hook does.

import { z } from 'zod';
import { HOOK_SERVER_SWITCH, HOOK_SOCKET_VARIABLE } from './socket.js';

/** A post-tool-use payload carries the tool's whole output; anything larger is refused (and decided in-process). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
/** The client gives up on the server after this long and decides in-process, well within the hook's 30 s. */
export const CLIENT_TIMEOUT_MS = 20_000;

export const RelayRequestSchema = z.union([
  z.object({
    v: z.literal(1),
    bin: z.string(),
    argv: z.array(z.string()),
    cwd: z.string(),
    env: z.record(z.string(), z.string()),
    stdin: z.string(),
  }),
  z.object({ v: z.literal(1), op: z.literal('status') }),
]);
export type RelayRequest = z.infer<typeof RelayRequestSchema>;

export type RelayAnswer = { code: 0 | 2; stdout: string; stderr: string } | { error: string };
export interface RelayStatus {
  pid: number;
  bin: string;
  served: number;
}

/**
 * The client, run as `node -e HOOK_CLIENT_SOURCE <bin> hook <event> [flags]` (see install.ts). It is
 * inline because Node starts a `-e` script 5 to 8 ms sooner than any file it has to load as a module.
 * Rules it keeps: exit 2 on every failure, never 1 (Claude Code reads 1 as "go ahead"); accept only a
 * well-formed answer of 0 or 2; anything else (no socket, a refused or dropped connection, a timeout,
 * garbage) makes it decide in-process through the bin's `hookInProcess`, which also starts a server.
 */
export const HOOK_CLIENT_SOURCE = [
  "'use strict'; // cordon hook relay client (cordon/src/hook/relay.ts)",
  'process.exitCode = 2;',
  "const fail = (e) => { try { process.stderr.write('cordon denied (internal-error): ' + ((e && e.message) || e) + '\\n'); } finally { process.exit(2); } };",
  "process.on('uncaughtException', fail);",
  "const fs = require('fs'), env = process.env, bin = process.argv[1], args = process.argv.slice(2);",
  'let settled = false, input;',
  'let local = (why) => { if (settled) return; settled = true; require(bin).hookInProcess(args, input, String(why), bin).then((code) => { process.exitCode = code; }, fail); };',
  '// The socket directory as socket.ts names it: os.tmpdir() (spelled out: one module less to load), per uid.',
  '// Inside a cordon run sandbox the supervisor decides: its socket is given, and nothing else may answer.',
  `const fixed = env.${HOOK_SOCKET_VARIABLE};`,
  "if (fixed) local = (why) => { if (settled) return; settled = true; fail('the cordon run supervisor did not answer (' + why + ')'); };",
  'const socket = fixed || (() => { try {',
  `  if (env.${HOOK_SERVER_SWITCH} === 'off') return;`,
  "  const tmp = (env.TMPDIR || env.TMP || env.TEMP || '/tmp').replace(/(.)\\/+$/, '$1');",
  "  const dir = tmp + '/cordon-' + process.getuid(), st = fs.lstatSync(dir);",
  '  if (!st.isDirectory() || st.uid !== process.getuid() || (st.mode & 63) !== 0) return;',
  '  let h = 2166136261; for (let i = 0; i < bin.length; i++) h = Math.imul(h ^ bin.charCodeAt(i), 16777619) >>> 0;',
  "  return dir + '/hook-' + h.toString(16) + '.sock';",
  '} catch {} })();',
  "// Connecting first lets the connection come up while stdin is read.",
  "const c = socket && require('net').connect(socket);",
  "input = fs.readFileSync(0, 'utf8');",
  "if (!c) local('no hook server');",
  'else {',
  '  const chunks = [];',
  `  c.setTimeout(${CLIENT_TIMEOUT_MS}, () => { local('the hook server did not answer'); c.destroy(); });`,
  "  c.on('error', (e) => local(e.code || e.message));",
  "  c.on('data', (d) => chunks.push(d));",
  "  c.on('close', () => {",
  "    let r; try { r = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {}",
  "    if (!r || (r.code !== 0 && r.code !== 2) || typeof r.stdout !== 'string' || typeof r.stderr !== 'string') return local((r && r.error) || 'no answer from the hook server');",
  '    if (settled) return; settled = true;',
  '    if (r.stdout) process.stdout.write(r.stdout);',
  '    if (r.stderr) process.stderr.write(r.stderr);',
  '    process.exitCode = r.code;',
  '  });',
  '  c.end(JSON.stringify({ v: 1, bin, argv: args, cwd: process.cwd(), env, stdin: input }));',
  '}',
].join('\n');
