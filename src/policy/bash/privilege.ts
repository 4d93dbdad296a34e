// Privilege escalation: other users (sudo, su, doas), setuid bits, namespaces, accounts, services, kernel and firewall settings, the container daemon, nested agents.

import { posix } from 'node:path';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, pathsOf, spanOf, type BashCheck, type BashContext } from './context.js';

export const privilege: BashCheck = {
  name: 'privilege',
  command(command, ctx) {
    if (command.dynamic) return [];
    const span = commandSpan(command);
    const found = PROGRAMS[command.program]?.(command.words);
    const hits: Hit[] = found ? [hit(found.rule, found.reason, span)] : [];
    hits.push(...socketHits(command), ...nestedAgentHits(command, span));
    if (command.program === 'tee') for (const word of command.words) hits.push(...sensitiveWriteHits(ctx, word, word.start, 'tee'));
    return hits;
  },
  redirect(redirect, ctx) {
    if (!/>/.test(redirect.operator)) return [];
    return sensitiveWriteHits(ctx, redirect.target, redirect.start, 'a redirection');
  },
};

interface Found {
  rule: string;
  reason: string;
}

function hit(rule: string, reason: string, span: Span): Hit {
  return { category: 'privilege', rule, reason, span };
}

type Judge = (words: readonly ArgWord[]) => Found | undefined;

const always = (rule: string, reason: string): Judge => () => ({ rule, reason });

/** The first operand, skipping options (and the values of those listed). */
export function firstOperand(words: readonly ArgWord[], valueOptions: readonly string[] = []): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') return words[i + 1]?.value;
    if (!a.startsWith('-') || a === '-') return a;
    if (valueOptions.includes(a)) i++;
  }
  return undefined;
}

const userSwitch = (program: string): Judge => always('run-as-other-user', `${program} runs a command as another user`);

/** Read-only queries of a service manager are fine; anything else changes what runs on the machine. */
function serviceManager(program: string, readOnly: RegExp, valueOptions: readonly string[] = []): Judge {
  return (words) => {
    if (words.length === 0 || words.every((w) => /^(--version|-h|--help)$/.test(w.value))) return undefined;
    const verb = firstOperand(words, valueOptions);
    if (verb !== undefined && readOnly.test(verb)) return undefined;
    return { rule: 'service-control', reason: `${program} ${verb ?? words[0]!.value} changes system services` };
  };
}

export const SYSTEMCTL_VALUE_OPTIONS = ['-H', '--host', '-M', '--machine', '-t', '--type', '--state', '-p', '--property', '-n', '--lines', '-o', '--output'];
const SYSTEMCTL_READ = /^(status|is-active|is-enabled|is-failed|is-system-running|list-units|list-unit-files|list-sockets|list-timers|list-jobs|list-dependencies|show|cat|help|get-default)$/;
/** Verbs that stop or restart the machine itself; processes.ts reports them as process control. */
export const SYSTEMCTL_POWER = /^(poweroff|reboot|halt|kexec|suspend|hibernate|hybrid-sleep|suspend-then-hibernate|rescue|emergency|soft-reboot|isolate|default)$/;

/** A setuid or setgid bit in a chmod mode: `u+s`, `g=rwxs`, `+s`, `4755`, `2755`. */
export function setsIdBit(mode: string): boolean {
  if (/^[0-7]{4,}$/.test(mode)) return (Number(mode[mode.length - 4]) & 6) !== 0;
  return mode.split(',').some((clause) => /^[ugoa]*(?:[-+=][rwxXstugo]*)*[+=][rwxXtugo]*s/.test(clause));
}

function chmodSetuid(words: readonly ArgWord[]): Found | undefined {
  const mode = firstOperand(words, ['--reference']);
  if (mode && setsIdBit(mode)) return { rule: 'setuid', reason: `chmod ${mode} sets a setuid or setgid bit` };
  return undefined;
}

function installSetuid(words: readonly ArgWord[]): Found | undefined {
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.value;
    const mode = a === '-m' || a === '--mode' ? words[i + 1]?.value : a.startsWith('--mode=') ? a.slice(7) : a.startsWith('-m') && a.length > 2 ? a.slice(2) : undefined;
    if (mode && setsIdBit(mode)) return { rule: 'setuid', reason: `install -m ${mode} sets a setuid or setgid bit` };
  }
  return undefined;
}

function chownRoot(words: readonly ArgWord[]): Found | undefined {
  const owner = firstOperand(words, ['--reference', '--from']);
  if (owner && /^(root|0)([:.]|$)/.test(owner)) return { rule: 'setuid', reason: `chown ${owner} hands files to root` };
  return undefined;
}

function mountChange(program: string): Judge {
  return (words) => {
    if (program === 'mount' && words.every((w) => /^(-l|--show-labels|-V|--version|-h|--help)$/.test(w.value))) return undefined;
    return { rule: 'mount', reason: `${program} changes the mounted file systems` };
  };
}

function sysctlWrite(words: readonly ArgWord[]): Found | undefined {
  const write = words.find((w) => /^(-w|--write|-p|--load|--system|-[a-zA-Z]*[wp][a-zA-Z]*)$/.test(w.value) || w.value.startsWith('--load=') || /^[\w./-]+=/.test(w.value));
  return write ? { rule: 'kernel-settings', reason: `sysctl ${write.value} changes kernel settings` } : undefined;
}

/** Firewall tools: listing rules is fine, changing them is not. */
function firewall(program: string, listing: RegExp): Judge {
  return (words) => {
    if (words.length > 0 && words.every((w) => listing.test(w.value) || /^-[nvx]+$/.test(w.value) || /^(-t|--table)$/.test(w.value) || /^(filter|nat|mangle|raw|security|INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING)$/.test(w.value))) return undefined;
    return { rule: 'firewall', reason: `${program} changes firewall rules` };
  };
}

const IP_CHANGES = /^(add|del|delete|set|change|replace|flush|exec|append|prepend|attach|detach)$/;

/** Container engines: their daemon runs as root, so any command that reaches it can mount the host. */
function containerEngine(program: string): Judge {
  return (words) => {
    if (words.length === 0 || words.every((w) => /^(-v|--version|-h|--help|version|help)$/.test(w.value))) return undefined;
    const verb = firstOperand(words, ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--url', '--connection']) ?? words[0]!.value;
    const escape = words.find((w) => /^--privileged$|^--pid=host$|^--net(work)?=host$|^--cap-add|^--security-opt|^--device/.test(w.value) || /^\/(:|$)|docker\.sock|containerd\.sock|podman\.sock/.test(w.value));
    const why = escape ? ` (${escape.value})` : '';
    return { rule: 'container-daemon', reason: `${program} ${verb} talks to a container daemon that runs as root${why}` };
  };
}

const PROGRAMS: Readonly<Record<string, Judge>> = {
  sudo: userSwitch('sudo'),
  sudoedit: always('run-as-other-user', 'sudoedit edits a file as root'),
  su: userSwitch('su'),
  doas: userSwitch('doas'),
  pkexec: userSwitch('pkexec'),
  runuser: userSwitch('runuser'),
  setpriv: always('run-as-other-user', 'setpriv changes the user, groups or capabilities of a command'),
  capsh: always('run-as-other-user', 'capsh changes the capabilities of a command'),
  newgrp: always('run-as-other-user', 'newgrp switches to another group'),
  sg: always('run-as-other-user', 'sg runs a command as another group'),
  gosu: userSwitch('gosu'),
  'su-exec': userSwitch('su-exec'),
  chpst: userSwitch('chpst'),
  setuidgid: userSwitch('setuidgid'),
  's6-setuidgid': userSwitch('s6-setuidgid'),
  machinectl: always('run-as-other-user', 'machinectl opens a shell in another machine or as another user'),
  'systemd-run': always('service-control', 'systemd-run starts a command as a system or user service'),
  chmod: chmodSetuid,
  install: installSetuid,
  chown: chownRoot,
  chgrp: (words) => {
    const group = firstOperand(words, ['--reference']) ?? '';
    return /^(root|0|wheel|sudo|admin|docker)$/.test(group) ? { rule: 'setuid', reason: `chgrp ${group} hands files to a privileged group` } : undefined;
  },
  setcap: always('setuid', 'setcap gives a file capabilities'),
  unshare: always('namespaces', 'unshare creates new namespaces, where the user can become root'),
  nsenter: always('namespaces', "nsenter enters another process's namespaces"),
  bwrap: always('namespaces', 'bwrap builds a new namespace sandbox with host paths bound in'),
  firejail: always('namespaces', 'firejail builds a new namespace sandbox'),
  chroot: always('namespaces', 'chroot runs a command under another root directory'),
  pivot_root: always('namespaces', 'pivot_root changes the root file system'),
  mount: mountChange('mount'),
  umount: mountChange('umount'),
  fusermount: mountChange('fusermount'),
  losetup: mountChange('losetup'),
  swapon: mountChange('swapon'),
  swapoff: mountChange('swapoff'),
  insmod: always('kernel-module', 'insmod loads a kernel module'),
  rmmod: always('kernel-module', 'rmmod unloads a kernel module'),
  modprobe: always('kernel-module', 'modprobe loads or unloads kernel modules'),
  sysctl: sysctlWrite,
  setenforce: always('kernel-settings', 'setenforce switches SELinux enforcement'),
  'aa-disable': always('kernel-settings', 'aa-disable turns an AppArmor profile off'),
  'aa-complain': always('kernel-settings', 'aa-complain relaxes an AppArmor profile'),
  apparmor_parser: always('kernel-settings', 'apparmor_parser loads or removes AppArmor profiles'),
  auditctl: always('kernel-settings', 'auditctl changes the kernel audit rules'),
  iptables: firewall('iptables', /^(-L|-S|--list|--list-rules|-[nvx]*L[nvx]*|-[nvx]*S)$/),
  ip6tables: firewall('ip6tables', /^(-L|-S|--list|--list-rules|-[nvx]*L[nvx]*|-[nvx]*S)$/),
  'iptables-save': () => undefined,
  'iptables-restore': always('firewall', 'iptables-restore replaces the firewall rules'),
  nft: firewall('nft', /^(list|ruleset|tables|-a|--handle)$/),
  ufw: firewall('ufw', /^(status|verbose|numbered|show|raw)$/),
  'firewall-cmd': firewall('firewall-cmd', /^(--state|--list-all|--list-all-zones|--get-\w+|--list-\w+)$/),
  ip: (words) => {
    const change = words.find((w) => IP_CHANGES.test(w.value));
    return change ? { rule: 'network-config', reason: `ip … ${change.value} changes the network configuration` } : undefined;
  },
  useradd: always('account', 'useradd creates a user account'),
  adduser: always('account', 'adduser creates a user account or adds a user to a group'),
  usermod: always('account', 'usermod changes a user account'),
  userdel: always('account', 'userdel deletes a user account'),
  deluser: always('account', 'deluser deletes a user account'),
  groupadd: always('account', 'groupadd creates a group'),
  addgroup: always('account', 'addgroup creates a group'),
  groupmod: always('account', 'groupmod changes a group'),
  groupdel: always('account', 'groupdel deletes a group'),
  gpasswd: always('account', 'gpasswd changes group membership'),
  passwd: always('account', 'passwd changes a password'),
  chpasswd: always('account', 'chpasswd changes passwords'),
  chage: always('account', 'chage changes password ageing'),
  chsh: always('account', "chsh changes a user's login shell"),
  chfn: always('account', "chfn changes a user's account details"),
  newusers: always('account', 'newusers creates user accounts'),
  vipw: always('account', 'vipw edits the password file'),
  vigr: always('account', 'vigr edits the group file'),
  visudo: always('account', 'visudo edits the sudoers file'),
  systemctl: (words) => {
    if (SYSTEMCTL_POWER.test(firstOperand(words, SYSTEMCTL_VALUE_OPTIONS) ?? '')) return undefined;
    return serviceManager('systemctl', SYSTEMCTL_READ, SYSTEMCTL_VALUE_OPTIONS)(words);
  },
  service: (words) => {
    if (words.some((w) => w.value === '--status-all') || words[1]?.value === 'status' || words.every((w) => /^(--version|-h|--help)$/.test(w.value))) return undefined;
    return { rule: 'service-control', reason: `service ${words.map((w) => w.value).join(' ')} changes system services` };
  },
  'rc-service': (words) => (words.some((w) => w.value === 'status' || w.value === '--list' || w.value === '-l') ? undefined : { rule: 'service-control', reason: 'rc-service changes system services' }),
  'rc-update': serviceManager('rc-update', /^(show)$/),
  'update-rc.d': always('service-control', 'update-rc.d changes which services start at boot'),
  chkconfig: serviceManager('chkconfig', /^(--list)$/),
  'invoke-rc.d': always('service-control', 'invoke-rc.d starts or stops system services'),
  initctl: serviceManager('initctl', /^(list|status|show-config|version)$/),
  sv: serviceManager('sv', /^(status|s|check)$/),
  launchctl: serviceManager('launchctl', /^(list|print|print-disabled|blame|version|help|managerpid|manageruid|managername|error)$/),
  docker: containerEngine('docker'),
  'docker-compose': containerEngine('docker-compose'),
  podman: containerEngine('podman'),
  'podman-compose': containerEngine('podman-compose'),
  nerdctl: containerEngine('nerdctl'),
  ctr: containerEngine('ctr'),
  crictl: containerEngine('crictl'),
  lxc: containerEngine('lxc'),
  'lxc-attach': always('container-daemon', 'lxc-attach enters a container'),
};

/** Programs that open sockets named on their command line; elsewhere a socket path is just text. */
const SOCKET_CLIENTS = new Set(['curl', 'wget', 'socat', 'nc', 'ncat', 'netcat', 'http', 'https', 'xh', 'httpie', 'grpcurl', 'websocat', 'telnet']);

/** Clients pointed at a container daemon's socket or its TCP API (2375/2376). */
function socketHits(command: EffectiveCommand): Hit[] {
  const hits: Hit[] = [];
  for (const word of SOCKET_CLIENTS.has(command.program) ? command.words : []) {
    if (/(docker|containerd|podman|crio|buildkitd?)\.sock\b/.test(word.value)) {
      hits.push(hit('container-daemon', `${command.program} reaches the container daemon through ${word.value}, which gives root on the host`, spanOf(word)));
    } else if (/^(?:[a-z][\w+.-]*:\/\/)?(?:[^/@\s]*@)?[\w.[\]:-]+:(2375|2376)(?:\/|$)/.test(word.value)) {
      hits.push(hit('container-daemon', `${command.program} reaches the Docker Engine API at ${word.value}, which gives root on the host`, spanOf(word)));
    }
  }
  const host = command.assignments.find((a) => /^(DOCKER_HOST|CONTAINER_HOST)=/.test(a));
  if (host) hits.push(hit('container-daemon', `${command.program} runs with ${host}, pointing container tools at a daemon`, commandSpan(command)));
  return hits;
}

const NESTED_AGENTS = new Set(['claude', 'claude-code', 'codex', 'gemini', 'aider', 'opencode', 'cursor-agent', 'goose']);

/** Another coding agent started from Bash acts outside this hook: its own tool calls are not judged here. */
function nestedAgentHits(command: EffectiveCommand, span: Span): Hit[] {
  if (!NESTED_AGENTS.has(command.program)) return [];
  if (command.words.length > 0 && command.words.every((w) => /^(-v|-V|--version|-h|--help)$/.test(w.value))) return [];
  const flag = command.words.find((w) => /^--(dangerously-skip-permissions|allow-dangerously-skip-permissions|bare|settings|setting-sources|permission-mode|dangerously-bypass-approvals-and-sandbox|yolo|yes-always)(=|$)/.test(w.value));
  const env = command.assignments.find((a) => /^(CLAUDE_CODE_\w+|CLAUDE_CONFIG_DIR|ANTHROPIC_\w+)=/.test(a));
  const detail = flag ? ` with ${flag.value}` : env ? ` with ${env.replace(/=.*/, '=…')}` : '';
  return [hit('nested-agent', `${command.program}${detail} starts another coding agent whose actions this hook does not judge`, span)];
}

/** Files that decide who may become whom: sudo, PAM, accounts, the dynamic loader's preload list. */
const SENSITIVE_FILES = /^\/etc\/(sudoers(\.d(\/.*)?)?|doas\.conf|passwd|shadow|group|gshadow|subuid|subgid|ld\.so\.preload|pam\.d(\/.*)?|security(\/.*)?|polkit-1(\/.*)?)$/;

function sensitiveWriteHits(ctx: BashContext, word: ArgWord, at: number, how: string): Hit[] {
  if (word.value.startsWith('-')) return [];
  const path = pathsOf(ctx, word, at).paths.find((p) => SENSITIVE_FILES.test(posix.normalize(p)));
  return path ? [hit('privilege-file', `${how} writes ${path}, which controls who may act as root`, spanOf(word))] : [];
}
