// Where the per-user hook server listens (see relay.ts). Kept free of dependencies: the bin loads it on every fallback.

import { join } from 'node:path';

/** Set to `off` to decide every call in-process and never start a server. */
export const HOOK_SERVER_SWITCH = 'CORDON_HOOK_SERVER';
/** Milliseconds a server waits for the next call before it exits (default ten minutes). */
export const HOOK_SERVER_IDLE = 'CORDON_HOOK_SERVER_IDLE_MS';
export const DEFAULT_IDLE_MS = 10 * 60 * 1000;
/**
 * Set by `cordon run` for the agent inside its sandbox: the supervisor's hook socket. The client then
 * asks only that socket and denies when it does not answer; it never decides in-process in there.
 */
export const HOOK_SOCKET_VARIABLE = 'CORDON_HOOK_SOCKET';

/**
 * The directory that holds the sockets: per user, created 0700 by the server, and used by a client only
 * when it is a real directory owned by the user and closed to everyone else.
 */
export function hookSocketDir(uid: number = process.getuid?.() ?? 0, env: NodeJS.ProcessEnv = process.env): string {
  return join(tempDir(env), `cordon-${uid}`);
}

/** What os.tmpdir() answers on POSIX, spelled out because the relay client computes it without loading node:os. */
export function tempDir(env: NodeJS.ProcessEnv): string {
  return (env.TMPDIR || env.TMP || env.TEMP || '/tmp').replace(/(.)\/+$/, '$1');
}

/** One socket per installation of cordon (the bin path the hooks name), so two versions on one machine never answer for each other. */
export function hookSocketPath(bin: string, uid?: number, env: NodeJS.ProcessEnv = process.env): string {
  return join(hookSocketDir(uid, env), `hook-${fnv1a(bin).toString(16)}.sock`);
}

/** FNV-1a, 32 bits: names a socket, guards nothing. The relay client computes the same. */
export function fnv1a(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  return hash;
}

/** Why a socket directory must not be used (a link, not a directory, someone else's, open to others), or undefined when it is private. */
export function privateDirProblem(stat: { isDirectory(): boolean; uid: number; mode: number }, uid: number | undefined = process.getuid?.()): string | undefined {
  if (!stat.isDirectory()) return 'is not a directory';
  if (uid !== undefined && stat.uid !== uid) return `belongs to uid ${stat.uid}, not ${uid}`;
  if ((stat.mode & 0o077) !== 0) return `is open to other users (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}
