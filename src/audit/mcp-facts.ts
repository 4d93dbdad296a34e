// What an `.mcp.json` says about its servers: how each one is launched, where it connects, and which strings hold credentials.

import type { Route, YamlFile } from '../parse/yaml-doc.js';
import { isCredentialName, isPlaceholder, isReference } from './secret-literals.js';

/** A string inside a server entry, with the route it came from. */
export interface StringEntry {
  /** The key (env variable or header name); undefined for args, command and url. */
  name: string | undefined;
  value: string;
  route: Route;
}

export interface McpServer {
  name: string;
  route: Route;
  raw: Record<string, unknown>;
  /** `command` and `args`, in launch order; a command string with spaces is split into words. */
  launch: StringEntry[];
  url: StringEntry | undefined;
  env: StringEntry[];
  headers: StringEntry[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The servers of an `.mcp.json` (`mcpServers`, or `servers` as VS Code writes it). */
export function mcpServers(file: YamlFile): McpServer[] {
  const root = file.value;
  if (!isRecord(root)) return [];
  const key = isRecord(root.mcpServers) ? 'mcpServers' : isRecord(root.servers) ? 'servers' : undefined;
  if (!key) return [];
  const servers: McpServer[] = [];
  for (const [name, raw] of Object.entries(root[key] as Record<string, unknown>)) {
    if (!isRecord(raw)) continue;
    const route: Route = [key, name];
    const launch: StringEntry[] = [];
    if (typeof raw.command === 'string') {
      const words = raw.command.trim().split(/\s+/).filter(Boolean);
      for (const word of words) launch.push({ name: undefined, value: word, route: [...route, 'command'] });
    }
    if (Array.isArray(raw.args)) {
      raw.args.forEach((arg, index) => {
        if (typeof arg === 'string' || typeof arg === 'number') launch.push({ name: undefined, value: String(arg), route: [...route, 'args', index] });
      });
    }
    servers.push({
      name,
      route,
      raw,
      launch,
      url: typeof raw.url === 'string' ? { name: undefined, value: raw.url, route: [...route, 'url'] } : undefined,
      env: stringMap(raw.env, [...route, 'env']),
      headers: stringMap(raw.headers, [...route, 'headers']),
    });
  }
  return servers;
}

function stringMap(value: unknown, route: Route): StringEntry[] {
  if (!isRecord(value)) return [];
  return Object.entries(value)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, text]) => ({ name, value: text, route: [...route, name] }));
}

// ---------------------------------------------------------------------------------------------
// Package launches

export type Ecosystem = 'npm' | 'pypi' | 'image';

export interface PackageLaunch {
  /** How the package is run, for messages: `npx`, `pnpm dlx`, `uvx`, `docker run`, … */
  runner: string;
  ecosystem: Ecosystem;
  spec: string;
  entry: StringEntry;
}

export type Pin =
  | { kind: 'pinned' }
  | { kind: 'unversioned' }
  /** A tag, range or dist-tag that can resolve to new code (`@latest`, `@^1.2`, `>=1`, `:latest`). */
  | { kind: 'moving'; version: string }
  /** A container image on a fixed-looking tag but without a digest. */
  | { kind: 'tag'; version: string }
  | { kind: 'git'; ref: string | undefined }
  /** A local path, a URL or a `${VAR}`: nothing a registry can move. */
  | { kind: 'unknown' };

function baseName(command: string): string {
  const base = command.split(/[\\/]/).at(-1) ?? command;
  return base.toLowerCase().replace(/\.(cmd|exe|bat|ps1)$/, '');
}

/** Options of each runner that take a separate value word; anything else starting with `-` is a flag. */
const NPX_VALUES = new Set(['--registry', '--cache', '--userconfig', '-w', '--workspace', '--node-options', '--shell']);
const UVX_VALUES = new Set([
  '-p', '--python', '--index', '--index-url', '--extra-index-url', '--default-index', '-f', '--find-links', '--directory', '--project',
  '--config-file', '--cache-dir', '--refresh-package', '--reinstall-package', '-P', '--upgrade-package', '-b', '--build-constraints',
  '-c', '--constraints', '--overrides', '--index-strategy', '--keyring-provider', '--resolution', '--prerelease', '--exclude-newer',
  '--link-mode', '--color', '--python-platform', '--env-file', '-C', '--config-setting', '--no-binary-package', '--no-build-package',
  '--allow-insecure-host', '--with-editable', '--with-requirements',
]);
const PIPX_VALUES = new Set(['--python', '--index-url', '-i', '--pip-args', '--backend']);
const DOCKER_VALUES = new Set([
  '-a', '--attach', '--add-host', '--annotation', '--blkio-weight', '--cap-add', '--cap-drop', '--cgroup-parent', '--cgroupns', '--cidfile',
  '--cpu-period', '--cpu-quota', '--cpu-shares', '-c', '--cpus', '--cpuset-cpus', '--cpuset-mems', '--device', '--device-cgroup-rule',
  '--dns', '--dns-option', '--dns-search', '--domainname', '--entrypoint', '-e', '--env', '--env-file', '--expose', '--gpus', '--group-add',
  '--health-cmd', '--health-interval', '--health-retries', '--health-start-period', '--health-timeout', '-h', '--hostname', '--ip', '--ip6',
  '--ipc', '--isolation', '--kernel-memory', '-l', '--label', '--label-file', '--link', '--log-driver', '--log-opt', '--mac-address', '-m',
  '--memory', '--memory-reservation', '--memory-swap', '--memory-swappiness', '--mount', '--name', '--network', '--net', '--network-alias',
  '--oom-score-adj', '--pid', '--pids-limit', '--platform', '-p', '--publish', '--pull', '--restart', '--runtime', '--security-opt',
  '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--tmpfs', '--ulimit', '-u', '--user', '--userns', '--uts',
  '-v', '--volume', '--volume-driver', '--volumes-from', '-w', '--workdir',
]);
const DOCKER_GLOBAL_VALUES = new Set(['--context', '-c', '-H', '--host', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '--url', '--connection']);

/** Splits `--opt=value` and reports whether the word is an option. */
function option(word: string): { name: string; inline: string | undefined } | undefined {
  if (!word.startsWith('-') || word === '-') return undefined;
  const eq = word.indexOf('=');
  return eq === -1 ? { name: word, inline: undefined } : { name: word.slice(0, eq), inline: word.slice(eq + 1) };
}

interface Parsed {
  /** `--package`/`--from`/`--with`/`--spec` values, in order. */
  packages: StringEntry[];
  positional: StringEntry | undefined;
  /** `-c`/`--call`: the positional is a shell command, not a package. */
  call: boolean;
}

function parseRunnerArgs(words: StringEntry[], values: ReadonlySet<string>, packageOptions: ReadonlySet<string>, callOptions: ReadonlySet<string>): Parsed {
  const parsed: Parsed = { packages: [], positional: undefined, call: false };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as StringEntry;
    if (word.value === '--') {
      parsed.positional = words[i + 1];
      break;
    }
    const opt = option(word.value);
    if (!opt) {
      parsed.positional = word;
      break;
    }
    const takesValue = packageOptions.has(opt.name) || callOptions.has(opt.name) || values.has(opt.name);
    if (callOptions.has(opt.name)) parsed.call = true;
    if (packageOptions.has(opt.name)) {
      if (opt.inline !== undefined) parsed.packages.push({ ...word, value: opt.inline });
      else if (words[i + 1]) parsed.packages.push(words[i + 1] as StringEntry);
    }
    if (takesValue && opt.inline === undefined) i++;
  }
  return parsed;
}

function npmLaunches(runner: string, words: StringEntry[], packageOptions: ReadonlySet<string>): PackageLaunch[] {
  const parsed = parseRunnerArgs(words, NPX_VALUES, packageOptions, new Set(['-c', '--call', '--shell-mode']));
  // With --package the positional word is only the binary to run; the packages are what gets installed.
  if (parsed.packages.length > 0) return parsed.packages.map((entry) => ({ runner: `${runner} --package`, ecosystem: 'npm', spec: entry.value, entry }));
  return parsed.positional && !parsed.call ? [{ runner, ecosystem: 'npm', spec: parsed.positional.value, entry: parsed.positional }] : [];
}

/**
 * Every package or image a server's launch line fetches from a registry. Understands `npx`, `npm exec`,
 * `pnpm dlx`/`pnpx`, `yarn dlx`, `bunx`/`bun x`, `uvx`/`uv tool run`, `pipx run`, `docker`/`podman run`,
 * and the Windows `cmd /c` wrapper around any of them.
 */
export function packageLaunches(server: McpServer): PackageLaunch[] {
  let words = server.launch;
  const first = words[0];
  if (first && baseName(first.value) === 'cmd' && /^\/c$/i.test(words[1]?.value ?? '')) words = words.slice(2);
  const head = words[0];
  if (!head) return [];
  const command = baseName(head.value);
  const rest = words.slice(1);
  const sub = rest[0]?.value;
  switch (command) {
    case 'npx':
      return npmLaunches('npx', rest, new Set(['-p', '--package']));
    case 'npm':
      return sub === 'exec' || sub === 'x' ? npmLaunches('npm exec', rest.slice(1), new Set(['-p', '--package'])) : [];
    case 'pnpx':
      return npmLaunches('pnpx', rest, new Set(['--package']));
    case 'pnpm': {
      const at = rest.findIndex((word) => word.value === 'dlx');
      if (at === -1) return [];
      // pnpm takes `--package=x` before or after `dlx`.
      const before = rest.slice(0, at).filter((word) => word.value.startsWith('--package='));
      return npmLaunches('pnpm dlx', [...before, ...rest.slice(at + 1)], new Set(['--package']));
    }
    case 'yarn':
      return sub === 'dlx' ? npmLaunches('yarn dlx', rest.slice(1), new Set(['-p', '--package'])) : [];
    case 'bunx':
      return npmLaunches('bunx', rest, new Set(['-p', '--package']));
    case 'bun':
      return sub === 'x' ? npmLaunches('bunx', rest.slice(1), new Set(['-p', '--package'])) : [];
    case 'uvx':
      return uvLaunches('uvx', rest);
    case 'uv':
      return sub === 'tool' && rest[1]?.value === 'run' ? uvLaunches('uv tool run', rest.slice(2)) : [];
    case 'pipx': {
      if (sub !== 'run') return [];
      const parsed = parseRunnerArgs(rest.slice(1), PIPX_VALUES, new Set(['--spec']), new Set());
      if (parsed.packages.length > 0) return parsed.packages.map((entry) => ({ runner: 'pipx run --spec', ecosystem: 'pypi', spec: entry.value, entry }));
      return parsed.positional ? [{ runner: 'pipx run', ecosystem: 'pypi', spec: parsed.positional.value, entry: parsed.positional }] : [];
    }
    case 'docker':
    case 'podman':
      return imageLaunches(command, rest);
    default:
      return [];
  }
}

function uvLaunches(runner: string, words: StringEntry[]): PackageLaunch[] {
  const from: StringEntry[] = [];
  const withs: StringEntry[] = [];
  let positional: StringEntry | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as StringEntry;
    const opt = option(word.value);
    if (!opt) {
      positional = word;
      break;
    }
    const target = opt.name === '--from' ? from : opt.name === '--with' || opt.name === '-w' ? withs : undefined;
    if (target) {
      if (opt.inline !== undefined) target.push({ ...word, value: opt.inline });
      else if (words[i + 1]) target.push(words[++i] as StringEntry);
    } else if (UVX_VALUES.has(opt.name) && opt.inline === undefined) {
      i++;
    }
  }
  const launch = (via: string) => (entry: StringEntry): PackageLaunch => ({ runner: via, ecosystem: 'pypi', spec: entry.value, entry });
  // `--from` names the package; the positional word is then just the command inside it.
  const main = from.length > 0 ? from.map(launch(`${runner} --from`)) : positional ? [launch(runner)(positional)] : [];
  // `--with` may list several requirements separated by commas.
  const extras = withs.flatMap((entry) => entry.value.split(',').map((spec) => ({ ...entry, value: spec.trim() }))).filter((entry) => entry.value);
  return [...main, ...extras.map(launch(`${runner} --with`))];
}

function imageLaunches(command: string, words: StringEntry[]): PackageLaunch[] {
  let i = 0;
  for (; i < words.length; i++) {
    const opt = option((words[i] as StringEntry).value);
    if (!opt) break;
    if (DOCKER_GLOBAL_VALUES.has(opt.name) && opt.inline === undefined) i++;
  }
  if (words[i]?.value === 'container') i++;
  if (words[i]?.value !== 'run') return [];
  for (i++; i < words.length; i++) {
    const word = words[i] as StringEntry;
    const opt = option(word.value);
    if (!opt) return [{ runner: `${command} run`, ecosystem: 'image', spec: word.value, entry: word }];
    if (DOCKER_VALUES.has(opt.name) && opt.inline === undefined) i++;
  }
  return [];
}

const SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const COMMIT = /^[0-9a-f]{7,40}$/i;

/** How firmly a package spec names one piece of code. */
export function pinOf(ecosystem: Ecosystem, spec: string): Pin {
  if (spec.includes('${') || spec.includes('$(')) return { kind: 'unknown' };
  if (ecosystem === 'image') return imagePin(spec);
  if (ecosystem === 'npm') return npmPin(spec);
  return pypiPin(spec);
}

function npmPin(spec: string): Pin {
  if (/^(\.{1,2}[\\/]|[\\/]|~|file:|[a-z]:[\\/])/i.test(spec) || /^https?:\/\//.test(spec)) return { kind: 'unknown' };
  const gitLike = /^(git\+|git:\/\/|github:|gitlab:|bitbucket:|gist:)/.test(spec) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec);
  if (gitLike) {
    const hash = spec.indexOf('#');
    const ref = hash === -1 ? undefined : spec.slice(hash + 1);
    return ref !== undefined && COMMIT.test(ref) ? { kind: 'pinned' } : { kind: 'git', ref };
  }
  const at = spec.lastIndexOf('@');
  if (at <= 0) return { kind: 'unversioned' };
  const version = spec.slice(at + 1);
  return SEMVER.test(version) ? { kind: 'pinned' } : { kind: 'moving', version: version || '(empty)' };
}

function pypiPin(spec: string): Pin {
  if (/git\+|^git:\/\//.test(spec)) {
    // `git+https://host/repo@ref#egg=name`: the ref is after the last `@` of the URL path.
    const url = spec.slice(spec.indexOf('git')).replace(/#.*$/, '');
    const path = url.replace(/^[a-z+]+:\/\/[^/]*/i, '');
    const at = path.lastIndexOf('@');
    const ref = at === -1 ? undefined : path.slice(at + 1);
    return ref !== undefined && COMMIT.test(ref) ? { kind: 'pinned' } : { kind: 'git', ref };
  }
  if (/^(\.{1,2}[\\/]|[\\/]|~|file:|[a-z]:[\\/])/i.test(spec) || spec === '.' || /^https?:\/\//.test(spec) || /\.(whl|tar\.gz|zip)$/.test(spec)) return { kind: 'unknown' };
  const exact = /^[A-Za-z0-9][\w.-]*(?:\[[\w,\s.-]*\])?\s*(?:===?|@)\s*(\S+)$/.exec(spec);
  if (exact) {
    const version = exact[1] as string;
    return /^\d[\w.+!-]*$/.test(version) && !version.includes('*') ? { kind: 'pinned' } : { kind: 'moving', version };
  }
  const ranged = /^[A-Za-z0-9][\w.-]*(?:\[[\w,\s.-]*\])?\s*([<>=!~].*)$/.exec(spec);
  if (ranged) return { kind: 'moving', version: (ranged[1] as string).trim() };
  return { kind: 'unversioned' };
}

function imagePin(ref: string): Pin {
  if (ref.includes('@sha256:')) return { kind: 'pinned' };
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon === -1) return { kind: 'unversioned' };
  const tag = lastSegment.slice(colon + 1);
  return tag === 'latest' || tag === '' ? { kind: 'moving', version: tag || '(empty)' } : { kind: 'tag', version: tag };
}

// ---------------------------------------------------------------------------------------------
// URLs

/** Scheme, host and path of a URL without its userinfo, query or fragment, for messages. */
export interface UrlParts {
  scheme: string;
  /** Lowercased host without port; brackets kept for IPv6. Undefined when the host is a `${VAR}`. */
  host: string | undefined;
  /** The URL with userinfo and query string removed. */
  display: string;
}

export function urlParts(text: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(text.trim());
  if (!match) return undefined;
  const scheme = (match[1] as string).toLowerCase();
  const authority = (match[2] as string).replace(/^.*@/, '');
  const hostPort = /^(\[[^\]]*\]|[^:]*)(?::.*)?$/.exec(authority);
  const host = hostPort?.[1] ? hostPort[1].toLowerCase() : undefined;
  return { scheme, host: host && !host.includes('${') && !host.includes('$') ? host : undefined, display: `${scheme}://${authority}${match[3] ?? ''}` };
}

/** Hosts whose traffic never leaves the machine. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '[::1]' || host === '::1' || host === '0.0.0.0') return true;
  return /^127(\.\d{1,3}){3}$/.test(host);
}

// ---------------------------------------------------------------------------------------------
// Secrets

/** A credential inside one string of a server entry. */
export interface SecretHit {
  index: number;
  length: number;
  /** For messages: `GitHub token`, `password in a connection URL`, `credential`. */
  label: string;
  /** A provider's token format or an explicit slot (high), or only a credential-like name (medium). */
  confidence: 'high' | 'medium';
}

/** Query parameters that carry credentials although the shared name test does not know them. */
const QUERY_CREDENTIAL_NAMES = /^(key|auth|sig|signature|code)$/i;

/**
 * Secret-named query parameters with a literal value (`?api_key=…`, `&token=…`). The shared detector
 * reads `scheme://…` as one assignment and so never looks inside the query string.
 */
export function queryCredentials(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const url of text.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi)) {
    for (const param of url[0].matchAll(/[?&]([^=&#]+)=([^&#]*)/g)) {
      const name = decodeURIComponentSafe(param[1] ?? '');
      const value = param[2] ?? '';
      if (!isCredentialName(name) && !QUERY_CREDENTIAL_NAMES.test(name)) continue;
      if (value.length < 8 || isReference(value) || value.includes('${') || isPlaceholder(value)) continue;
      hits.push({ index: url.index + param.index + param[0].length - value.length, length: value.length, label: `\`${name}\` query parameter`, confidence: 'high' });
    }
  }
  return hits;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Keeps the first of overlapping hits, high confidence first, in text order. */
export function distinctHits(hits: readonly SecretHit[]): SecretHit[] {
  const ranked = [...hits].sort((a, b) => (a.confidence === b.confidence ? a.index - b.index : a.confidence === 'high' ? -1 : 1));
  const kept: SecretHit[] = [];
  for (const hit of ranked) {
    if (!kept.some((other) => hit.index < other.index + other.length && other.index < hit.index + hit.length)) kept.push(hit);
  }
  return kept.sort((a, b) => a.index - b.index);
}
