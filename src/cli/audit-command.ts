// `cordon audit`: options in, findings rendered out, and the exit code decided.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../core/errors.js';
import { atLeast, SEVERITIES, type Severity } from '../core/severity.js';
import { loadConfig } from '../config/load.js';
import { runAudit } from '../audit/engine.js';
import { FORMATS, render, type Format } from '../render/index.js';
import { readBaseline, writeBaseline } from './baseline.js';
import { oneOf } from './options.js';
import { VERSION } from './version.js';

export interface AuditCliOptions {
  format: string;
  output?: string;
  failOn: string;
  exitZero?: boolean;
  baseline?: string;
  writeBaseline?: string;
  rule?: string[];
  config?: string;
  color?: boolean;
}

export async function auditCommand(path: string, options: AuditCliOptions, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; isTTY: boolean }): Promise<number> {
  const format = oneOf(options.format, FORMATS, '--format') as Format;
  const failOn = oneOf(options.failOn, SEVERITIES, '--fail-on') as Severity;
  const root = resolve(path);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${path}: not a directory`);
  const { config } = loadConfig(root, options.config ? resolve(options.config) : undefined);
  const baseline = options.baseline ? readBaseline(resolve(options.baseline)) : undefined;
  const result = await runAudit({ root, config: config.audit, only: options.rule, baseline });
  const known = new Set(result.rules.map((rule) => rule.meta.id));
  for (const id of options.rule ?? []) if (!known.has(id)) throw new UsageError(`--rule ${id}: no such rule (or it is turned off in cordon.yml)`);

  const footer: string[] = [];
  const { skipped } = result.stats;
  if (skipped.large + skipped.binary + skipped.symlinkOutside > 0) {
    footer.push(`skipped: ${skipped.large} over 5 MB, ${skipped.binary} binary, ${skipped.symlinkOutside} links out of the scanned tree`);
  }
  if (options.writeBaseline) {
    const count = writeBaseline(resolve(options.writeBaseline), result.findings);
    io.stderr.write(`cordon: wrote ${count} fingerprints to ${options.writeBaseline}\n`);
  }
  const color = options.color ?? (io.isTTY && !process.env.NO_COLOR && !options.output);
  const text = render(format, {
    findings: result.findings,
    rules: result.rules.map((rule) => rule.meta),
    version: VERSION,
    command: 'audit',
    color,
    footer,
    stats: result.stats,
  });
  if (options.output) writeFileSync(options.output, text);
  else io.stdout.write(text);
  if (options.exitZero) return EXIT.ok;
  const failing = result.findings.some((finding) => !finding.suppressed && atLeast(finding.severity, failOn));
  return failing ? EXIT.findings : EXIT.ok;
}
