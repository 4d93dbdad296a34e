// Shell scripts parsed with the real bash grammar (tree-sitter-bash): every simple command, anywhere.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { Language, Parser, type Node as SyntaxNode } from 'web-tree-sitter';

export interface ShellWord {
  /** The word's value with quotes and escapes removed; expansions are kept as written. */
  value: string;
  /** Offsets into the script text. */
  start: number;
  end: number;
}

export interface ShellCommand {
  /** The command name word, absent for bare assignments. */
  name: ShellWord | undefined;
  args: ShellWord[];
  /** `NAME=value` prefixes of the command. */
  assignments: ShellWord[];
  start: number;
  end: number;
  /** Where standard output and standard error end up: the job log, a file, or a `$( )` capture. */
  stdout: OutputSink;
  stderr: OutputSink;
}

export type OutputSink = 'log' | 'file' | 'captured';

/** A file redirection anywhere in the script (`> out`, `2>>log`, `< .env`, `&> f`, `3<>/dev/tcp/h/80`). */
export interface ShellRedirect {
  /** The operator as written: `>`, `>>`, `<`, `&>`, `&>>`, `>|`, `<>`, `>&`, `<&`. */
  operator: string;
  /** The file descriptor written before the operator, if any. */
  fd: number | undefined;
  /** The destination word; for `>&2` it is the descriptor number. */
  target: ShellWord;
  start: number;
  end: number;
}

export interface ShellScript {
  commands: ShellCommand[];
  redirects: ShellRedirect[];
  /** `export`, `declare`, `typeset`, `local`, `readonly`: the grammar's declaration commands, kept apart from `commands`. */
  declarations: ShellCommand[];
  /** True when the grammar could not parse part of the script. */
  hasError: boolean;
}

let parser: Parser | undefined;

/** Loads the grammar once per process; the audit awaits it before any rule runs. */
export async function loadShellParser(): Promise<void> {
  if (parser) return;
  const require = createRequire(import.meta.url);
  // V8 otherwise recompiles the whole grammar with its optimising tier on background threads, which
  // costs about a second of CPU per process; the baseline compiler parses CI scripts fast enough.
  setFlagsFromString('--liftoff-only');
  // Both binaries are handed over as bytes: web-tree-sitter would otherwise look for its runtime next to
  // its own script (not there once bundled) and load the grammar through a dynamic import().
  await Parser.init({ wasmBinary: readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm')) });
  const language = await Language.load(readFileSync(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm')));
  const instance = new Parser();
  instance.setLanguage(language);
  parser = instance;
}

/**
 * Parses a script. GitHub `${{ }}` expressions are replaced by same-length placeholder words first,
 * because the runner substitutes them before the shell ever sees the text.
 */
export function parseShell(script: string): ShellScript {
  const cached = cache.get(script);
  if (cached) return cached;
  const parsed = parseUncached(script);
  // Many rules ask about the same `run:` script; the result is shared, so it is frozen.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(script, parsed);
  return parsed;
}

const CACHE_LIMIT = 20_000;
const cache = new Map<string, ShellScript>();

function parseUncached(script: string): ShellScript {
  if (!parser) throw new Error('internal error: shell parser used before loadShellParser()');
  const masked = script.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => 'E'.repeat(m.length));
  const tree = parser.parse(masked);
  if (!tree) throw new Error('internal error: tree-sitter returned no tree');
  const commands: ShellCommand[] = [];
  for (const node of tree.rootNode.descendantsOfType('command')) if (node) commands.push(toCommand(node, script));
  const redirects: ShellRedirect[] = [];
  for (const node of tree.rootNode.descendantsOfType('file_redirect')) {
    const redirect = node && toRedirect(node, script);
    if (redirect) redirects.push(Object.freeze(redirect));
  }
  const declarations: ShellCommand[] = [];
  for (const node of tree.rootNode.descendantsOfType('declaration_command')) if (node) declarations.push(Object.freeze(toDeclaration(node, script)));
  const hasError = tree.rootNode.hasError;
  tree.delete();
  commands.sort((a, b) => a.start - b.start);
  redirects.sort((a, b) => a.start - b.start);
  for (const command of commands) {
    Object.freeze(command.args);
    Object.freeze(command.assignments);
    Object.freeze(command);
  }
  return Object.freeze({ commands: Object.freeze(commands) as ShellCommand[], redirects: Object.freeze(redirects) as ShellRedirect[], declarations: Object.freeze(declarations) as ShellCommand[], hasError });
}

/** `export -p` as a command named `export`; its assignments (`export A=1`) stay arguments, as the builtin sees them. */
function toDeclaration(node: SyntaxNode, original: string): ShellCommand {
  const keyword = node.child(0);
  const name = { value: keyword ? original.slice(keyword.startIndex, keyword.endIndex) : '', start: node.startIndex, end: keyword?.endIndex ?? node.startIndex };
  const args = node.namedChildren.filter((c): c is SyntaxNode => c !== null && !c.type.endsWith('redirect')).map((c) => word(c, original));
  return { name, args, assignments: [], start: node.startIndex, end: node.endIndex, stdout: sinkOf(node, 1, original), stderr: sinkOf(node, 2, original) };
}

function toRedirect(node: SyntaxNode, original: string): ShellRedirect | undefined {
  const descriptor = node.namedChildren.find((c) => c?.type === 'file_descriptor');
  const destination = node.childrenForFieldName('destination').filter((c): c is SyntaxNode => c !== null);
  const first = destination[0];
  if (!first) return undefined;
  const operator = original.slice(descriptor?.endIndex ?? node.startIndex, first.startIndex).trim();
  const fd = descriptor ? Number(original.slice(descriptor.startIndex, descriptor.endIndex)) : undefined;
  return { operator, fd, target: word(first, original), start: node.startIndex, end: node.endIndex };
}

function toCommand(node: SyntaxNode, original: string): ShellCommand {
  let name: ShellWord | undefined;
  const args: ShellWord[] = [];
  const assignments: ShellWord[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'command_name') {
      const inner = child.namedChildren[0] ?? child;
      name = word(inner, original);
    } else if (child.type === 'variable_assignment') {
      assignments.push(word(child, original));
    } else if (name && !child.type.endsWith('redirect') && child.type !== 'herestring_redirect') {
      args.push(word(child, original));
    }
  }
  return { name, args, assignments, start: node.startIndex, end: node.endIndex, stdout: sinkOf(node, 1, original), stderr: sinkOf(node, 2, original) };
}

/**
 * Follows one file descriptor outwards through enclosing redirections and command substitutions.
 * A pipe is transparent: what reads it (`tee`, `jq`) usually prints to the log anyway.
 */
function sinkOf(node: SyntaxNode, fd: number, original: string): OutputSink {
  let current = fd;
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === 'command_substitution' || parent.type === 'process_substitution') {
      if (current === 1) return 'captured';
    }
    if (parent.type !== 'redirected_statement' || parent.childForFieldName('body')?.id !== child.id) continue;
    const map = new Map<number, number | 'file'>([
      [1, 1],
      [2, 2],
    ]);
    for (const redirect of parent.namedChildren) {
      if (redirect?.type !== 'file_redirect') continue;
      const descriptor = redirect.namedChildren.find((c) => c?.type === 'file_descriptor');
      const destination = redirect.childForFieldName('destination');
      const operator = original.slice(descriptor?.endIndex ?? redirect.startIndex, destination?.startIndex ?? redirect.endIndex).trim();
      const target = destination ? original.slice(destination.startIndex, destination.endIndex) : '';
      const to: number | 'file' = /^>&$/.test(operator) && /^\d+$/.test(target) ? (map.get(Number(target)) ?? 'file') : 'file';
      if (operator.startsWith('&>')) {
        map.set(1, 'file');
        map.set(2, 'file');
      } else if (operator.startsWith('>')) {
        map.set(descriptor ? Number(original.slice(descriptor.startIndex, descriptor.endIndex)) : 1, to);
      }
    }
    const next = map.get(current) ?? current;
    if (next === 'file') return 'file';
    current = next;
  }
  return 'log';
}

function word(node: SyntaxNode, original: string): ShellWord {
  return { value: unquote(node, original), start: node.startIndex, end: node.endIndex };
}

function unquote(node: SyntaxNode, original: string): string {
  const raw = original.slice(node.startIndex, node.endIndex);
  switch (node.type) {
    case 'raw_string':
      return raw.slice(1, -1);
    case 'string':
      return raw.slice(1, -1).replace(/\\([$`"\\\n])/g, '$1');
    case 'ansi_c_string':
      return raw.slice(2, -1);
    case 'word':
      return raw.replace(/\\(.)/g, '$1');
    case 'concatenation':
      return concatenate(node, original);
    default:
      return raw;
  }
}

function concatenate(node: SyntaxNode, original: string): string {
  // Children may not cover unnamed pieces (bare text between them), so walk by offsets.
  let out = '';
  let at = node.startIndex;
  for (const child of node.namedChildren) {
    if (!child) continue;
    out += original.slice(at, child.startIndex).replace(/\\(.)/g, '$1');
    out += unquote(child, original);
    at = child.endIndex;
  }
  return out + original.slice(at, node.endIndex).replace(/\\(.)/g, '$1');
}

/** The last path segment of a command name: `/usr/bin/curl` → `curl`. */
export function commandBaseName(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash === -1 ? name : name.slice(slash + 1);
}

/**
 * Splits a flag list such as `claude_args` into words with the same grammar, keeping offsets.
 */
export function parseArgumentString(text: string): ShellWord[] {
  const script = parseShell(`x ${text.replace(/\\\n/g, '  ').replace(/\n/g, ' ')}`);
  const first = script.commands[0];
  if (!first) return [];
  const all: ShellWord[] = [];
  for (const command of script.commands) {
    if (command.start > 0 && command !== first) continue;
    for (const arg of command.args) all.push({ value: arg.value, start: arg.start - 2, end: arg.end - 2 });
  }
  return all;
}
