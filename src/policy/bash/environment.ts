// The agent's environment holds the model key and CI tokens: commands that dump it, and credential variables expanded where their value can be seen.

import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import { isCredentialName } from '../../auditlog/mask.js';
import type { Hit } from '../verdict.js';
import { commandSpan, spanOf, type BashCheck, type BashContext } from './context.js';

export const environmentDump: BashCheck = {
  name: 'environment-dump',
  command(command, ctx) {
    if (command.dynamic) return [];
    const hits: Hit[] = [];
    const dump = dumpReason(command);
    if (dump) hits.push({ category: 'secret-access', rule: 'environment-dump', reason: dump, span: commandSpan(command) });
    hits.push(...expansionHits(command, ctx));
    return hits;
  },
  redirect(redirect, ctx) {
    return wordHits(redirect.target, ctx, `${redirect.operator} ${redirect.target.raw}`);
  },
};

/** Why the command prints the environment (or a credential in it), or undefined. */
export function dumpReason(command: EffectiveCommand): string | undefined {
  const args = command.args;
  const operands = args.filter((a) => !a.startsWith('-') && !a.startsWith('+'));
  switch (command.program) {
    case 'env':
      return envRunsNothing(args) ? 'env without a command prints the whole environment' : undefined;
    case 'printenv': {
      if (args.some((a) => a === '--help' || a === '--version')) return undefined;
      if (operands.length === 0) return 'printenv prints the whole environment';
      const secret = operands.find(isSecretVariable);
      return secret ? `printenv prints ${secret}, a credential` : undefined;
    }
    case 'set':
      return args.length === 0 ? 'set without arguments prints every variable' : undefined;
    case 'export':
      return args.every((a) => a === '-p') ? 'export -p prints every exported variable' : undefined;
    case 'declare':
    case 'typeset': {
      const flags = args.filter((a) => a.startsWith('-') || a.startsWith('+')).join('');
      if (operands.length === 0) return /[fF]/.test(flags) ? undefined : `${[command.program, ...args].join(' ')} prints variables`;
      const secret = operands.find((a) => !a.includes('=') && isSecretVariable(a));
      return flags.includes('p') && secret ? `${command.program} -p prints ${secret}, a credential` : undefined;
    }
    case 'compgen': {
      const listsVariables = args.some((a, i) => a === '-v' || a === '-e' || (a === '-A' && ['variable', 'export'].includes(args[i + 1] ?? '')));
      return listsVariables ? 'compgen lists the names of environment variables' : undefined;
    }
    case 'ps':
      // BSD syntax (no dash): `e` adds each process's environment to the listing.
      return args.some((a, i) => /^[A-Za-z]*e[A-Za-z]*$/.test(a) && !args[i - 1]?.startsWith('-')) ? 'ps e prints the environment of every process' : undefined;
    case 'jq':
    case 'gojq':
    case 'yq': {
      const filter = filterOf(command);
      return filter !== undefined && /\$ENV\b|(?:^|[^\w.$"])(?:str)?env\b(?!\s*:)/.test(filter) ? `${command.program} reads the environment through env/$ENV` : undefined;
    }
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk':
      return args.some((a) => /\bENVIRON\b/.test(a)) ? `${command.program} reads the environment through ENVIRON` : undefined;
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun': {
      const run = args.findIndex((a) => a === 'run' || a === 'run-script');
      return run !== -1 && args[run + 1] === 'env' ? `${command.program} run env prints the whole environment` : undefined;
    }
    case 'systemctl':
    case 'launchctl':
      return args.includes('show-environment') || args.includes('getenv') ? `${command.program} prints the environment` : undefined;
    default:
      return undefined;
  }
}

/** `env`, `env -0`, `env -u X`: options and assignments only, nothing to run. */
function envRunsNothing(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '--version') return false;
    if (a === '-S' || a === '--split-string' || a.startsWith('--split-string=')) return false;
    if (a === '-u' || a === '-C' || a === '--unset' || a === '--chdir') { i++; continue; }
    if (a === '--') return i === args.length - 1;
    if (a.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) continue;
    return false;
  }
  return true;
}

function filterOf(command: EffectiveCommand): string | undefined {
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--arg' || a === '--argjson' || a === '--slurpfile' || a === '--rawfile') { i += 2; continue; }
    if (a === '-f' || a === '--from-file' || a === '-L' || a === '--indent') return undefined;
    if (!a.startsWith('-')) return a;
  }
  return undefined;
}

/**
 * Extra credential words for upper-case environment names, beyond the audit log's list: `SSH_KEY`,
 * `NPM_AUTH`, `DATABASE_URL` (which carries a password).
 */
const CREDENTIAL_ENV_NAME = /(?:^|_)(?:KEY|KEYS|PAT|AUTH|SESSION|DSN|JWT|BEARER|CREDS|PASS|PASSPHRASE|SIGNING|PRIVATE|SALT)(?:_|$)|(?:^|_)(?:DATABASE|DB|REDIS|MONGO|MONGODB|POSTGRES|PG|MYSQL|AMQP|BROKER)_UR[LI]$/;

export function isSecretVariable(name: string): boolean {
  return isCredentialName(name) || CREDENTIAL_ENV_NAME.test(name);
}

/**
 * Commands that expand a variable without showing it: `: "${TOKEN:?}"`, `test -n "$TOKEN"`, and declarations
 * (`export GH_TOKEN=$GITHUB_TOKEN`), whose copy is tracked by isExposedVariable instead.
 */
const SILENT = new Set([':', 'true', 'test', '[', 'export', 'declare', 'typeset', 'local', 'readonly']);

function expansionHits(command: EffectiveCommand, ctx: BashContext): Hit[] {
  if (SILENT.has(command.program)) return [];
  const hits = command.words.flatMap((word) => wordHits(word, ctx, command.program));
  if (command.stdinText !== undefined && expandsStdin(ctx, command)) {
    const body: ArgWord = { value: command.stdinText, raw: command.stdinText, start: command.start, dynamic: true };
    hits.push(...wordHits(body, ctx, `${command.program}'s here-document`).map((hit) => ({ ...hit, span: commandSpan(command) })));
  }
  return hits;
}

/** A here-document with an unquoted delimiter, or a here-string not in single quotes, expands `$NAME`. */
function expandsStdin(ctx: BashContext, command: EffectiveCommand): boolean {
  const lineEnd = ctx.script.indexOf('\n', command.start);
  const line = ctx.script.slice(command.start, lineEnd === -1 ? undefined : lineEnd);
  const here = /<<(<?)-?\s*(['"\\]?)/.exec(line);
  if (!here) return true;
  return here[1] === '<' ? here[2] !== "'" : here[2] === '';
}

/** `$TOKEN`, `${TOKEN:0:4}`, `${!name}` in a word, outside single quotes. */
function wordHits(word: ArgWord, ctx: BashContext, where: string): Hit[] {
  if (!word.dynamic || !word.raw.includes('$')) return [];
  const hits: Hit[] = [];
  const span = spanOf(word);
  for (const expansion of expansions(word.raw)) {
    if (expansion.indirect) {
      hits.push({ category: 'secret-access', rule: 'variable-indirection', reason: `${where} expands ${expansion.text}, which reads variables by a computed name`, span });
      continue;
    }
    if (expansion.length) continue;
    if (isExposedVariable(ctx, expansion.name, word.start)) {
      hits.push({ category: 'secret-access', rule: 'credential-variable', reason: `${where} expands $${expansion.name}, a credential in the environment`, span });
    }
  }
  return hits;
}

interface Expansion {
  name: string;
  text: string;
  /** `${!name}` or `${!prefix@}`; `${!array[@]}` (the keys of an array) is not. */
  indirect: boolean;
  /** `${#NAME}` only tells the length. */
  length: boolean;
}

function expansions(raw: string): Expansion[] {
  const found: Expansion[] = [];
  let single = false;
  let double = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (single) {
      if (c === "'") single = false;
      continue;
    }
    if (c === '\\') { i++; continue; }
    if (c === "'" && !double) { single = true; continue; }
    if (c === '"') { double = !double; continue; }
    if (c !== '$') continue;
    const rest = raw.slice(i);
    const braced = /^\$\{([!#]?)([A-Za-z_][A-Za-z0-9_]*)(\[[@*]\])?([@*]?)/.exec(rest);
    if (braced) {
      const [text, prefix, name, subscript, star] = braced;
      found.push({ name: name!, text: `${text}}`, indirect: prefix === '!' && !subscript && (star !== undefined), length: prefix === '#' });
      // `${!name}` with nothing after the name is indirection too.
      if (prefix === '!' && !subscript && !star && rest[text.length] === '}') found[found.length - 1]!.indirect = true;
      continue;
    }
    const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (plain) found.push({ name: plain[1]!, text: plain[0], indirect: false, length: false });
  }
  return found;
}

/**
 * A credential-named variable the script did not set itself (so it comes from the environment), or a
 * variable the script filled from one (`T=$GITHUB_TOKEN; echo $T`).
 */
function isExposedVariable(ctx: BashContext, name: string, at: number): boolean {
  const before = ctx.script.slice(0, at);
  const assignments = [...before.matchAll(new RegExp(`(?:^|[\\s;&|(])(?:export\\s+|local\\s+|readonly\\s+|declare\\s+(?:-\\w+\\s+)*)?${name}=([^\\s;&|]*)`, 'g'))];
  const bound = assignments.length > 0 || new RegExp(`\\b(?:for|read(?:\\s+-\\w+)*)\\s+(?:\\w+\\s+)*${name}\\b`).test(before);
  if (!bound) return isSecretVariable(name);
  return assignments.some((m) => expansions(m[1]!).some((e) => e.name !== name && isExposedVariable(ctx, e.name, m.index)));
}
