// `cordon log verify|show`: check the hook audit log's hash chain, and print its records.

import { existsSync, readFileSync } from 'node:fs';
import { EXIT, UsageError } from '../core/errors.js';
import { logPath } from '../auditlog/location.js';
import { showLog, verifyLog, type LogProblem, type ShowFilter } from '../auditlog/verify.js';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function readLog(file: string | undefined): { path: string; text: string } {
  const path = logPath(file, process.env, process.cwd());
  if (!existsSync(path)) throw new UsageError(`${path}: no audit log there (pass the file, or set CORDON_LOG)`);
  return { path, text: readFileSync(path, 'utf8') };
}

function problemLines(path: string, problems: readonly LogProblem[]): string {
  return problems.map((problem) => `${path}:${problem.line}: ${problem.kind}: ${problem.detail}\n`).join('');
}

/** Exit 0 when every record is intact and chained; 1 with the damaged lines otherwise. */
export function logVerifyCommand(file: string | undefined, options: { json?: boolean }, io: Io): number {
  const { path, text } = readLog(file);
  const result = verifyLog(text);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(result.ok ? { ok: true, records: result.records.length, head: result.head } : { ok: false, problems: result.problems }, null, 2)}\n`);
  } else if (result.ok) {
    io.stdout.write(`${path}: ${result.records.length} records, chain intact; head ${result.head}\n`);
  } else {
    io.stdout.write(problemLines(path, result.problems));
    io.stdout.write(`${path}: does not verify (${result.problems.length} problems)\n`);
  }
  return result.ok ? EXIT.ok : EXIT.findings;
}

/** Prints the records (oldest first); a log that does not verify is shown with its problems and exits 1. */
export function logShowCommand(file: string | undefined, options: { since?: string; decision?: string; json?: boolean }, io: Io): number {
  if (options.decision !== undefined && !['allow', 'deny', 'ask'].includes(options.decision)) throw new UsageError(`--decision must be allow, deny or ask (got "${options.decision}")`);
  const { path, text } = readLog(file);
  const filter: ShowFilter = { ...(options.since !== undefined ? { since: options.since } : {}), ...(options.decision !== undefined ? { decision: options.decision as 'allow' | 'deny' | 'ask' } : {}) };
  const { rows, problems } = showLog(text, filter);
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ rows, problems }, null, 2)}\n`);
  } else {
    for (const row of rows) {
      const what = [row.tool, row.summary].filter(Boolean).join(' ');
      const why = [row.category, row.rule].filter(Boolean).join('/');
      io.stdout.write(`${row.time} ${row.event} ${row.decision ?? '-'} ${what}${why ? ` [${why}]` : ''}${row.reason ? ` — ${row.reason}` : ''}\n`);
    }
    io.stdout.write(`${rows.length} records\n`);
  }
  if (problems.length > 0) io.stderr.write(problemLines(path, problems) + `cordon: ${path} does not verify; the records above are not vouched for\n`);
  return problems.length > 0 ? EXIT.findings : EXIT.ok;
}
