// Facts the container rules share: Dockerfile stages and users, mounts, docker run flags, privileges, agent signs and secret-looking values.

import { posix } from 'node:path';
import { dockerStages, type DockerInstruction, type DockerStage } from '../parse/dockerfile.js';
import { commandBaseName, parseShell } from '../parse/shell.js';
import type { Route } from '../parse/yaml-doc.js';
import type { ParsedInput, RepoView } from './rule.js';
import { isCredentialName } from './secret-literals.js';

// ───────────────────────────── Dockerfiles ─────────────────────────────

export interface StageView extends DockerStage {
  /** What FROM names: an image reference or an earlier stage's name. */
  image: string;
  alias: string | undefined;
  /** The earlier stage this one builds on, when FROM names one. */
  parent: StageView | undefined;
}

export function parseFrom(args: string): { image: string; alias: string | undefined } {
  const words = args.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
  const as = words.findIndex((word, i) => i > 0 && word.toLowerCase() === 'as');
  return { image: words[0] ?? '', alias: as === -1 ? undefined : words[as + 1]?.toLowerCase() };
}

export function stageViews(instructions: DockerInstruction[]): StageView[] {
  const views: StageView[] = [];
  for (const stage of dockerStages(instructions)) {
    const { image, alias } = parseFrom(stage.from.args);
    // Stage names are case-insensitive, and only earlier stages can be built on.
    const parent = views.findLast((view) => view.alias !== undefined && view.alias === image.toLowerCase());
    views.push({ ...stage, image, alias, parent });
  }
  return views;
}

/** The final stage and the earlier stages it builds on, base first: what the shipped image is made of. */
export function finalChain(instructions: DockerInstruction[]): StageView[] {
  const stages = stageViews(instructions);
  const chain: StageView[] = [];
  for (let stage = stages.at(-1); stage; stage = stage.parent) chain.unshift(stage);
  return chain;
}

/** ARG instructions before the first FROM; later stages see them only when they redeclare them. */
export function globalArgs(instructions: DockerInstruction[]): DockerInstruction[] {
  const firstFrom = instructions.findIndex((instruction) => instruction.keyword === 'FROM');
  return instructions.slice(0, firstFrom === -1 ? instructions.length : firstFrom).filter((instruction) => instruction.keyword === 'ARG');
}

export interface Assignment {
  name: string;
  /** Undefined for `ARG NAME` without a default. */
  value: string | undefined;
}

/** The NAME=value pairs of an ENV or ARG instruction, quotes removed; also the legacy `ENV NAME value` form. */
export function parseAssignments(keyword: string, args: string): Assignment[] {
  const words = splitWords(args);
  const first = words[0];
  if (keyword === 'ENV' && first !== undefined && !first.includes('=')) {
    const rest = args.trimStart().slice(first.length).trim();
    return [{ name: first, value: splitWords(rest).join(' ') }];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    return eq === -1 ? { name: word, value: undefined } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
  });
}

/** Splits on unquoted whitespace, removing quotes and backslash escapes the way Dockerfile words do. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

/** Expands `$X`, `${X}` and `${X:-default}` from known values; undefined when any variable is unknown. */
export function expandVariables(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$(?:\{(\w+)(?::?-([^}]*))?\}|(\w+))/g, (_whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = vars.get(braced ?? bare ?? '');
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    unknown = true;
    return '';
  });
  return unknown ? undefined : out;
}

/** ARG defaults and ENV values in effect just before an instruction of the chain. */
export function variablesBefore(instructions: DockerInstruction[], chain: StageView[], stop: DockerInstruction): Map<string, string> {
  const globals = new Map<string, string>();
  for (const arg of globalArgs(instructions)) {
    for (const { name, value } of parseAssignments('ARG', arg.args)) if (value !== undefined) globals.set(name, value);
  }
  const vars = new Map<string, string>();
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction === stop) return vars;
      if (instruction.keyword !== 'ARG' && instruction.keyword !== 'ENV') continue;
      for (const { name, value } of parseAssignments(instruction.keyword, instruction.args)) {
        const resolved = value === undefined ? globals.get(name) : (expandVariables(value, vars) ?? value);
        if (resolved !== undefined) vars.set(name, resolved);
      }
    }
  }
  return vars;
}

/** True for `root`, `0`, `0:0`, `root:anything` — the user part decides. */
export function isRootUser(user: string): boolean {
  const name = (user.split(':')[0] ?? '').trim();
  return name === 'root' || name === '0';
}

/** The shell text a RUN, CMD or ENTRYPOINT runs: BuildKit flags dropped, exec form joined. */
export function instructionScript(instruction: DockerInstruction): string {
  let text = instruction.args.trim();
  while (/^--[\w-]+(=\S*)?\s/.test(text)) text = text.replace(/^--[\w-]+(=\S*)?\s+/, '');
  if (text.startsWith('[')) {
    try {
      const argv: unknown = JSON.parse(text);
      if (Array.isArray(argv) && argv.every((word) => typeof word === 'string')) {
        const words = argv as string[];
        const shell = commandBaseName(words[0] ?? '');
        if ((shell === 'sh' || shell === 'bash') && words[1] === '-c' && words[2] !== undefined) return words[2];
        return words.map((word) => (/^[\w./:@=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)).join(' ');
      }
    } catch {
      // Not valid JSON: Docker runs it as a shell command, and so do we.
    }
  }
  return text;
}

/** Users the chain creates with useradd/adduser, in order. */
export function createdUsers(chain: StageView[]): string[] {
  const users: string[] = [];
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'RUN') continue;
      for (const command of parseShell(instructionScript(instruction)).commands) {
        const name = commandBaseName(command.name?.value ?? '');
        if (name !== 'useradd' && name !== 'adduser') continue;
        const user = command.args.findLast((arg) => !arg.value.startsWith('-'));
        if (user) users.push(user.value);
      }
    }
  }
  return users;
}

// ───────────────────────────── agent signs ─────────────────────────────

const CLAUDE_SIGN = /@anthropic-ai\/claude-code|claude\.ai\/install\.sh|anthropic\.claude-code|devcontainer-features\/claude-code|\b(?:ANTHROPIC_API_KEY|CLAUDE_CODE_OAUTH_TOKEN)\b|(?:^|[\s"'[,;&|/(])claude(?=$|[\s"',\];&|)])/;
const BYPASS_SIGN = /--dangerously-skip-permissions|\bbypassPermissions\b|(?:^|[\s"',])IS_SANDBOX=(?:1|true)\b/;

/** Whether text installs or runs Claude Code, or runs it with permission checks off. */
export type AgentSign = 'claude' | 'bypass';

export function agentSign(texts: Iterable<string>): AgentSign | undefined {
  let sign: AgentSign | undefined;
  for (const text of texts) {
    if (BYPASS_SIGN.test(text)) return 'bypass';
    if (CLAUDE_SIGN.test(text)) sign = 'claude';
  }
  return sign;
}

/** Every string in a parsed YAML/JSON value, map keys included. */
export function* deepStrings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* deepStrings(item);
  else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* deepStrings(item);
    }
  }
}

/** What the shipped image of a Dockerfile installs and runs, as far as its RUN, ENV, CMD and ENTRYPOINT say. */
export function dockerfileAgentSign(instructions: DockerInstruction[]): AgentSign | undefined {
  const texts = finalChain(instructions).flatMap((stage) => stage.instructions.filter((instruction) => /^(RUN|ENV|CMD|ENTRYPOINT)$/.test(instruction.keyword)).map((instruction) => instruction.args));
  return agentSign(texts);
}

// ───────────────────────────── who builds a Dockerfile ─────────────────────────────

export interface DockerfileBuilder {
  input: ParsedInput;
  /** The user the builder runs the container as, when it says. */
  user: string | undefined;
  /** Route of the service (compose) or the document root (devcontainer). */
  route: Route;
  value: Record<string, unknown>;
}

/** The repository path of the Dockerfile a compose `build:` entry builds, when it names one inside the repo. */
export function composeBuildDockerfile(composePath: string, build: unknown): string | undefined {
  if (isRecord(build) && build.dockerfile_inline !== undefined) return undefined;
  const context = typeof build === 'string' ? build : isRecord(build) && typeof build.context === 'string' ? build.context : isRecord(build) ? '.' : undefined;
  if (context === undefined || /^[a-z][\w+.-]*:\/\//i.test(context) || context.startsWith('/')) return undefined;
  const dockerfile = isRecord(build) && typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile';
  return repoPath(posix.dirname(composePath), context, dockerfile);
}

/** The repository path of the Dockerfile a devcontainer.json builds, when it builds one. */
export function devcontainerDockerfile(devcontainerPath: string, value: Record<string, unknown>): string | undefined {
  const build = isRecord(value.build) ? value.build : undefined;
  const dockerfile = typeof build?.dockerfile === 'string' ? build.dockerfile : typeof value.dockerFile === 'string' ? value.dockerFile : undefined;
  if (dockerfile === undefined) return undefined;
  return repoPath(posix.dirname(devcontainerPath), dockerfile);
}

function repoPath(...parts: string[]): string | undefined {
  if (parts.slice(1).some((part) => part.startsWith('/'))) return undefined;
  const joined = posix.normalize(posix.join(...parts));
  return joined.startsWith('../') ? undefined : joined;
}

/** Compose services and devcontainers in the repository that build the Dockerfile at a path. */
export function buildersOf(repo: RepoView, dockerfilePath: string): DockerfileBuilder[] {
  const builders: DockerfileBuilder[] = [];
  for (const input of repo.inputs) {
    if (input.kind === 'devcontainer' && isRecord(input.file.value)) {
      const value = input.file.value;
      if (devcontainerDockerfile(input.file.path, value) !== dockerfilePath) continue;
      // The agent runs as remoteUser; containerUser is only the fallback for it.
      const user = stringish(value.remoteUser) ?? stringish(value.containerUser);
      builders.push({ input, user, route: [], value });
    } else if (input.kind === 'compose') {
      for (const { name, service } of composeServices(input.file.value)) {
        if (composeBuildDockerfile(input.file.path, service.build) !== dockerfilePath) continue;
        builders.push({ input, user: stringish(service.user), route: ['services', name], value: service });
      }
    }
  }
  return builders;
}

/** The Dockerfile input at a repository path, if the audit read one. */
export function dockerfileAt(repo: RepoView, path: string | undefined): Extract<ParsedInput, { kind: 'dockerfile' }> | undefined {
  if (path === undefined) return undefined;
  const input = repo.byPath.get(path);
  return input?.kind === 'dockerfile' ? input : undefined;
}

// ───────────────────────────── compose and devcontainer values ─────────────────────────────

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as text: compose accepts `user: 0` as well as `user: "0"`. */
export function stringish(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function composeServices(value: unknown): { name: string; service: Record<string, unknown> }[] {
  if (!isRecord(value) || !isRecord(value.services)) return [];
  return Object.entries(value.services).flatMap(([name, service]) => (isRecord(service) ? [{ name, service }] : []));
}

export interface EnvEntry {
  name: string;
  value: string | undefined;
  route: Route;
  /** List entries (`NAME=value`) carry the name inside the string; map entries in the key. */
  form: 'map' | 'list';
}

/** Entries of a compose/devcontainer environment or build-args block, map or `NAME=value` list. */
export function envEntries(block: unknown, route: Route): EnvEntry[] {
  if (Array.isArray(block)) {
    return block.flatMap((item, index) => {
      if (typeof item !== 'string') return [];
      const eq = item.indexOf('=');
      return [{ name: eq === -1 ? item : item.slice(0, eq), value: eq === -1 ? undefined : item.slice(eq + 1), route: [...route, index], form: 'list' as const }];
    });
  }
  if (!isRecord(block)) return [];
  return Object.entries(block).map(([name, value]) => ({ name, value: stringish(value), route: [...route, name], form: 'map' as const }));
}

// ───────────────────────────── docker run flags ─────────────────────────────

export interface DockerFlag {
  /** Long name, aliases resolved: `-v` → `--volume`, `--net` → `--network`. */
  name: string;
  value: string | undefined;
  /** The array element holding the value (or the flag itself when it has none). */
  route: Route;
}

const SHORT_FLAGS: Record<string, string> = { '-v': '--volume', '-u': '--user', '-e': '--env', '-p': '--publish', '-w': '--workdir', '-h': '--hostname', '-l': '--label', '-m': '--memory', '-c': '--cpu-shares' };
const FLAG_ALIASES: Record<string, string> = { '--net': '--network' };
const VALUE_FLAGS = new Set([
  '--volume', '--mount', '--user', '--env', '--env-file', '--publish', '--workdir', '--hostname', '--label', '--memory', '--cpu-shares',
  '--cap-add', '--cap-drop', '--network', '--pid', '--ipc', '--userns', '--uts', '--cgroupns', '--security-opt', '--device',
  '--add-host', '--name', '--entrypoint', '--group-add', '--tmpfs', '--dns', '--runtime', '--platform', '--shm-size', '--ulimit',
  '--cpus', '--gpus', '--sysctl', '--log-opt', '--log-driver', '--network-alias', '--restart', '--init-path', '--stop-signal',
]);

/** Reads a devcontainer `runArgs` array as `docker run` flags, with each value's array element as its route. */
export function dockerRunFlags(args: unknown, route: Route): DockerFlag[] {
  if (!Array.isArray(args)) return [];
  const flags: DockerFlag[] = [];
  for (let i = 0; i < args.length; i++) {
    const element = args[i];
    if (typeof element !== 'string' || !element.trim().startsWith('-')) continue;
    let text = element.trim();
    let inline: string | undefined;
    // `"-v /a:/b"` as one element reaches docker as one argument and still works; read it the same way.
    const space = /\s+/.exec(text);
    if (space) {
      inline = text.slice(space.index + space[0].length);
      text = text.slice(0, space.index);
    }
    const eq = text.indexOf('=');
    if (text.startsWith('--') && eq !== -1) {
      inline = text.slice(eq + 1);
      text = text.slice(0, eq);
    } else if (!text.startsWith('--') && text.length > 2 && SHORT_FLAGS[text.slice(0, 2)] && inline === undefined) {
      inline = text.slice(2).replace(/^=/, '');
      text = text.slice(0, 2);
    }
    const name = SHORT_FLAGS[text] ?? FLAG_ALIASES[text] ?? text;
    if (inline !== undefined || !VALUE_FLAGS.has(name)) {
      flags.push({ name, value: inline, route: [...route, i] });
      continue;
    }
    const next = args[i + 1];
    if (typeof next === 'string') {
      flags.push({ name, value: next, route: [...route, i + 1] });
      i++;
    } else {
      flags.push({ name, value: undefined, route: [...route, i] });
    }
  }
  return flags;
}

// ───────────────────────────── mounts ─────────────────────────────

export interface Mount {
  source: string;
  target: string | undefined;
  /** The volume entry, mount entry or runArgs element that declares it (the `source` of an object entry). */
  route: Route;
}

/** Bind mounts of one compose service, short (`src:dst[:mode]`) and long (`{type: bind, source}`) syntax. */
export function composeMounts(service: Record<string, unknown>, serviceRoute: Route): Mount[] {
  const volumes = service.volumes;
  if (!Array.isArray(volumes)) return [];
  const mounts: Mount[] = [];
  volumes.forEach((entry, index) => {
    const route = [...serviceRoute, 'volumes', index];
    if (typeof entry === 'string') {
      const parsed = parseVolumeSpec(entry);
      if (parsed) mounts.push({ ...parsed, route });
    } else if (isRecord(entry) && typeof entry.source === 'string') {
      const type = typeof entry.type === 'string' ? entry.type : undefined;
      if (type === 'volume' || type === 'tmpfs' || (type === undefined && !looksLikeHostPath(entry.source))) return;
      mounts.push({ source: entry.source, target: stringish(entry.target), route: [...route, 'source'] });
    }
  });
  return mounts;
}

/** Host paths a devcontainer.json mounts: `mounts` (string and object form), `workspaceMount`, and `runArgs` `-v`/`--mount`. */
export function devcontainerMounts(value: Record<string, unknown>): Mount[] {
  const mounts: Mount[] = [];
  const fromMountSpec = (spec: unknown, route: Route): void => {
    const parsed = typeof spec === 'string' ? parseMountString(spec) : isRecord(spec) ? { source: stringish(spec.source), target: stringish(spec.target), type: stringish(spec.type) } : undefined;
    if (!parsed?.source) return;
    if (parsed.type === 'volume' || parsed.type === 'tmpfs' || (parsed.type === undefined && !looksLikeHostPath(parsed.source))) return;
    mounts.push({ source: parsed.source, target: parsed.target, route: typeof spec === 'string' ? route : [...route, 'source'] });
  };
  if (Array.isArray(value.mounts)) value.mounts.forEach((spec, index) => fromMountSpec(spec, ['mounts', index]));
  if (value.workspaceMount !== undefined) fromMountSpec(value.workspaceMount, ['workspaceMount']);
  for (const flag of dockerRunFlags(value.runArgs, ['runArgs'])) {
    if (flag.value === undefined) continue;
    if (flag.name === '--mount') fromMountSpec(flag.value, flag.route);
    if (flag.name === '--volume') {
      const parsed = parseVolumeSpec(flag.value);
      if (parsed) mounts.push({ ...parsed, route: flag.route });
    }
  }
  return mounts;
}

function looksLikeHostPath(source: string): boolean {
  return /^(?:[.~/\\$%]|[A-Za-z]:[\\/])/.test(source.trim());
}

/** `src:dst[:mode]` with colons inside `${…}` and Windows drive letters kept whole; named volumes give undefined. */
export function parseVolumeSpec(spec: string): { source: string; target: string | undefined } | undefined {
  const parts = splitOutsideBraces(spec.trim(), ':');
  const merged: string[] = [];
  for (const part of parts) {
    const last = merged.at(-1);
    if (last !== undefined && /^[A-Za-z]$/.test(last) && merged.length === 1 && /^[\\/]/.test(part)) merged[0] = `${last}:${part}`;
    else merged.push(part);
  }
  const [source, target] = merged;
  if (source === undefined || target === undefined || !looksLikeHostPath(source)) return undefined;
  return { source, target };
}

/** `type=bind,source=…,target=…` as docker's `--mount` and devcontainer `mounts` write it. */
export function parseMountString(spec: string): { source: string | undefined; target: string | undefined; type: string | undefined } {
  const fields = new Map<string, string>();
  for (const field of splitOutsideBraces(spec.trim(), ',')) {
    const eq = field.indexOf('=');
    const key = (eq === -1 ? field : field.slice(0, eq)).trim().toLowerCase();
    fields.set(key, eq === -1 ? 'true' : field.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2'));
  }
  return {
    source: fields.get('source') ?? fields.get('src'),
    target: fields.get('target') ?? fields.get('destination') ?? fields.get('dst'),
    type: fields.get('type'),
  };
}

function splitOutsideBraces(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === separator && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

export type MountHazard = { kind: 'home' } | { kind: 'credentials'; what: string } | { kind: 'socket' } | { kind: 'hostRoot' };

/** Credential stores below a home directory, and what each holds. */
const HOME_CREDENTIALS: readonly [string, string][] = [
  ['.ssh', 'SSH keys'],
  ['.aws', 'AWS credentials'],
  ['.azure', 'Azure credentials'],
  ['.config/gcloud', 'Google Cloud credentials'],
  ['.config/gh', 'the GitHub CLI token'],
  ['.kube', 'Kubernetes credentials'],
  ['.docker', 'Docker registry credentials'],
  ['.npmrc', 'npm tokens'],
  ['.pypirc', 'PyPI tokens'],
  ['.netrc', 'netrc passwords'],
  ['.git-credentials', 'stored git credentials'],
  ['.gnupg', 'GPG keys'],
  ['.terraform.d', 'the Terraform Cloud token'],
  ['.vault-token', 'the Vault token'],
  ['.claude', 'the Claude Code login and settings'],
  ['.claude.json', 'the Claude Code account state'],
];

// One or more home references (`${localEnv:HOME}${localEnv:USERPROFILE}` is the cross-platform idiom), or a concrete home.
const HOME_PREFIX =
  /^(?:~|\$HOME|\$\{HOME(?:[:?+=-][^}]*)?\}|(?:\$\{(?:localEnv|env):(?:HOME|USERPROFILE)(?::[^}]*)?\})+|%USERPROFILE%|\$env:USERPROFILE|\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\/Users\/[^/]+)(?=\/|$)/;
const RUNTIME_SOCKET = /(?:^|\/)(?:docker|podman|containerd|crio|cri-dockerd)\.sock$|docker_engine$/;

/** Why mounting a host path into a container exposes credentials, or undefined when it does not. */
export function mountHazard(rawSource: string): MountHazard | undefined {
  let source = rawSource.trim().replace(/^(["'])(.*)\1$/, '$2').replace(/\\/g, '/');
  if (RUNTIME_SOCKET.test(source)) return { kind: 'socket' };
  source = source.replace(/^\/\/+(?=\w)/, '/').replace(/(?<=.)\/+$/, '');
  if (source === '/') return { kind: 'hostRoot' };
  if (source === '/var/run' || source === '/run') return { kind: 'socket' };
  if (source === '/home' || source === '/Users') return { kind: 'home' };
  const home = HOME_PREFIX.exec(source);
  if (!home) return undefined;
  const rest = source.slice(home[0].length).replace(/^\/+/, '').replace(/^(?:\.\/)+/, '');
  if (rest === '' || rest === '.') return { kind: 'home' };
  const inside = HOME_CREDENTIALS.filter(([path]) => rest === path || rest.startsWith(`${path}/`));
  if (inside[0]) return { kind: 'credentials', what: inside[0][1] };
  // A parent of credential stores (`~/.config`) exposes all of them.
  const below = HOME_CREDENTIALS.filter(([path]) => path.startsWith(`${rest}/`));
  if (below.length > 0) return { kind: 'credentials', what: `a folder holding ${below.map(([, what]) => what).join(' and ')}` };
  return undefined;
}

// ───────────────────────────── privileges ─────────────────────────────

export interface Privilege {
  kind: 'privileged' | 'capability' | 'namespace' | 'unconfined';
  /** Capability name (upper case, no `CAP_`), namespace name, or the confinement turned off. */
  value: string;
  /** How the setting is written, for messages. */
  setting: string;
  route: Route;
}

const NAMESPACE_NAMES: Record<string, string> = { network: 'network', net: 'network', pid: 'process', ipc: 'IPC', userns: 'user', cgroupns: 'cgroup', cgroup: 'cgroup' };

export function normalizeCapability(raw: string): string {
  return raw.trim().toUpperCase().replace(/^CAP_/, '');
}

/** The confinement a security option turns off, or undefined when it keeps it. */
export function unconfinedBy(option: string): string | undefined {
  const [key, value] = option.trim().split(/[:=]/, 2).map((part) => part.trim().toLowerCase());
  if (key === 'seccomp' && value === 'unconfined') return 'seccomp';
  if (key === 'apparmor' && value === 'unconfined') return 'AppArmor';
  if (key === 'label' && value === 'disable') return 'SELinux labelling';
  if (key === 'systempaths' && value === 'unconfined') return 'the masking of /proc and /sys';
  return undefined;
}

/** Privilege settings of one compose service. */
export function composePrivileges(service: Record<string, unknown>, route: Route): Privilege[] {
  const found: Privilege[] = [];
  if (service.privileged === true || service.privileged === 'true') found.push({ kind: 'privileged', value: 'privileged', setting: 'privileged: true', route: [...route, 'privileged'] });
  if (Array.isArray(service.cap_add)) {
    service.cap_add.forEach((cap, index) => {
      if (typeof cap === 'string') found.push({ kind: 'capability', value: normalizeCapability(cap), setting: `cap_add: ${cap}`, route: [...route, 'cap_add', index] });
    });
  }
  const namespaces: [string, string][] = [['network_mode', 'network'], ['pid', 'pid'], ['ipc', 'ipc'], ['userns_mode', 'userns'], ['cgroup', 'cgroup']];
  for (const [key, namespace] of namespaces) {
    if (service[key] === 'host') found.push({ kind: 'namespace', value: NAMESPACE_NAMES[namespace] ?? namespace, setting: `${key}: host`, route: [...route, key] });
  }
  if (Array.isArray(service.security_opt)) {
    service.security_opt.forEach((option, index) => {
      const off = typeof option === 'string' ? unconfinedBy(option) : undefined;
      if (off) found.push({ kind: 'unconfined', value: off, setting: `security_opt: ${String(option)}`, route: [...route, 'security_opt', index] });
    });
  }
  return found;
}

/** Privilege settings of a devcontainer.json: `privileged`, `capAdd`, `securityOpt` and the same as `runArgs`. */
export function devcontainerPrivileges(value: Record<string, unknown>): Privilege[] {
  const found: Privilege[] = [];
  if (value.privileged === true) found.push({ kind: 'privileged', value: 'privileged', setting: '"privileged": true', route: ['privileged'] });
  if (Array.isArray(value.capAdd)) {
    value.capAdd.forEach((cap, index) => {
      if (typeof cap === 'string') found.push({ kind: 'capability', value: normalizeCapability(cap), setting: `"capAdd": "${cap}"`, route: ['capAdd', index] });
    });
  }
  if (Array.isArray(value.securityOpt)) {
    value.securityOpt.forEach((option, index) => {
      const off = typeof option === 'string' ? unconfinedBy(option) : undefined;
      if (off) found.push({ kind: 'unconfined', value: off, setting: `"securityOpt": "${String(option)}"`, route: ['securityOpt', index] });
    });
  }
  for (const flag of dockerRunFlags(value.runArgs, ['runArgs'])) {
    const setting = flag.value === undefined ? flag.name : `${flag.name}=${flag.value}`;
    if (flag.name === '--privileged' && flag.value !== 'false') found.push({ kind: 'privileged', value: 'privileged', setting, route: flag.route });
    if (flag.name === '--cap-add' && flag.value) found.push({ kind: 'capability', value: normalizeCapability(flag.value), setting, route: flag.route });
    const namespace = /^--(network|pid|ipc|userns|cgroupns)$/.exec(flag.name)?.[1];
    if (namespace && flag.value === 'host') found.push({ kind: 'namespace', value: NAMESPACE_NAMES[namespace] ?? namespace, setting, route: flag.route });
    const off = flag.name === '--security-opt' && flag.value ? unconfinedBy(flag.value) : undefined;
    if (off) found.push({ kind: 'unconfined', value: off, setting, route: flag.route });
  }
  return found;
}

/** True when the privileges include the capability (directly, through ALL, or through privileged mode). */
export function grants(privileges: readonly Privilege[], capability: string): boolean {
  return privileges.some((privilege) => privilege.kind === 'privileged' || (privilege.kind === 'capability' && (privilege.value === capability || privilege.value === 'ALL')));
}

// ───────────────────────────── secrets ─────────────────────────────

// Names that talk about a secret without holding one: where it is, how long it lives, what it is called.
const NOT_A_SECRET_SUFFIX =
  /[_.-](?:FILE|PATH|DIR|URL|URI|ARN|NAME|ID|IDS|HEADER|ENV|VAR|LENGTH|LEN|TTL|EXPIRY|EXPIRES|EXPIRATION|TYPE|PREFIX|MODE|ENABLED|SOCK|LIMIT|COUNT|MAX|MIN|POLICY|HOST|PORT|ENDPOINT|REGION|VERSION|HELPER|COMMAND|CMD)$/i;

/** True for names such as `ANTHROPIC_API_KEY`, `NPM_TOKEN`, `DB_PASSWORD`, but not `NPM_TOKEN_FILE`. */
export function isSecretName(name: string): boolean {
  return isCredentialName(name) && !NOT_A_SECRET_SUFFIX.test(name);
}

/**
 * True when a value is filled in elsewhere: `$VAR`, `${VAR:-x}`, `${localEnv:VAR}` anywhere in it.
 * Docker, compose and dev containers all expand these, so the text itself holds no secret (`$$` is a literal `$`).
 */
export function hasReference(value: string): boolean {
  return /\$(?:\{|[A-Za-z_])/.test(value.replace(/\$\$/g, ''));
}

/** What a file copied into an image holds, when its name says it holds credentials. */
export function secretFile(rawPath: string): { what: string; sure: boolean } | undefined {
  const path = rawPath.trim().replace(/\\/g, '/').replace(/(?<=.)\/+$/, '');
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  const base = segments.at(-1) ?? '';
  const dirs = new Set(segments);
  if (/^\.env(?:\*|\.(?!example\b|sample\b|template\b|dist\b|defaults?\b|schema\b)[\w.*-]+)?$/.test(base)) return { what: 'an environment file and the keys it usually holds', sure: false };
  if (/^id_(?:rsa|dsa|ecdsa|ed25519)$/.test(base)) return { what: 'an SSH private key', sure: true };
  if (dirs.has('.ssh')) return { what: 'SSH keys', sure: true };
  if (dirs.has('.aws')) return { what: 'AWS credentials', sure: true };
  if (dirs.has('.kube')) return { what: 'Kubernetes credentials', sure: true };
  if (base === '.netrc' || base === '.git-credentials') return { what: `stored passwords (\`${base}\`)`, sure: true };
  if (base === '.npmrc' || base === '.pypirc') return { what: `a registry config (\`${base}\`) and any token in it`, sure: false };
  if (/^(?:\.credentials|credentials)(?:\.json)?$/.test(base)) return { what: 'a credentials file', sure: true };
  if (/\.(?:key|p12|pfx)$/.test(base)) return { what: 'a private key', sure: true };
  if (/\.pem$/.test(base)) return { what: 'a PEM file (often a private key)', sure: false };
  return undefined;
}
