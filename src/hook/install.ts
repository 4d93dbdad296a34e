// Merges cordon's hook entries into a Claude Code settings file: four events, every tool, idempotent.

import { UsageError } from '../core/errors.js';
import { LineIndex } from '../core/location.js';
import { parseJson } from '../parse/json-check.js';
import { CLAUDE_EVENT, HOOK_EVENTS, type HookEvent } from './payload.js';
import { HOOK_CLIENT_SOURCE } from './relay.js';

export interface HookInvocation {
  /** The executable Claude Code starts: the Node binary. */
  node: string;
  /** cordon's bin script, absolute. */
  script: string;
  /** Extra arguments for every hook (`--policy FILE`, `--role ROLE`, `--log FILE`). */
  extraArgs: readonly string[];
}

export interface HooksMerge {
  text: string;
  /** Events whose entry was added or replaced. */
  changed: HookEvent[];
}

/** Seconds: far above a hook's ~0.1 s, far below the 600 s default, so a stuck hook cannot stall a CI job. */
export const HOOK_TIMEOUT_SECONDS = 30;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Handler = { [key: string]: Json };

/**
 * The settings text with cordon's handlers for the four events. Handlers are exec form (`command` plus
 * `args`), so no shell parses a path. Earlier cordon handlers are replaced; other handlers and every
 * other setting are kept. `disableAllHooks` is set to false, because a higher-precedence false beats a
 * repository's committed true.
 */
export function mergeHooks(settingsText: string | undefined, file: string, invocation: HookInvocation): HooksMerge {
  const text = settingsText ?? '{}';
  const parsed = parseJson(text);
  if ('problem' in parsed) throw errorAt(file, text, parsed.problem.offset, `invalid JSON: ${parsed.problem.message}`);
  if (parsed.root.type !== 'object') throw errorAt(file, text, parsed.root.start, 'the settings file is not a JSON object');
  const settings = JSON.parse(text) as { [key: string]: Json };
  const before = JSON.stringify(settings);
  const hooks = settings.hooks ?? {};
  if (typeof hooks !== 'object' || hooks === null || Array.isArray(hooks)) throw new UsageError(`${file}: "hooks" is not an object`);

  const changed: HookEvent[] = [];
  for (const event of HOOK_EVENTS) {
    const name = CLAUDE_EVENT[event];
    const groups = hooks[name] ?? [];
    if (!Array.isArray(groups)) throw new UsageError(`${file}: "hooks.${name}" is not an array`);
    const handler: Handler = { type: 'command', command: invocation.node, args: [...hookArgs(invocation.script), event, ...invocation.extraArgs], timeout: HOOK_TIMEOUT_SECONDS };
    const kept = groups.flatMap((group) => withoutCordon(group));
    const ours = { matcher: '*', hooks: [handler] };
    const next = [ours, ...kept];
    if (JSON.stringify(next) !== JSON.stringify(groups)) changed.push(event);
    hooks[name] = next;
  }
  settings.hooks = hooks;
  settings.disableAllHooks = false;
  const unchanged = settingsText !== undefined && JSON.stringify(settings) === before;
  return { text: unchanged ? settingsText : `${JSON.stringify(settings, null, 2)}\n`, changed };
}

/**
 * The arguments before the event: the relay client inline (relay.ts), then the bin it falls back to.
 * `node -e CODE BIN hook EVENT …` gives the client `process.argv` = [node, BIN, 'hook', EVENT, …].
 */
export function hookArgs(script: string): string[] {
  return ['-e', HOOK_CLIENT_SOURCE, script, 'hook'];
}

/** A matcher group with cordon's handlers taken out; dropped when nothing else is left in it. */
function withoutCordon(group: Json): Json[] {
  if (typeof group !== 'object' || group === null || Array.isArray(group) || !Array.isArray(group.hooks)) return [group];
  const others = group.hooks.filter((handler) => !isCordonHandler(handler));
  if (others.length === group.hooks.length) return [group];
  return others.length === 0 ? [] : [{ ...group, hooks: others }];
}

function isCordonHandler(handler: Json): boolean {
  if (typeof handler !== 'object' || handler === null || Array.isArray(handler)) return false;
  const args = Array.isArray(handler.args) ? handler.args : [];
  const hookAt = args.indexOf('hook');
  return hookAt >= 1 && typeof args[hookAt + 1] === 'string' && HOOK_EVENTS.includes(args[hookAt + 1] as HookEvent) && /cordon/.test(String(args[hookAt - 1]));
}

function errorAt(file: string, text: string, offset: number, message: string): UsageError {
  const at = new LineIndex(text).position(offset);
  return new UsageError(`${file}:${at.line}:${at.column}: ${message}`);
}
