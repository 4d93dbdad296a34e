// Runs the real `claude` CLI in print mode against the scripted Messages-API server, as a non-root user when the tests run as root.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { ROOT } from './cli.js';
import { startMessagesServer, type RecordedRequest, type ToolResult, type Turn } from './messages-server.js';

export type { RecordedRequest, ToolResult, Turn };

/** The user the agent runs as when the tests run as root (Claude Code refuses bypass mode as root). */
export const AGENT_USER = 'cordon-test';
/** The API key the agent sees; the scripted server accepts anything. */
export const PLACEHOLDER_KEY = 'sk-ant-placeholder-cordon-harness-0000000000';

export interface RunClaudeOptions {
  /** The agent's working directory. When the agent runs as another user and this sits under the temp dir, it is handed to that user. */
  cwd: string;
  prompt: string;
  script: Turn[];
  /** Settings as an object (written to a scratch file) or the path of a settings file; passed as `--settings`. */
  settings?: Record<string, unknown> | string;
  /** Added to (and overriding) the agent's small, fixed environment. The test process's own environment is not passed on. */
  env?: Record<string, string>;
  extraArgs?: string[];
  /** A prepared directory to use as `$HOME` (handed to the agent user like `cwd`), to plant or inspect files; default a scratch one removed after the run. */
  home?: string;
  /** Keep `cwd` owned by whoever owns it now instead of handing it to the agent user. */
  keepCwdOwner?: boolean;
  /** Kill the agent after this long. Default 90 s. */
  timeoutMs?: number;
}

/** The final record `--output-format json` prints. */
export interface ClaudeRecord {
  type: string;
  subtype?: string;
  is_error?: boolean;
  result?: string;
  num_turns?: number;
  session_id?: string;
  total_cost_usd?: number;
  permission_denials?: { tool_name: string; tool_use_id: string; tool_input: Record<string, unknown> }[];
  [key: string]: unknown;
}

export interface ClaudeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The final JSON record when stdout held one, else null (see `rawStdout`). */
  stdout: ClaudeRecord | null;
  rawStdout: string;
  stderr: string;
  /** Every request the CLI made to the scripted server, bodies parsed. */
  requests: RecordedRequest[];
  /** Every tool_result that reached the model, once per tool call. */
  toolResults: ToolResult[];
  turnsServed: number;
  durationMs: number;
}

export interface AgentUser {
  uid: number;
  gid: number;
  /** True when the uid has a passwd entry, so `setpriv --init-groups` can look up its groups. */
  named: boolean;
}

const scratchDirs: string[] = [];

/** Removes every temp dir this module made (work dirs, a staged CLI); call it from `afterAll`. */
export function removeScratch(): void {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function run(file: string, args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(file, args, { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH ?? ''}:${SYSTEM_PATH}` } });
  return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
}

function lookupUser(name: string): AgentUser | undefined {
  const uid = run('id', ['-u', name]);
  const gid = run('id', ['-g', name]);
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), named: true };
}

let agentUserCache: AgentUser | null | undefined;

/**
 * The unprivileged user the agent runs as, or null when the tests already run as non-root.
 * As root: `cordon-test`, created once with useradd (idempotent, safe when several test files race);
 * without useradd, nobody (65534) with a scratch HOME.
 */
export function agentUser(): AgentUser | null {
  if (agentUserCache !== undefined) return agentUserCache;
  if (process.getuid?.() !== 0) return (agentUserCache = null);
  let user = lookupUser(AGENT_USER);
  if (!user) {
    // Exit 9 means another worker created it first; the lookup below settles either way.
    run('useradd', ['--system', '--create-home', '--user-group', AGENT_USER]);
    user = lookupUser(AGENT_USER);
  }
  return (agentUserCache = user ?? { uid: 65534, gid: 65534, named: false });
}

/** The launcher prefix that drops to the agent user: argument arrays only, no shell. */
function dropPrivileges(user: AgentUser | null): string[] {
  if (!user) return [];
  const groups = user.named ? ['--init-groups'] : ['--clear-groups'];
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, ...groups, '--'];
}

/** True when every directory above `file` can be searched, and `file` read and run, by users who are neither owner nor group. */
function worldUsable(file: string): boolean {
  if ((statSync(file).mode & 0o005) !== 0o005) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

/** The CLI as an argv prefix: the platform's native binary (2.x npm packages), or `node cli.js` (older packages). */
function locateCli(): { file: string; viaNode: boolean } {
  const override = process.env.CORDON_CLAUDE_BIN;
  if (override) return { file: override, viaNode: override.endsWith('.js') || override.endsWith('.cjs') || override.endsWith('.mjs') };
  const modules = join(ROOT, 'node_modules', '@anthropic-ai');
  const cliJs = join(modules, 'claude-code', 'cli.js');
  if (existsSync(cliJs)) return { file: cliJs, viaNode: true };
  const platform = `${process.platform}-${process.arch}`;
  for (const pkg of [`claude-code-${platform}`, `claude-code-${platform}-musl`]) {
    const file = join(modules, pkg, 'claude');
    if (existsSync(file)) return { file, viaNode: false };
  }
  throw new Error(`no Claude Code CLI under ${modules} for ${platform}: run npm install (the native binary comes in an optional dependency)`);
}

/** The Claude Code CLI to run: its file, and whether it is a script Node runs. */
export function claudeCli(): { file: string; viaNode: boolean } {
  return locateCli();
}

/** True when a Claude Code CLI is installed for this platform (or named by CORDON_CLAUDE_BIN), so the tests that drive it can run. */
export function claudeCliPresent(): boolean {
  try {
    return existsSync(locateCli().file);
  } catch {
    return false;
  }
}

let stagedCli: { file: string; viaNode: boolean } | undefined;

/** The CLI where the agent user can run it: in place when it already can, else hard-linked (or copied) into a world-readable temp dir. */
function usableCli(user: AgentUser | null): { file: string; viaNode: boolean } {
  const cli = locateCli();
  if (!user || worldUsable(cli.file)) return cli;
  if (stagedCli) return stagedCli;
  const dir = scratch('cordon-claude-cli-');
  if (cli.viaNode) {
    const pkg = dirname(cli.file);
    cpSync(pkg, join(dir, 'claude-code'), { recursive: true });
    stagedCli = { file: join(dir, 'claude-code', relative(pkg, cli.file)), viaNode: true };
  } else {
    const file = join(dir, 'claude');
    try {
      linkSync(cli.file, file);
    } catch {
      cpSync(cli.file, file);
    }
    stagedCli = { file, viaNode: false };
  }
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  return stagedCli;
}

function handOver(dir: string, user: AgentUser | null): void {
  if (user) execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, dir]);
}

function insideTmp(dir: string): boolean {
  const tmp = realpathSync(tmpdir());
  const real = realpathSync(dir);
  return real !== tmp && real.startsWith(tmp + sep);
}

function parseRecord(stdout: string): ClaudeRecord | null {
  const candidates = [stdout.trim(), ...stdout.trim().split('\n').reverse()];
  for (const text of candidates) {
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ClaudeRecord;
    } catch {
      // not this one
    }
  }
  return null;
}

/** Runs `claude -p PROMPT --output-format json --dangerously-skip-permissions` against a fresh scripted server. */
export async function runClaude(options: RunClaudeOptions): Promise<ClaudeRun> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const user = agentUser();
  const cli = usableCli(user);
  const server = await startMessagesServer({ script: options.script, timeoutMs: timeoutMs + 10_000 });

  // Per-run scratch (HOME unless given, config dir, TMPDIR, settings file), removed when the run ends.
  const box = mkdtempSync(join(tmpdir(), 'cordon-claude-run-'));
  const home = options.home ?? join(box, 'home');
  mkdirSync(home, { recursive: true });
  mkdirSync(join(box, 'tmp'));
  const configDir = join(home, '.claude');
  mkdirSync(configDir, { recursive: true });

  const args = ['-p', options.prompt, '--output-format', 'json', '--dangerously-skip-permissions'];
  if (options.settings !== undefined) {
    let file = options.settings;
    if (typeof file !== 'string') {
      file = join(box, 'settings.json');
      writeFileSync(file, `${JSON.stringify(options.settings, null, 2)}\n`);
    }
    args.push('--settings', file);
  }
  args.push(...(options.extraArgs ?? []));

  handOver(box, user);
  if (options.home !== undefined && insideTmp(home)) handOver(home, user);
  if (user && !options.keepCwdOwner && insideTmp(options.cwd)) handOver(options.cwd, user);

  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:${SYSTEM_PATH}`,
    HOME: home,
    USER: user ? AGENT_USER : (process.env.USER ?? 'user'),
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TMPDIR: join(box, 'tmp'),
    CLAUDE_CONFIG_DIR: configDir,
    ANTHROPIC_BASE_URL: server.url,
    ANTHROPIC_API_KEY: PLACEHOLDER_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    ...options.env,
  };

  const argv = [...dropPrivileges(user), ...(cli.viaNode ? [process.execPath, cli.file] : [cli.file]), ...args];
  const started = performance.now();
  try {
    const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>((resolve, reject) => {
      // Its own process group, so a timeout kills the agent and every tool process it started.
      const child = spawn(argv[0] as string, argv.slice(1), { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is already gone
        }
      }, timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut });
      });
    });
    return {
      exitCode: outcome.code,
      signal: outcome.signal,
      timedOut: outcome.timedOut,
      stdout: parseRecord(outcome.stdout),
      rawStdout: outcome.stdout,
      stderr: outcome.stderr,
      requests: server.requests,
      toolResults: server.toolResults,
      turnsServed: server.turnsServed(),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await server.close();
    rmSync(box, { recursive: true, force: true });
  }
}

/** A fresh temp directory with these files, for use as the agent's `cwd`. */
export function agentWorkdir(files: Record<string, string> = {}): string {
  const dir = scratch('cordon-agent-cwd-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

