// Reads what the settings rules judge out of a Claude Code settings file: permission rules, modes, hooks, merged layers.

import type { Route, YamlFile } from '../parse/yaml-doc.js';
import type { ParsedInput, RepoView, Target } from './rule.js';

export type Settings = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The settings object of a Claude settings input, or undefined for other inputs and non-object files. */
export function settingsOf(input: ParsedInput): Settings | undefined {
  if (input.kind !== 'claude-settings') return undefined;
  return isRecord(input.file.value) ? input.file.value : undefined;
}

export type PermissionList = 'allow' | 'deny' | 'ask';

/** One entry of `permissions.allow|deny|ask`, split into tool and specifier. */
export interface PermissionRule {
  text: string;
  tool: string;
  /** The text inside the parentheses; undefined for a bare tool name. */
  specifier: string | undefined;
  route: Route;
}

/** `Bash(npm run *)` → `{ tool: 'Bash', specifier: 'npm run *' }`; `Read` → no specifier. */
export function parsePermissionRule(text: string): { tool: string; specifier: string | undefined } {
  const trimmed = text.trim();
  const open = trimmed.indexOf('(');
  if (open > 0 && trimmed.endsWith(')')) return { tool: trimmed.slice(0, open).trim(), specifier: trimmed.slice(open + 1, -1) };
  return { tool: trimmed, specifier: undefined };
}

export function permissionRules(settings: Settings, list: PermissionList): PermissionRule[] {
  const permissions = settings.permissions;
  if (!isRecord(permissions)) return [];
  const entries = permissions[list];
  if (!Array.isArray(entries)) return [];
  const rules: PermissionRule[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry !== 'string') return;
    rules.push({ text: entry, ...parsePermissionRule(entry), route: ['permissions', list, index] });
  });
  return rules;
}

export function defaultMode(settings: Settings): string | undefined {
  const permissions = settings.permissions;
  return isRecord(permissions) && typeof permissions.defaultMode === 'string' ? permissions.defaultMode : undefined;
}

export const SHELL_TOOLS: ReadonlySet<string> = new Set(['Bash', 'PowerShell']);

/**
 * What a Bash rule specifier lets through. Words before the first `*` are fixed; `partial` is the
 * literal text the first wildcard word starts with (`test` for `npm run test*`). Claude Code's `*`
 * matches spaces too, so an open pattern allows any further words after the fixed ones.
 */
export interface CommandPattern {
  words: string[];
  open: boolean;
  partial: string;
}

export function commandPattern(specifier: string | undefined): CommandPattern {
  // `:*` is the legacy spelling of ` *`, and only counts at the very end.
  let text = (specifier ?? '').trim();
  if (text.endsWith(':*')) text = `${text.slice(0, -2)} *`;
  const tokens = text.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { words: [], open: true, partial: '' };
  const wild = tokens.findIndex((token) => token.includes('*'));
  if (wild === -1) return { words: tokens, open: false, partial: '' };
  const token = tokens[wild] ?? '';
  return { words: tokens.slice(0, wild), open: true, partial: token.slice(0, token.indexOf('*')) };
}

/** A Bash rule that allows any command at all: `Bash`, `Bash(*)`, `Bash(:*)`, `Bash(* --help)`. */
export function isAnyCommand(rule: Pick<PermissionRule, 'tool' | 'specifier'>): boolean {
  if (!SHELL_TOOLS.has(rule.tool)) return false;
  const pattern = commandPattern(rule.specifier);
  return pattern.open && pattern.words.length === 0 && pattern.partial === '';
}

/** How much shell the allow rules of some settings layers grant: any command, some commands, or none. */
export function shellAccess(layers: readonly SettingsLayer[]): 'any' | 'scoped' | undefined {
  const allowed = layers.flatMap((layer) => permissionRules(layer.settings, 'allow')).filter((rule) => SHELL_TOOLS.has(rule.tool) || rule.tool === '*');
  if (allowed.some((rule) => rule.tool === '*' || isAnyCommand(rule))) return 'any';
  return allowed.length > 0 ? 'scoped' : undefined;
}

/** A settings file that Claude Code merges with others when it runs. */
export interface SettingsLayer {
  input: ParsedInput;
  settings: Settings;
}

/**
 * The settings files merged with this one, this one first. `.claude/settings.json` and
 * `.claude/settings.local.json` of one directory load together (their arrays concatenate); a file
 * passed with `--settings` adds to the repository root's pair.
 */
export function mergedLayers(input: ParsedInput, repo: RepoView): SettingsLayer[] {
  const own = settingsOf(input);
  if (!own) return [];
  const dir = input.kind === 'claude-settings' && input.origin === 'path' ? claudeDir(input.file.path) : '.claude/';
  const layers: SettingsLayer[] = [{ input, settings: own }];
  // Grouping by directory once keeps this linear when many files are passed with --settings.
  const byDir = repo.memo('settings-facts:path-settings-by-dir', () => {
    const groups = new Map<string, ParsedInput[]>();
    for (const other of repo.ofKind('claude-settings')) {
      if (other.origin !== 'path') continue;
      const key = claudeDir(other.file.path);
      groups.set(key, [...(groups.get(key) ?? []), other]);
    }
    return groups;
  });
  for (const other of byDir.get(dir) ?? []) {
    if (other === input) continue;
    const settings = settingsOf(other);
    if (settings) layers.push({ input: other, settings });
  }
  return layers;
}

/**
 * Whether findings about what a merged group lacks go on this file: the local file defers to its
 * committed sibling, so one missing deny list is reported once.
 */
export function reportsForGroup(input: ParsedInput, repo: RepoView): boolean {
  if (input.kind !== 'claude-settings' || input.origin !== 'path' || !isLocalSettings(input.file.path)) return true;
  const sibling = `${claudeDir(input.file.path)}settings.json`;
  const other = repo.byPath.get(sibling);
  return !(other?.kind === 'claude-settings' && settingsOf(other) !== undefined);
}

export function isLocalSettings(path: string): boolean {
  return path === '.claude/settings.local.json' || path.endsWith('/.claude/settings.local.json');
}

function claudeDir(path: string): string {
  const at = path.lastIndexOf('.claude/');
  return at === -1 ? path : path.slice(0, at + '.claude/'.length);
}

/** Whether the native sandbox is on; it, not deny rules, is what confines Bash and its children. */
export function sandboxEnabled(layers: readonly SettingsLayer[]): boolean {
  return layers.some((layer) => isRecord(layer.settings.sandbox) && layer.settings.sandbox.enabled === true);
}

/** A shell command that Claude Code runs from settings: a hook handler or a credential helper. */
export interface SettingsCommand {
  /** `hook PreToolUse` or the helper's key, for messages. */
  where: string;
  command: string;
  route: Route;
  /** Exec-form arguments (`args`), run without a shell; each with its own route. */
  args: { value: string; route: Route }[] | undefined;
}

/** Keys whose value is a shell command Claude Code runs itself, in `-p` mode too. */
export const HELPER_COMMAND_KEYS = ['apiKeyHelper', 'awsAuthRefresh', 'awsCredentialExport', 'otelHeadersHelper'] as const;

/** Every command hook handler (`hooks.<Event>[].hooks[]` with `type: command`). */
export function hookCommands(settings: Settings): SettingsCommand[] {
  const found: SettingsCommand[] = [];
  if (!isRecord(settings.hooks)) return found;
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) continue;
    groups.forEach((group, g) => {
      if (!isRecord(group) || !Array.isArray(group.hooks)) return;
      group.hooks.forEach((handler, h) => {
        if (!isRecord(handler) || typeof handler.command !== 'string') return;
        if (handler.type !== undefined && handler.type !== 'command') return;
        const route: Route = ['hooks', event, g, 'hooks', h];
        const args = Array.isArray(handler.args)
          ? handler.args.flatMap((arg, a) => (typeof arg === 'string' ? [{ value: arg, route: [...route, 'args', a] }] : []))
          : undefined;
        found.push({ where: `the ${event} hook`, command: handler.command, route: [...route, 'command'], args });
      });
    });
  }
  return found;
}

export function helperCommands(settings: Settings): SettingsCommand[] {
  return HELPER_COMMAND_KEYS.flatMap((key) => {
    const value = settings[key];
    return typeof value === 'string' ? [{ where: `\`${key}\``, command: value, route: [key], args: undefined }] : [];
  });
}

/** The first character of the document: where findings about something missing from a file go. */
export function fileStart(file: YamlFile): Target {
  const start = Math.max(0, file.text.search(/\S/));
  return { start, end: Math.min(file.text.length, start + 1) };
}

/** The deepest of `permissions.<list>` and `permissions` that exists, or the file start. */
export function permissionsTarget(settings: Settings, file: YamlFile, list?: PermissionList): Target {
  const permissions = settings.permissions;
  if (!isRecord(permissions)) return fileStart(file);
  if (list && permissions[list] !== undefined) return { route: ['permissions', list], part: 'key' };
  return { route: ['permissions'], part: 'key' };
}
