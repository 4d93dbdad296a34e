// Runs the registered rules over the discovered inputs and turns their reports into findings.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { compareFindings, fingerprintOf, formatMessage, type Finding } from '../core/finding.js';
import { docsUrl } from '../core/rule.js';
import type { AuditConfig } from '../config/schema.js';
import { parseDockerfile } from '../parse/dockerfile.js';
import { loadShellParser } from '../parse/shell.js';
import { SourceFile } from '../parse/source-file.js';
import { actionModel, workflowModel } from '../parse/workflow.js';
import { YamlFile } from '../parse/yaml-doc.js';
import { agentSteps } from './agents.js';
import { discover, type DiscoveredFile, type InputKind } from './inputs.js';
import { RULES } from './registry.js';
import type { AuditRule, ParsedInput, Report, RepoView } from './rule.js';
import { applySuppressions } from './suppress.js';
import { findSecretLiterals, maskSecret } from './secret-literals.js';

export interface AuditOptions {
  root: string;
  config: AuditConfig;
  /** Run only these rule ids. */
  only?: readonly string[];
  /** Fingerprints accepted by a baseline. */
  baseline?: ReadonlySet<string>;
}

export interface AuditStats {
  filesRead: number;
  byKind: Partial<Record<InputKind, number>>;
  skipped: { large: number; binary: number; symlinkOutside: number; excluded: number };
  rulesRun: number;
}

export interface AuditResult {
  findings: Finding[];
  stats: AuditStats;
  rules: AuditRule[];
}

const JSON_KINDS = new Set<InputKind>(['claude-settings', 'mcp-config', 'devcontainer']);
const YAML_KINDS = new Set<InputKind>(['workflow', 'action', 'gitlab-ci', 'compose']);

/** Rules that exist to report on the scan itself rather than on a hazard. */
export const PARSE_ERROR = 'parse-error';
export const UNREADABLE_FILE = 'unreadable-file';

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  await loadShellParser();
  const rules = selectRules(options.config, options.only);
  const discovery = discover(options.root, options.config.exclude);
  const findings: Finding[] = [];
  const stats: AuditStats = {
    filesRead: 0,
    byKind: {},
    skipped: { large: discovery.skipped.large.length, binary: 0, symlinkOutside: discovery.skipped.symlinkOutside.length, excluded: discovery.skipped.excluded },
    rulesRun: rules.length,
  };
  const emitter = new FindingEmitter(findings, options.config);
  const enabled = new Set(rules.map((rule) => rule.meta.id));

  const inputs: ParsedInput[] = [];
  const byPath = new Map<string, DiscoveredFile>();
  for (const file of discovery.files) byPath.set(file.path, file);
  const readInput = (file: DiscoveredFile, kind: InputKind, origin: 'path' | 'workflow-reference'): void => {
    let buffer: Buffer;
    try {
      buffer = readFileSync(file.absolute);
    } catch (error) {
      if (enabled.has(UNREADABLE_FILE)) emitter.scanProblem(UNREADABLE_FILE, 'unreadable', new SourceFile(file.path, ''), 0, 0, { reason: (error as NodeJS.ErrnoException).code ?? String(error) });
      return;
    }
    if (buffer.subarray(0, 8192).includes(0)) {
      stats.skipped.binary++;
      return;
    }
    stats.filesRead++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    const input = parseInput(file.path, kind, buffer.toString('utf8'), origin);
    const problem = 'problems' in input.file ? (input.file as YamlFile).problems[0] : undefined;
    if (problem && enabled.has(PARSE_ERROR)) {
      emitter.scanProblem(PARSE_ERROR, 'invalid', input.file, problem.offset, problem.offset + problem.length, { detail: problem.message });
    }
    inputs.push(input);
  };
  for (const file of discovery.files) if (file.kind) readInput(file, file.kind, 'path');

  // Settings files handed to `claude --settings` in a workflow are audited like .claude/settings.json.
  const referenced = new Set<string>();
  for (const input of [...inputs]) {
    if ((input.kind !== 'workflow' && input.kind !== 'action') || !input.model) continue;
    for (const agent of agentSteps(input.model)) {
      for (const path of agent.settingsPaths) {
        const relative = normalize(path.text.replace(/^\$\{\{\s*github\.workspace\s*\}\}\//, '').replace(/^\.\//, '')).split('\\').join('/');
        const file = byPath.get(relative);
        if (file && file.kind !== 'claude-settings' && !referenced.has(relative)) {
          referenced.add(relative);
          readInput(file, 'claude-settings', 'workflow-reference');
        }
      }
    }
  }

  const repo = repoView(discovery.files.map((file) => file.path), inputs, gitTracked(options.root), options.config);
  for (const input of inputs) {
    for (const rule of rules) {
      if (!rule.inputs.includes(input.kind)) continue;
      if ('problems' in input.file && !(input.file as YamlFile).ok) continue;
      try {
        rule.check({ input, repo, report: (report) => emitter.report(rule, input, report) });
      } catch (error) {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        throw new Error(`internal error in rule ${rule.meta.id} while auditing ${input.file.path}: ${detail}`);
      }
    }
  }
  applySuppressions(findings, inputs, options.config, options.baseline);
  findings.sort(compareFindings);
  return { findings, stats, rules };
}

export function selectRules(config: AuditConfig, only: readonly string[] | undefined): AuditRule[] {
  return RULES.filter((rule) => config.rules[rule.meta.id] !== 'off' && (!only || only.length === 0 || only.includes(rule.meta.id)));
}

export function repoView(paths: string[], inputs: ParsedInput[], tracked: ReadonlySet<string> | undefined, config: AuditConfig): RepoView {
  const byPath = new Map(inputs.map((input) => [input.file.path, input]));
  const byKind = new Map<InputKind, ParsedInput[]>();
  for (const input of inputs) {
    const list = byKind.get(input.kind) ?? [];
    list.push(input);
    byKind.set(input.kind, list);
  }
  const memos = new Map<string, unknown>();
  return {
    paths,
    pathSet: new Set(paths),
    inputs,
    byPath,
    ofKind: <K extends InputKind>(kind: K) => (byKind.get(kind) ?? []) as (ParsedInput & { kind: K })[],
    memo: <T>(key: string, compute: () => T): T => {
      if (!memos.has(key)) memos.set(key, compute());
      return memos.get(key) as T;
    },
    tracked,
    config,
  };
}

function parseInput(path: string, kind: InputKind, text: string, origin: 'path' | 'workflow-reference'): ParsedInput {
  if (YAML_KINDS.has(kind)) {
    const file = new YamlFile(path, text);
    if (kind === 'workflow') return { kind, file, model: file.ok ? workflowModel(file) : undefined };
    if (kind === 'action') return { kind, file, model: file.ok ? actionModel(file) : undefined };
    return { kind: kind as 'gitlab-ci' | 'compose', file };
  }
  if (JSON_KINDS.has(kind)) {
    return { kind: kind as 'claude-settings' | 'mcp-config' | 'devcontainer', file: new YamlFile(path, text, kind === 'devcontainer' ? { jsonc: true } : { json: true }), origin };
  }
  const file = new SourceFile(path, text);
  if (kind === 'dockerfile') return { kind, file, instructions: parseDockerfile(text) };
  return { kind: kind as 'instructions' | 'claudeignore', file };
}

function gitTracked(root: string): Set<string> | undefined {
  if (!existsSync(join(root, '.git'))) return undefined;
  try {
    const out = execFileSync('git', ['-C', root, 'ls-files', '-z'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 });
    return new Set(out.split('\0').filter(Boolean));
  } catch {
    return undefined;
  }
}

/** Builds findings from reports: resolves targets, fills messages, applies severity overrides. */
class FindingEmitter {
  private readonly occurrences = new Map<string, number>();

  constructor(
    private readonly findings: Finding[],
    private readonly config: AuditConfig,
  ) {}

  report(rule: AuditRule, input: ParsedInput, report: Report<string>): void {
    const template = rule.meta.messages[report.messageId];
    if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${report.messageId}`);
    const file = input.file;
    const [start, end] = resolveTarget(file, report.at);
    const override = this.config.rules[rule.meta.id];
    const severity = override && override !== 'off' ? override.severity : (report.severity ?? rule.meta.severity);
    this.push({
      ruleId: rule.meta.id,
      messageId: report.messageId,
      message: formatMessage(template, report.data),
      severity,
      confidence: report.confidence ?? rule.meta.confidence,
      help: rule.meta.help,
      fix: report.fix,
      file,
      start,
      end,
      secret: report.secret,
    });
  }

  scanProblem(ruleId: string, messageId: string, file: SourceFile, start: number, end: number, data: Record<string, string>): void {
    const rule = RULES.find((candidate) => candidate.meta.id === ruleId);
    if (!rule) throw new Error(`internal error: ${ruleId} is not registered`);
    this.push({
      ruleId,
      messageId,
      message: formatMessage(rule.meta.messages[messageId] ?? messageId, data),
      severity: rule.meta.severity,
      confidence: rule.meta.confidence,
      help: rule.meta.help,
      fix: undefined,
      file,
      start,
      end,
    });
  }

  private push(parts: Omit<Finding, 'location' | 'snippet' | 'fingerprint' | 'helpUri'> & { file: SourceFile; start: number; end: number; secret?: boolean }): void {
    const { file, start, end, secret, ...rest } = parts;
    const location = file.location(start, end);
    // The code frame is output too, and must not print a secret that the message masks.
    const line = file.lines.lineText(location.start.line);
    const flagged = secret && location.start.line === location.end.line ? maskRange(line, location.start.column - 1, location.end.column - 1) : line;
    const snippet = maskSecretsIn(flagged);
    const key = file.text.slice(start, Math.min(end, start + 200)) || snippet;
    const occurrenceKey = [rest.ruleId, rest.messageId, file.path, key].join('\0');
    const occurrence = this.occurrences.get(occurrenceKey) ?? 0;
    this.occurrences.set(occurrenceKey, occurrence + 1);
    const { fix, ...fields } = rest;
    const finding: Finding = {
      ...fields,
      ...(fix !== undefined ? { fix } : {}),
      location,
      snippet,
      helpUri: docsUrl(rest.ruleId),
      fingerprint: fingerprintOf({ ruleId: rest.ruleId, messageId: rest.messageId, path: file.path, key, occurrence }),
    };
    this.findings.push(finding);
  }
}

function resolveTarget(file: SourceFile, target: Report<string>['at']): [number, number] {
  if ('start' in target) return [target.start, Math.max(target.start, target.end)];
  if (!(file instanceof YamlFile)) return [0, 0];
  if ('index' in target) {
    const raw = resolveNeedle(file, target);
    return [raw, raw + target.length];
  }
  const span = file.span(target.route, target.part);
  return [span.start, span.end];
}

function resolveNeedle(file: YamlFile, target: { route: readonly (string | number)[]; index: number; length: number; needle?: string }): number {
  const value = file.scalarString(target.route) ?? '';
  const needle = target.needle ?? value.slice(target.index, target.index + target.length);
  return file.offsetInScalar(target.route, target.index, needle || ' ');
}

function maskRange(line: string, from: number, to: number): string {
  return line.slice(0, from) + maskSecret(line.slice(from, to)) + line.slice(to);
}

/** Several findings often share a line (and generated workflows share many), so masks are cached. */
const maskedLines = new Map<string, string>();

function maskSecretsIn(line: string): string {
  const cached = maskedLines.get(line);
  if (cached !== undefined) return cached;
  const masked = maskSecretsUncached(line);
  if (maskedLines.size > 50_000) maskedLines.clear();
  maskedLines.set(line, masked);
  return masked;
}

function maskSecretsUncached(line: string): string {
  let out = line;
  for (const hit of findSecretLiterals(line).reverse()) {
    out = out.slice(0, hit.index) + maskSecret(line.slice(hit.index, hit.index + hit.length)) + out.slice(hit.index + hit.length);
  }
  return out;
}
