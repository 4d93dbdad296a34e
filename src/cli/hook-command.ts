// `cordon hook <event>`: the process Claude Code runs for each hook. It answers with exit 0 or 2, never anything else.

import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { ROLES } from '../config/policy-schema.js';
import { appendRecord } from '../auditlog/append.js';
import { logPath } from '../auditlog/location.js';
import { handleHook, knownSecrets, sessionOf, type HookOutcome } from '../hook/events.js';
import { HOOK_EVENTS, type HookEvent } from '../hook/payload.js';
import { loadShellParser } from '../parse/shell.js';

export interface HookIo {
  stdin: () => string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** The directory the hook was started in; used when the payload names none. */
  cwd?: () => string;
}

const USAGE = `usage: cordon hook <${HOOK_EVENTS.join('|')}> [--policy FILE] [--role ROLE] [--log FILE]`;

/** Claude Code reads exit 1 (or any code but 2) as "go ahead"; every failure path here ends in 2. */
export async function hookCommand(argv: readonly string[], io: HookIo = processIo()): Promise<0 | 2> {
  let outcome: HookOutcome;
  let logFile: string | undefined;
  let stdin = '';
  let event: HookEvent = 'pre-tool-use';
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { policy: { type: 'string' }, log: { type: 'string' }, role: { type: 'string' } }, allowPositionals: true, strict: true });
    const name = positionals[0];
    if (positionals.length !== 1 || !HOOK_EVENTS.includes(name as HookEvent)) throw new Error(USAGE);
    event = name as HookEvent;
    logFile = values.log;
    stdin = io.stdin();
    // The grammar costs tens of milliseconds to load; only Bash calls need it.
    if (event === 'pre-tool-use' && toolOf(stdin) === 'Bash') await loadShellParser();
    const home = io.env.HOME && io.env.HOME.startsWith('/') ? io.env.HOME : homedir();
    const role = values.role === undefined ? undefined : ROLES.find((r) => r === values.role);
    if (values.role !== undefined && !role) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
    outcome = handleHook(event, stdin, { policyFile: values.policy, role, env: io.env, home });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = { exitCode: 2, stdout: '', stderr: `cordon denied (internal-error): ${message}\n`, entry: { session: sessionOf(stdin), event: 'internal-error', decision: 'deny', rule: 'internal-error', reason: message } };
  }
  try {
    const cwd = cwdOf(stdin) ?? (io.cwd ?? process.cwd)();
    appendRecord(logPath(logFile, io.env, cwd), outcome.entry, { mask: { known: knownSecrets(io.env) } });
  } catch (error) {
    // An unrecorded decision is not a decision cordon can stand behind: deny.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${outcome.stderr}cordon denied (audit-log): cannot record the decision: ${message}\n`);
    return 2;
  }
  if (outcome.stdout) io.stdout(outcome.stdout);
  if (outcome.stderr) io.stderr(outcome.stderr);
  return outcome.exitCode;
}

function toolOf(stdin: string): unknown {
  try {
    const value: unknown = JSON.parse(stdin);
    return value && typeof value === 'object' ? (value as { tool_name?: unknown }).tool_name : undefined;
  } catch {
    return undefined;
  }
}

function cwdOf(stdin: string): string | undefined {
  try {
    const value: unknown = JSON.parse(stdin);
    const cwd = value && typeof value === 'object' ? (value as { cwd?: unknown }).cwd : undefined;
    return typeof cwd === 'string' && cwd.startsWith('/') ? cwd : undefined;
  } catch {
    return undefined;
  }
}

function processIo(): HookIo {
  return {
    stdin: () => readFileSync(0, 'utf8'),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}
