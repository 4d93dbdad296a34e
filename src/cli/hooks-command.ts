// `cordon hooks install`: wires the four hooks into a Claude Code settings file and says how to launch claude with it.

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROLES } from '../config/policy-schema.js';
import { EXIT, UsageError } from '../core/errors.js';
import { mergeHooks } from '../hook/install.js';

export interface HooksInstallOptions {
  settings?: string;
  role?: string;
  policy?: string;
  log?: string;
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function hooksInstallCommand(options: HooksInstallOptions, io: Io): number {
  if (options.role !== undefined && !ROLES.includes(options.role as (typeof ROLES)[number])) {
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(options.role)}`);
  }
  const file = resolve(options.settings ?? '.claude/settings.json');
  const extraArgs = [
    ...(options.policy ? ['--policy', resolve(options.policy)] : []),
    ...(options.role ? ['--role', options.role] : []),
    ...(options.log ? ['--log', resolve(options.log)] : []),
  ];
  const script = cordonScript();
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const merged = mergeHooks(before, file, { node: process.execPath, script, extraArgs });
  if (merged.text !== before) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, merged.text);
  }
  const what = merged.changed.length === 0 ? 'already up to date' : `hooks written for ${merged.changed.join(', ')}`;
  io.stdout.write(
    [
      `${file}: ${what}`,
      '',
      'Run Claude Code in CI with:',
      `  claude -p --settings ${shellWord(file)} --setting-sources user "<prompt>"`,
      '(add --dangerously-skip-permissions only as a non-root user; the hooks still decide every tool call)',
      '',
      'Warning: --bare (and CLAUDE_CODE_SIMPLE=1) disables every hook, cordon included. Never launch the guarded agent with it.',
      '--setting-sources user keeps a committed .claude/settings.local.json or settings.json from switching hooks off.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}

/** The bundled bin (dist/cordon.cjs), resolved through links, so the hook runs the same cordon as this command. */
function cordonScript(): string {
  const here = realpathSync(fileURLToPath(import.meta.url));
  // Bundled: this code lives in dist/chunks/; unbundled (tsc output): in dist/cli/. The CommonJS bin
  // starts a hook 5 to 10 ms sooner than dist/cordon.js, which Node loads as an ES module.
  for (const candidate of [resolve(dirname(here), '../cordon.cjs'), resolve(dirname(here), '../../dist/cordon.cjs')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new UsageError(`cannot find cordon's bin script next to ${here}; run npm run build`);
}

/** Quotes a path for the message only (it is printed, never run). */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}
