// Process control: signals to processes the command did not start, attaching a debugger, changing others' priorities, shutting the machine down.

import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, pathsOf, spanOf, type BashCheck, type BashContext } from './context.js';
import { firstOperand, SYSTEMCTL_POWER, SYSTEMCTL_VALUE_OPTIONS } from './privilege.js';

export const processControl: BashCheck = {
  name: 'process-control',
  command(command, ctx) {
    if (command.dynamic) return [];
    const span = commandSpan(command);
    if (command.program === 'kill') return killHits(command, ctx, span);
    const found = PROGRAMS[command.program]?.(command.words);
    return found ? [hit(found.rule, found.reason, span)] : [];
  },
  redirect(redirect, ctx) {
    if (!/>/.test(redirect.operator)) return [];
    const sysrq = pathsOf(ctx, redirect.target, redirect.start).paths.includes('/proc/sysrq-trigger');
    return sysrq ? [hit('power', 'writing /proc/sysrq-trigger can reboot, halt or kill every process on the machine', spanOf(redirect.target))] : [];
  },
};

interface Found {
  rule: string;
  reason: string;
}

function hit(rule: string, reason: string, span: Span): Hit {
  return { category: 'process-control', rule, reason, span };
}

/** What a `kill` command line sends, and to whom. */
interface KillLine {
  /** `kill -l`, `kill -0 …`: lists signals or only checks that a process exists. */
  harmless: boolean;
  targets: ArgWord[];
}

function killLine(words: readonly ArgWord[]): KillLine {
  let signal: string | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    if (/^(-l|-L|--list|--table)(=|$)/.test(a)) return { harmless: true, targets: [] };
    if (a === '-s' || a === '-n' || a === '--signal') { signal = words[++i]?.value; continue; }
    if (a.startsWith('--signal=')) { signal = a.slice(9); continue; }
    if (a === '-q' || a === '--queue') { i++; continue; }
    if (a === '--timeout') { i += 2; continue; }
    // The first `-X` is the signal; after it, `-1` is a pid (every process), not an option.
    if (signal === undefined && /^-[A-Za-z0-9+-]+$/.test(a)) { signal = a.slice(1); continue; }
    break;
  }
  return { harmless: signal !== undefined && /^(SIG)?0$/i.test(signal), targets: words.slice(i) };
}

function killHits(command: EffectiveCommand, ctx: BashContext, span: Span): Hit[] {
  const line = killLine(command.words);
  if (line.harmless) return [];
  if (line.targets.length === 0) {
    const source = command.via.includes('xargs') ? 'from its input' : 'from elsewhere';
    return [hit('kill', `kill gets the processes it signals ${source}, so they may not be jobs this command started`, span)];
  }
  return line.targets.filter((target) => !ownJob(ctx, target, command.start)).map((target) => hit('kill', `kill signals ${target.raw}, which is not a job started by this command`, spanOf(target)));
}

/**
 * A job this command started: a job spec (`%1`), `$!`, `$(jobs -p)`, or a variable whose only assignment
 * before the kill is `NAME=$!`.
 */
function ownJob(ctx: BashContext, target: ArgWord, at: number): boolean {
  const raw = target.raw.replace(/^"(.*)"$/s, '$1');
  if (/^%([0-9]+|[%+-]|\??[\w.-]+)$/.test(raw)) return true;
  if (raw === '$!' || raw === '${!}') return true;
  if (/^(\$\(\s*jobs\s+-[prs]+\s*\)|`\s*jobs\s+-[prs]+\s*`)$/.test(raw)) return true;
  const name = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(raw)?.[1];
  return name !== undefined && boundToLastJob(ctx.script.slice(0, at), name);
}

/** Every mention of `name` is either a read (`$name`, `${name}`) or the assignment `name=$!`, and there is such an assignment. */
function boundToLastJob(text: string, name: string): boolean {
  let assigned = false;
  for (const match of text.matchAll(new RegExp(`(?<![\\w])${name}(?![\\w])`, 'g'))) {
    const before = text.slice(Math.max(0, match.index - 2), match.index);
    const after = text.slice(match.index + name.length);
    const read = before.endsWith('$') || (before === '${' && /^(\}|:?[-+?]|#|%|\/|\[)/.test(after));
    if (read) continue;
    if (/^=("?)(\$!|\$\{!\})\1(?=[\s;&|)]|$)/.test(after)) {
      assigned = true;
      continue;
    }
    return false;
  }
  return assigned;
}

type Judge = (words: readonly ArgWord[]) => Found | undefined;

const always = (rule: string, reason: string): Judge => () => ({ rule, reason });

/** Options that attach to a running process by id. */
function attaches(program: string, flag: RegExp): Judge {
  return (words) => {
    const found = words.find((w) => flag.test(w.value));
    return found ? { rule: 'ptrace', reason: `${program} ${found.value} attaches to a running process` } : undefined;
  };
}

function onPid(program: string, flag: RegExp, rule: string, what: string): Judge {
  return (words) => (words.some((w) => flag.test(w.value)) ? { rule, reason: `${program} ${what} of a running process` } : undefined);
}

/** gdb attaches with `-p`, `--pid`, an `attach` command, or a process id after the program (`gdb prog 1234`). */
function gdbAttach(words: readonly ArgWord[]): Found | undefined {
  const flag = words.find((w) => /^--?(p|pid)(=|$)|^-p\d+$/.test(w.value) || /\battach\b/.test(w.value));
  if (flag) return { rule: 'ptrace', reason: `gdb ${flag.value} attaches to a running process` };
  const operands = words.filter((w, i) => !w.value.startsWith('-') && !/^-(ex|iex|x|ix|cd|d|s|e|se|c|eval-command|init-eval-command|command|directory|symbols|exec|core|tty)$/.test(words[i - 1]?.value ?? ''));
  if (operands.length >= 2 && /^\d+$/.test(operands[1]!.value)) return { rule: 'ptrace', reason: `gdb ${operands[0]!.value} ${operands[1]!.value} attaches to process ${operands[1]!.value}` };
  return undefined;
}

const signalAll = (program: string): Judge => always('kill', `${program} signals processes by name or user, including ones this command did not start`);
const power = (program: string): Judge => always('power', `${program} stops or restarts the machine`);

const PROGRAMS: Readonly<Record<string, Judge>> = {
  pkill: signalAll('pkill'),
  killall: signalAll('killall'),
  killall5: signalAll('killall5'),
  skill: signalAll('skill'),
  snice: always('priority', 'snice changes the priority of processes by name or user'),
  xkill: signalAll('xkill'),
  fuser: onPid('fuser', /^-[a-zA-Z]*k|^--kill$/, 'kill', 'kills the processes using a file instead'),
  strace: attaches('strace', /^-[cCdDfFhiknqrtTvVwxyzZ]*p|^--attach(=|$)/),
  ltrace: attaches('ltrace', /^-[cCdDfFhiLrStTV]*p|^--pid(=|$)/),
  gdb: gdbAttach,
  lldb: attaches('lldb', /^(-p|--attach-pid|-n|--attach-name|-w|--wait-for)(=|$)/),
  gcore: always('ptrace', 'gcore dumps the memory of a running process'),
  pstack: always('ptrace', 'pstack attaches to a running process'),
  'eu-stack': attaches('eu-stack', /^(-p|--pid)(=|$)/),
  perf: attaches('perf', /^(-p|--pid|-a|--all-cpus)(=|$)/),
  bpftrace: attaches('bpftrace', /^(-p)$/),
  'py-spy': attaches('py-spy', /^(-p|--pid)(=|$)/),
  rbspy: attaches('rbspy', /^(-p|--pid)(=|$)/),
  reptyr: always('ptrace', 'reptyr takes over a running process'),
  criu: always('ptrace', 'criu dumps or restores running processes'),
  renice: always('priority', 'renice changes the priority of running processes'),
  ionice: onPid('ionice', /^(-p|-P|-u|--pid|--pgid|--uid)(=|$)/, 'priority', 'changes the I/O priority'),
  chrt: onPid('chrt', /^(-p|--pid)$|^-[a-zA-Z]*p$/, 'priority', 'changes the scheduling'),
  taskset: onPid('taskset', /^(-p|--pid)$|^-[a-zA-Z]*p$/, 'priority', 'changes the CPU affinity'),
  prlimit: onPid('prlimit', /^(-p|--pid)(=|$)/, 'priority', 'changes the resource limits'),
  cpulimit: onPid('cpulimit', /^(-p|--pid|-e|--exe|-P|--path)(=|$)/, 'priority', 'throttles the CPU'),
  shutdown: power('shutdown'),
  reboot: power('reboot'),
  halt: power('halt'),
  poweroff: power('poweroff'),
  kexec: power('kexec'),
  telinit: power('telinit'),
  init: (words) => (words.length > 0 && !/^(--version|--help|-h)$/.test(words[0]!.value) ? { rule: 'power', reason: `init ${words[0]!.value} switches the machine's run level` } : undefined),
  systemctl: (words) => {
    const verb = firstOperand(words, SYSTEMCTL_VALUE_OPTIONS);
    return verb !== undefined && SYSTEMCTL_POWER.test(verb) ? { rule: 'power', reason: `systemctl ${verb} stops, restarts or suspends the machine` } : undefined;
  },
  loginctl: (words) => {
    const verb = firstOperand(words) ?? '';
    return /^(poweroff|reboot|halt|suspend|hibernate|terminate-\w+|kill-\w+|lock-\w+)$/.test(verb) ? { rule: 'kill', reason: `loginctl ${verb} acts on sessions or the machine` } : undefined;
  },
};
