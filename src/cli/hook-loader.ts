// Runs dist/hook.cjs, the hook's own one-file bundle, through the V8 code cache built next to it.

import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';
import type { HookIo } from './hook-command.js';
import type { HookServerOptions } from '../hook/server.js';

/** What dist/hook.cjs exports (src/cli/hook-entry.ts). */
export interface HookBundle {
  hookCommand(argv: readonly string[], io?: HookIo): Promise<0 | 2>;
  serveHooks(options: HookServerOptions): Promise<unknown>;
}

export interface LoadedHookBundle {
  bundle: HookBundle;
  /** Whether V8 used the code cache: false when it is missing, unreadable, stale, damaged or refused. */
  cached: boolean;
}

/**
 * The cache lives beside the bundle and nowhere else. V8 accepts a code cache after checking only its
 * V8 version, its flags and the *length* of the source, and then runs the bytecode in it as is: whoever
 * can write the cache can run code inside the guard. So it must be exactly as hard to change as the
 * bundle itself: it is written once, at build time, into dist/ (shipped with the package and installed
 * where the agent cannot write), never at run time, and never into a cache or temp directory the agent
 * can reach (~/.cache, /tmp, the repository) the way general-purpose compile caches do.
 */
export function hookCachePath(bundlePath: string): string {
  return `${bundlePath}.cache`;
}

/**
 * The cache file starts with this line, then the SHA-256 of the bundle it was made from and of the V8
 * data that follows. They guard against accidents, not attackers (who could rewrite them too): a cache
 * left over from another build of a bundle of the same length, which V8 would take, and a damaged file,
 * on which V8 aborts the process (exit 133, which Claude Code reads as "go ahead") instead of refusing it.
 */
const CACHE_MAGIC = 'cordon-hook-cache 1';
const HEADER_LENGTH = CACHE_MAGIC.length + 2 * 65 + 1;

/**
 * `cordon hook <argv>` through the bundle at `bundlePath`. Claude Code reads any exit code but 2 as
 * "go ahead", so even a bundle that fails to load or throws ends in 2.
 */
export async function runHookBundle(bundlePath: string, argv: readonly string[], io?: HookIo): Promise<0 | 2> {
  try {
    return await loadHookBundle(bundlePath).bundle.hookCommand(argv, io);
  } catch (error) {
    process.stderr.write(`cordon denied (internal-error): ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
}

/** Compiles and runs the bundle. A missing or unusable cache only costs time: V8 then compiles the source. */
export function loadHookBundle(bundlePath: string): LoadedHookBundle {
  return loadBundle<HookBundle>(bundlePath);
}

/** Any of dist/'s CommonJS bundles (hook.cjs, run.cjs) through its build-time code cache, on the same terms. */
export function loadBundle<T>(bundlePath: string): { bundle: T; cached: boolean } {
  const source = readFileSync(bundlePath);
  const cachedData = cacheFor(source, hookCachePath(bundlePath));
  const script = compile(bundlePath, source, cachedData);
  return { bundle: run(script, bundlePath) as T, cached: cachedData !== undefined && !script.cachedDataRejected };
}

/**
 * Build time only (scripts/hook-cache.mjs): runs the bundle without a cache, lets `warm` exercise the
 * hook so the functions it calls are compiled too, and writes what V8 has compiled as the cache.
 */
export async function writeHookCache<T = HookBundle>(bundlePath: string, warm: (bundle: T) => Promise<void>): Promise<number> {
  const source = readFileSync(bundlePath);
  const script = compile(bundlePath, source, undefined);
  await warm(run(script, bundlePath) as T);
  const data = script.createCachedData();
  const header = `${CACHE_MAGIC}\n${sha256(source)}\n${sha256(data)}\n`;
  const target = hookCachePath(bundlePath);
  writeFileSync(`${target}.tmp`, Buffer.concat([Buffer.from(header, 'latin1'), data]));
  renameSync(`${target}.tmp`, target);
  return data.length;
}

/** The V8 data of the cache file, or undefined when there is none or it does not belong to `source`. */
function cacheFor(source: Buffer, cachePath: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cachePath);
  } catch {
    return undefined;
  }
  const [magic, bundleDigest, dataDigest] = file.subarray(0, HEADER_LENGTH).toString('latin1').split('\n');
  const data = file.subarray(HEADER_LENGTH);
  if (magic !== CACHE_MAGIC || bundleDigest !== sha256(source) || dataDigest !== sha256(data)) return undefined;
  return data;
}

function compile(bundlePath: string, source: Buffer, cachedData: Buffer | undefined): Script {
  // The grammar loader sets this flag later anyway (see parse/shell.ts); V8 also hashes its flags into
  // the cache, so it is set before compiling, at build time and at run time alike, or the cache is refused.
  setFlagsFromString('--liftoff-only');
  // The same wrapper as Node's own CommonJS loader, so the bundle sees a normal module scope. latin1
  // because the bundle is ASCII (scripts/hook-cache.mjs checks): the same string, decoded faster.
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source.toString('latin1')}\n})`;
  return new Script(wrapped, { filename: bundlePath, ...(cachedData ? { cachedData } : {}) });
}

function run(script: Script, bundlePath: string): unknown {
  const module = { exports: {} };
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  wrapper(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath));
  return module.exports;
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
