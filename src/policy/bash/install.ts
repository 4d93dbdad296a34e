// Package installs: package managers, system package tools, version managers, and `npx`-style runners that would download what they run.

import { posix } from 'node:path';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit } from '../verdict.js';
import { commandSpan, type BashCheck, type BashContext } from './context.js';
import { invocationOf } from './interpreters.js';

export const packageInstall: BashCheck = {
  name: 'package-install',
  command(command, ctx) {
    const found = installerScript(command, ctx) ?? (command.dynamic ? undefined : installOf(command.program, command.words, ctx, command));
    return found ? [{ category: 'package-install', rule: found.rule, reason: found.reason, span: commandSpan(command) }] : [];
  },
};

interface Found {
  rule: 'package-install' | 'package-download-run' | 'interpreter-package-install';
  reason: string;
}

/**
 * Subcommands that install, update or fetch packages, as operand paths (`tool install` = first operand
 * `tool`, second `install`); options and the values of `valueOptions` are skipped. `bare` marks managers
 * whose bare invocation installs (`yarn`, `bundle`).
 */
interface Manager {
  installs: readonly string[];
  valueOptions?: readonly string[];
  bare?: boolean;
}

const NPM_VALUE_OPTIONS = ['--prefix', '-w', '--workspace', '--registry', '--cache', '--userconfig', '--globalconfig', '--loglevel', '--tag', '--otp', '--scope', '--omit', '--include', '-C'];

const MANAGERS: Readonly<Record<string, Manager>> = {
  npm: {
    installs: [
      'install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add', 'ci', 'clean-install', 'ic',
      'install-clean', 'isntall-clean', 'install-test', 'it', 'install-ci-test', 'cit', 'clean-install-test', 'sit', 'update', 'up',
      'upgrade', 'udpate', 'link', 'ln', 'dedupe', 'ddp', 'audit fix', 'cache add',
    ],
    valueOptions: NPM_VALUE_OPTIONS,
  },
  pnpm: {
    installs: ['add', 'install', 'i', 'update', 'up', 'upgrade', 'link', 'ln', 'import', 'fetch', 'dlx', 'create', 'install-test', 'it', 'env use', 'env add', 'self-update'],
    valueOptions: ['--filter', '-F', '-C', '--dir', '--reporter', '--loglevel', '--workspace-dir'],
  },
  yarn: {
    installs: ['add', 'install', 'global add', 'global upgrade', 'up', 'upgrade', 'upgrade-interactive', 'dlx', 'create', 'import', 'link', 'set version', 'plugin import', 'policies set-version'],
    valueOptions: ['--cwd', '--modules-folder', '--cache-folder', '--mutex', '--network-concurrency'],
    bare: true,
  },
  bun: { installs: ['add', 'a', 'install', 'i', 'update', 'upgrade', 'link', 'create', 'c'], valueOptions: ['--cwd', '--config', '-c'] },
  deno: { installs: ['install', 'add', 'upgrade', 'x'] },
  pip: {
    installs: ['install', 'download', 'wheel'],
    valueOptions: ['--python', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--use-feature', '--use-deprecated', '--keyring-provider', '--root-user-action'],
  },
  'pip-sync': { installs: [''] },
  easy_install: { installs: [''] },
  pipx: { installs: ['install', 'install-all', 'run', 'inject', 'upgrade', 'upgrade-all', 'reinstall', 'reinstall-all', 'runpip'] },
  uv: {
    installs: ['pip install', 'pip sync', 'add', 'sync', 'tool install', 'tool run', 'tool upgrade', 'python install', 'self update'],
    valueOptions: ['--directory', '--project', '--cache-dir', '--config-file', '--color', '--python', '-p'],
  },
  uvx: { installs: [''] },
  poetry: { installs: ['add', 'install', 'update', 'sync', 'self add', 'self install', 'self update'], valueOptions: ['-C', '--directory', '-P', '--project'] },
  pdm: { installs: ['add', 'install', 'update', 'sync'] },
  pipenv: { installs: ['install', 'update', 'sync', 'upgrade'] },
  rye: { installs: ['add', 'sync', 'install', 'tools install'] },
  conda: { installs: ['install', 'create', 'update', 'upgrade', 'env create', 'env update'], valueOptions: ['-n', '--name', '-p', '--prefix', '-c', '--channel'] },
  cargo: { installs: ['install', 'add', 'binstall', 'update', 'quickinstall'], valueOptions: ['--manifest-path', '-Z', '--config', '--color'] },
  go: { installs: ['install', 'get'] },
  gem: { installs: ['install', 'i', 'ins', 'inst', 'update', 'fetch'] },
  bundle: { installs: ['install', 'add', 'update'], bare: true },
  composer: { installs: ['require', 'r', 'install', 'i', 'update', 'u', 'upgrade', 'global', 'create-project'], valueOptions: ['-d', '--working-dir'] },
  apt: { installs: ['install', 'reinstall', 'update', 'upgrade', 'full-upgrade', 'dist-upgrade', 'build-dep', 'source', 'download', 'satisfy'], valueOptions: ['-o', '-t', '-c', '--option', '--target-release', '--config-file'] },
  aptitude: { installs: ['install', 'reinstall', 'update', 'upgrade', 'safe-upgrade', 'full-upgrade', 'build-dep', 'download'], valueOptions: ['-o', '-t'] },
  'add-apt-repository': { installs: [''] },
  yum: { installs: ['install', 'in', 'reinstall', 'update', 'upgrade', 'localinstall', 'groupinstall', 'group install', 'distro-sync', 'makecache'], valueOptions: ['-c', '--config', '--enablerepo', '--disablerepo', '--installroot', '--releasever'] },
  zypper: { installs: ['install', 'in', 'update', 'up', 'dist-upgrade', 'dup', 'patch', 'refresh', 'ref', 'addrepo', 'ar'] },
  apk: { installs: ['add', 'upgrade', 'update', 'fix', 'fetch'], valueOptions: ['-X', '--repository', '-p', '--root'] },
  'xbps-install': { installs: [''] },
  emerge: { installs: [''] },
  pkg: { installs: ['install', 'add', 'upgrade', 'update', 'fetch'] },
  brew: { installs: ['install', 'reinstall', 'upgrade', 'update', 'tap', 'bundle', 'cask install', 'fetch'] },
  port: { installs: ['install', 'upgrade', 'selfupdate', 'sync'] },
  snap: { installs: ['install', 'refresh', 'try'] },
  flatpak: { installs: ['install', 'update', 'remote-add'] },
  choco: { installs: ['install', 'upgrade'] },
  scoop: { installs: ['install', 'update', 'bucket add'] },
  winget: { installs: ['install', 'upgrade'] },
  nvm: { installs: ['install', 'install-latest-npm', 'reinstall-packages'] },
  fnm: { installs: ['install'] },
  volta: { installs: ['install', 'fetch', 'pin'] },
  asdf: { installs: ['install', 'plugin add', 'plugin-add', 'plugin update'] },
  mise: { installs: ['install', 'i', 'use', 'u', 'upgrade', 'up', 'plugins install', 'plugins i'] },
  rtx: { installs: ['install', 'use'] },
  pyenv: { installs: ['install'] },
  rbenv: { installs: ['install'] },
  nodenv: { installs: ['install'] },
  goenv: { installs: ['install'] },
  tfenv: { installs: ['install'] },
  sdk: { installs: ['install', 'i', 'upgrade', 'ug', 'selfupdate'] },
  corepack: { installs: ['install', 'prepare', 'up', 'use'] },
  rustup: { installs: ['install', 'update', 'default', 'self update', 'target add', 'target install', 'component add', 'toolchain install', 'toolchain add', 'toolchain link'], valueOptions: ['--toolchain'] },
  cpanm: { installs: [''] },
  cpan: { installs: [''] },
  cabal: { installs: ['install', 'v2-install', 'v1-install', 'update'] },
  stack: { installs: ['install', 'setup', 'upgrade'] },
  opam: { installs: ['install', 'upgrade', 'update', 'pin', 'repository add', 'switch create'] },
  luarocks: { installs: ['install', 'build', 'download'] },
  nimble: { installs: ['install'] },
  raco: { installs: ['pkg install', 'pkg update'] },
  dart: { installs: ['pub add', 'pub get', 'pub upgrade', 'pub global'] },
  flutter: { installs: ['pub add', 'pub get', 'pub upgrade', 'pub global', 'upgrade', 'precache'] },
  mix: { installs: ['deps.get', 'deps.update', 'archive.install', 'escript.install', 'local.hex', 'local.rebar'] },
  dotnet: { installs: ['add package', 'tool install', 'tool update', 'workload install', 'workload update', 'workload restore', 'new install'] },
  nuget: { installs: ['install', 'update'] },
  helm: { installs: ['install', 'upgrade', 'pull', 'fetch', 'repo add', 'repo update', 'plugin install', 'dependency update', 'dependency build', 'dep update', 'dep build'] },
  gh: { installs: ['extension install', 'extension upgrade', 'ext install', 'ext upgrade'], valueOptions: ['-R', '--repo'] },
  kubectl: { installs: ['krew install', 'krew upgrade'] },
  krew: { installs: ['install', 'upgrade'] },
  vagrant: { installs: ['plugin install', 'box add'] },
  'ansible-galaxy': { installs: ['install', 'collection install', 'role install'] },
  'pre-commit': { installs: ['install-hooks'] },
};

const SHELLS = /^(ba|da|z|k|mk|a)?sh$/;
const DOWNLOADERS = /^(curl|wget|fetch|aria2c|http|https|xh|lwp-request|GET)$/;
const DOWNLOAD_TEXT = /^(?:\$\(|`|<\()\s*(curl|wget|fetch|aria2c|http|https|xh)\b/;

/**
 * Installer one-liners: a shell fed a downloaded script (`curl … | sh`, `bash -c "$(curl …)"`,
 * `bash <(wget -qO- …)`). The shell part is already arbitrary code; this names it as the install it is.
 */
function installerScript(command: EffectiveCommand, ctx: BashContext): Found | undefined {
  const label = command.via[command.via.length - 1] ?? '';
  if (label === 'stdin' && SHELLS.test(command.program)) {
    const feeder = pipeFeeder(command, ctx);
    if (feeder) return { rule: 'package-download-run', reason: `${command.program} runs the script that ${feeder} downloads` };
  }
  if (/^\S+ -c$/.test(label) && command.dynamic) {
    const tool = DOWNLOAD_TEXT.exec(command.path)?.[1];
    if (tool) return { rule: 'package-download-run', reason: `${label} runs the script that ${tool} downloads` };
  }
  if (SHELLS.test(command.program)) {
    const script = command.words.find((w) => !w.value.startsWith('-'));
    const tool = script ? DOWNLOAD_TEXT.exec(script.raw)?.[1] : undefined;
    if (tool) return { rule: 'package-download-run', reason: `${command.program} runs the script that ${tool} downloads` };
  }
  return undefined;
}

/** The downloader in the pipeline stage just before this command (`curl … | sudo sh` counts too). */
function pipeFeeder(command: EffectiveCommand, ctx: BashContext): string | undefined {
  const feeder = ctx.parsed.commands.find((c) => {
    if (!DOWNLOADERS.test(c.program) || c.dynamic) return false;
    const end = commandSpan(c).end;
    return end <= command.start && /^[^;&|\n]*\|&?[^;&|\n]*$/.test(ctx.script.slice(end, command.start));
  });
  return feeder?.program;
}

/** Programs that are another manager under a versioned or alternative name. */
function managerName(program: string): string {
  if (/^pip(\d+(\.\d+)?)?$/.test(program)) return 'pip';
  if (program === 'apt-get') return 'apt';
  if (program === 'dnf' || program === 'microdnf' || program === 'tdnf') return 'yum';
  if (program === 'mamba' || program === 'micromamba') return 'conda';
  if (program === 'bundler') return 'bundle';
  if (program === 'composer.phar') return 'composer';
  if (program === 'cargo-binstall') return 'cargo';
  return program;
}

function installOf(program: string, words: readonly ArgWord[], ctx: BashContext, command: EffectiveCommand): Found | undefined {
  const special = SPECIAL[program]?.(words, ctx, command);
  if (special !== undefined) return special || undefined;
  const name = managerName(program);
  const manager = MANAGERS[name];
  if (!manager) return interpreterInstall(words, ctx, command);
  if (words.length > 0 && words.every((w) => /^(-V|-v|-h|--version|--help)$/.test(w.value))) return undefined;
  const operands = operandsOf(words, manager.valueOptions ?? []);
  if (operands.length === 0 && manager.bare && !words.some((w) => /^(-v|-h|--version|--help)$/.test(w.value))) {
    return { rule: 'package-install', reason: `${program} without a subcommand installs the project's dependencies` };
  }
  const match = manager.installs.find((path) => startsWith(operands, path));
  if (match === undefined) return undefined;
  const what = [program, ...operands.slice(0, match === '' ? 1 : match.split(' ').length)].join(' ');
  return { rule: 'package-install', reason: `${what} installs or downloads packages` };
}

/** True when the operands begin with the space-separated path; `''` matches any invocation. */
function startsWith(operands: readonly string[], path: string): boolean {
  if (path === '') return true;
  return path.split(' ').every((part, i) => operands[i] === part);
}

/** Non-option words, up to `--` (whatever follows it belongs to the subcommand's own program). */
function operandsOf(words: readonly ArgWord[], valueOptions: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') break;
    // `+nightly` picks a Rust toolchain; it is not a subcommand.
    if ((a.startsWith('-') && a !== '-') || a.startsWith('+')) {
      if (valueOptions.includes(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

type Special = (words: readonly ArgWord[], ctx: BashContext, command: EffectiveCommand) => Found | false | undefined;

/** Programs whose install forms are not a plain subcommand. `undefined` falls through to MANAGERS; `false` means no install. */
const SPECIAL: Readonly<Record<string, Special>> = {
  npx: (words, ctx) => runnerDownload('npx', words, 0, ctx) ?? false,
  bunx: (words, ctx) => runnerDownload('bunx', words, 0, ctx) ?? false,
  npm(words, ctx) {
    const operands = operandsOf(words, NPM_VALUE_OPTIONS);
    const sub = operands[0];
    if (sub === 'exec' || sub === 'x') return runnerDownload(`npm ${sub}`, words, words.findIndex((w) => w.value === sub) + 1, ctx) ?? false;
    // `npm init <initializer>` and `npm create <x>` run `npm exec create-<x>`; bare `npm init` writes package.json.
    if ((sub === 'init' || sub === 'create' || sub === 'innit') && operands[1]) return { rule: 'package-download-run', reason: `npm ${sub} ${operands[1]} downloads and runs an initializer package` };
    if (sub === 'pack' && operands.slice(1).some((spec) => !/^[./~]/.test(spec))) return { rule: 'package-install', reason: 'npm pack of a registry package downloads it' };
    return undefined;
  },
  bun(words, ctx) {
    const at = words.findIndex((w) => !w.value.startsWith('-'));
    if (words[at]?.value === 'x') return runnerDownload('bun x', words, at + 1, ctx) ?? false;
    return undefined;
  },
  deno(words) {
    const operands = operandsOf(words, ['--config', '-c', '--import-map', '--lock', '--cert', '--location', '--seed', '--v8-flags', '--env-file', '--inspect']);
    if (operands[0] === 'run' || (operands[0] !== undefined && /^(npm|jsr|https?):/.test(operands[0]))) {
      const script = operands[0] === 'run' ? operands[1] : operands[0];
      if (script && /^(npm|jsr|https?):/.test(script)) return { rule: 'package-download-run', reason: `deno downloads and runs ${script}` };
    }
    return undefined;
  },
  go(words) {
    const operands = operandsOf(words, ['-C', '-o', '-p', '-tags', '-ldflags', '-gcflags', '-mod', '-modfile', '-exec']);
    if (operands[0] === 'run' && operands.slice(1).some((a) => /^[\w.-]+\.[a-z]{2,}\/.*@/.test(a) || /@(latest|v\d)/.test(a))) {
      return { rule: 'package-download-run', reason: `go run ${operands.find((a) => a.includes('@'))} downloads and runs a module` };
    }
    return undefined;
  },
  uv(words) {
    const operands = operandsOf(words, MANAGERS.uv?.valueOptions ?? []);
    if (operands[0] !== 'run') return undefined;
    const extra = words.find((w) => /^--with(-requirements|-editable)?(=|$)/.test(w.value));
    return extra ? { rule: 'package-install', reason: `uv run ${extra.value} installs extra packages for the run` } : undefined;
  },
  code: (words) => (words.some((w) => w.value === '--install-extension' || w.value.startsWith('--install-extension=')) ? { rule: 'package-install', reason: 'code --install-extension installs an editor extension' } : false),
  pacman: (words) => pacmanInstall('pacman', words),
  yay: (words) => pacmanInstall('yay', words),
  paru: (words) => pacmanInstall('paru', words),
  dpkg: (words) => flagInstall('dpkg', words, /^(-i|--install|--unpack|-[a-zA-Z]*i[a-zA-Z]*|--set-selections)$/),
  rpm: (words) => flagInstall('rpm', words, /^(-[a-zA-Z]*[iUF][a-zA-Z]*|--install|--upgrade|--freshen|--reinstall)$/),
  'nix-env': (words) => flagInstall('nix-env', words, /^(-[a-zA-Z]*[iu][a-zA-Z]*|--install|--upgrade|--set)$/),
  'nix-channel': (words) => flagInstall('nix-channel', words, /^--(add|update)$/),
  'nix-shell': (words) => flagInstall('nix-shell', words, /^(-p|--packages)$/),
  nix(words) {
    const operands = operandsOf(words, ['--option', '--extra-experimental-features', '-f', '--file', '-I', '--include']);
    if (operands[0] === 'profile' && (operands[1] === 'install' || operands[1] === 'add' || operands[1] === 'upgrade')) return { rule: 'package-install', reason: `nix profile ${operands[1]} installs packages` };
    if ((operands[0] === 'shell' || operands[0] === 'run') && operands.slice(1).some((a) => !/^(\.|path:)/.test(a))) {
      return { rule: 'package-download-run', reason: `nix ${operands[0]} fetches ${operands[1] ?? 'packages'} from a remote flake` };
    }
    return undefined;
  },
  mvn: (words) => (words.some((w) => /^(dependency:(get|copy|unpack)|org\.apache\.maven\.plugins:maven-dependency-plugin:.*:(get|copy|unpack))$/.test(w.value)) ? { rule: 'package-install', reason: 'mvn dependency:get fetches an artifact that the project does not declare' } : false),
  playwright: (words) => browserInstall('playwright', words),
  cypress: (words) => browserInstall('cypress', words),
  puppeteer: (words) => (operandsOf(words, [])[0] === 'browsers' && operandsOf(words, [])[1] === 'install' ? { rule: 'package-install', reason: 'puppeteer browsers install downloads a browser' } : false),
};

function browserInstall(program: string, words: readonly ArgWord[]): Found | false {
  const sub = operandsOf(words, [])[0];
  return sub === 'install' || sub === 'install-deps' ? { rule: 'package-install', reason: `${program} ${sub} downloads browsers or system packages` } : false;
}

function flagInstall(program: string, words: readonly ArgWord[], flag: RegExp): Found | false {
  const hit = words.find((w) => flag.test(w.value));
  return hit ? { rule: 'package-install', reason: `${program} ${hit.value} installs packages` } : false;
}

/** `-S` syncs and installs; `-Ss`, `-Si`, `-Sl`, `-Sg` only query the repositories. `-U` installs a file. */
function pacmanInstall(program: string, words: readonly ArgWord[]): Found | false {
  const hit = words.find((w) => /^-U|^--upgrade$|^--sync$/.test(w.value) || (/^-S/.test(w.value) && !/^-S[silgcp]+$/.test(w.value)));
  return hit ? { rule: 'package-install', reason: `${program} ${hit.value} installs packages` } : false;
}

/** Options of npx / npm exec / bunx that take a value as the next word. */
const RUNNER_VALUE_OPTIONS = ['-w', '--workspace', '--prefix', '--registry', '--cache', '--userconfig', '--loglevel'];

/**
 * `npx <spec>` runs a local bin when one is installed and downloads the package otherwise. Only a plain
 * name found in a `node_modules/.bin` between the cwd and the repository root, or an installed scoped
 * package, counts as local; versions, `-y`, `--package`, git, URL and path specs always download.
 */
function runnerDownload(label: string, words: readonly ArgWord[], from: number, ctx: BashContext): Found | undefined {
  let i = from;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (a === '--') { i++; break; }
    if (a === '-c' || a === '--call' || a.startsWith('--call=')) return undefined; // a shell string; its commands are judged on their own
    if (a === '-y' || a === '--yes' || a === '--yes=true') return { rule: 'package-download-run', reason: `${label} ${a} installs whatever package it is asked to run` };
    if (a === '-p' || a === '--package' || a.startsWith('--package=')) return { rule: 'package-download-run', reason: `${label} ${a} installs a package before running it` };
    if (!a.startsWith('-')) break;
    if (RUNNER_VALUE_OPTIONS.includes(a)) i++;
  }
  const spec = words[i];
  if (!spec) return undefined;
  if (spec.dynamic) return { rule: 'package-download-run', reason: `${label} runs a package named only at run time (${spec.raw})` };
  const local = localPackage(ctx, spec.value);
  return local ? undefined : { rule: 'package-download-run', reason: `${label} ${spec.value} downloads the package: it is not installed in the repository's node_modules` };
}

function localPackage(ctx: BashContext, spec: string): boolean {
  const scoped = /^@[\w.-]+\/[\w.-]+$/.test(spec);
  if (!scoped && !/^[\w][\w.-]*$/.test(spec)) return false; // a version, a git/URL/path spec
  return binDirs(ctx).some((dir) => {
    const path = scoped ? posix.join(dir, '..', spec) : posix.join(dir, spec);
    const kind = ctx.fs.kind(path);
    return scoped ? kind === 'dir' || kind === 'symlink' : kind === 'file' || kind === 'symlink';
  });
}

/** `node_modules/.bin` of every directory from the cwd up to the repository root. */
function binDirs(ctx: BashContext): string[] {
  const root = ctx.policy.repoRoot;
  const dirs = [posix.join(root, 'node_modules/.bin')];
  for (let dir = ctx.cwd; dir.startsWith(`${root}/`); dir = posix.dirname(dir)) dirs.push(posix.join(dir, 'node_modules/.bin'));
  return dirs;
}

/** `python -m pip install`, `python3 -m uv pip install`, and install calls inside interpreter one-liners. */
function interpreterInstall(words: readonly ArgWord[], ctx: BashContext, command: EffectiveCommand): Found | undefined {
  const invocation = invocationOf(command);
  if (!invocation) return undefined;
  const module = invocation.modules[0];
  if (invocation.language === 'python' && module) {
    const at = words.findIndex((w, k) => w.value === module && k > 0 && /m$/.test(words[k - 1]!.value)) + 1 || words.findIndex((w) => w.value === `-m${module}`) + 1;
    if (at > 0 && module !== 'python' && MANAGERS[managerName(module)]) return installOf(module, words.slice(at), ctx, command);
    return undefined;
  }
  if (invocation.file && posix.basename(invocation.file.value) === 'setup.py') {
    const after = words.slice(words.indexOf(invocation.file) + 1).find((w) => !w.value.startsWith('-'));
    if (after && /^(install|develop|easy_install)$/.test(after.value)) return { rule: 'package-install', reason: `setup.py ${after.value} installs the package and its dependencies` };
  }
  const code = invocation.code?.text ?? '';
  const call = INSTALL_CALLS.exec(code);
  return call ? { rule: 'interpreter-package-install', reason: `${command.program} code calls ${call[0].replace(/\s*\($/, '')}, which installs packages` } : undefined;
}

/** Package-install APIs of R, Python and Julia that an inline script may call. */
const INSTALL_CALLS = /\b(install\.packages|remotes::install_\w+|devtools::install\w*|BiocManager::install|pak::(pkg_install|pak)|pip\s*\.\s*main|pip\._internal\w*|Pkg\s*\.\s*add|ensurepip\s*\.\s*bootstrap)\s*\(?/;
