// Runs a secret scan (working tree, git history or the staged change) and returns graded findings.

import picomatch from 'picomatch';
import { compareFindings, type Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import type { SecretsConfig } from '../config/schema.js';
import { DETECTORS } from './detectors/index.js';
import { rulesFor, toFinding } from './findings.js';
import { scanHistory, scanStaged } from './git.js';
import type { FileProblem, RawHit } from './scan-files.js';
import { scanTree } from './tree.js';
import { DEFAULT_MAX_BYTES, walkTree } from './walk.js';

export interface SecretsOptions {
  root: string;
  mode: 'tree' | 'history' | 'staged';
  since?: string;
  includeGeneric: boolean;
  showSecrets: boolean;
  threads?: number;
  config: SecretsConfig;
  baseline?: ReadonlySet<string>;
  onProgress?: (done: number, total: number, unit: 'files' | 'commits') => void;
}

export interface SecretsStats {
  mode: SecretsOptions['mode'];
  filesScanned: number;
  bytesScanned: number;
  commitsScanned: number;
  skipped: { excluded: number; large: number; symlinks: number; binary: number };
  problems: FileProblem[];
}

export interface SecretsResult {
  findings: Finding[];
  rules: RuleMeta[];
  stats: SecretsStats;
}

/** Comments that accept a secret on their line, in cordon's and other scanners' spellings. */
const INLINE_ALLOW = /cordon:allow-secret|gitleaks:allow|pragma: allowlist secret|secretlint-disable-line/;

const generic = new Set(DETECTORS.filter((detector) => detector.generic).map((detector) => `secret/${detector.id}`));

export async function runSecrets(options: SecretsOptions): Promise<SecretsResult> {
  const stats: SecretsStats = { mode: options.mode, filesScanned: 0, bytesScanned: 0, commitsScanned: 0, skipped: { excluded: 0, large: 0, symlinks: 0, binary: 0 }, problems: [] };
  let hits: RawHit[];
  if (options.mode === 'tree') {
    const walked = walkTree(options.root, { exclude: options.config.exclude, include: options.config.include, maxBytes: DEFAULT_MAX_BYTES });
    stats.skipped = { ...walked.skipped, binary: 0 };
    stats.problems.push(...walked.unreadable.map((entry): FileProblem => ({ path: entry.path, problem: 'unreadable', detail: entry.reason })));
    const scanned = await scanTree(walked.files, { threads: options.threads, includeGeneric: options.includeGeneric }, (done, total) => options.onProgress?.(done, total, 'files'));
    hits = scanned.hits;
    stats.filesScanned = scanned.filesScanned;
    stats.bytesScanned = scanned.bytes;
    stats.skipped.binary = scanned.problems.filter((problem) => problem.problem === 'binary').length;
    stats.problems.push(...scanned.problems.filter((problem) => problem.problem !== 'binary'));
  } else {
    const scanned = options.mode === 'history' ? await scanHistory(options.root, options.since, options.includeGeneric, (count) => options.onProgress?.(count, 0, 'commits')) : await scanStaged(options.root, options.includeGeneric);
    hits = scanned.hits;
    stats.commitsScanned = scanned.commits;
  }
  const excluded = options.config.exclude.length > 0 ? picomatch([...options.config.exclude], { dot: true }) : () => false;
  const kept = dedupe(hits.filter((hit) => (options.includeGeneric || !generic.has(hit.rule)) && !(options.mode !== 'tree' && excluded(hit.path))));
  const lineSecrets = new Map<string, string[]>();
  for (const hit of kept) {
    const key = lineKey(hit);
    lineSecrets.set(key, [...(lineSecrets.get(key) ?? []), hit.secret]);
  }
  const ignores = options.config.ignore.map((entry) => ({ entry, matches: entry.path ? picomatch(entry.path, { dot: true }) : () => true }));
  const findings = kept.map((hit) => {
    const finding = toFinding(hit, { showSecrets: options.showSecrets, lineSecrets: lineSecrets.get(lineKey(hit)) ?? [] });
    const ruleName = hit.rule.slice(hit.rule.indexOf('/') + 1);
    const ignore = ignores.find(({ entry, matches }) => (entry.rule === ruleName || entry.rule === hit.rule) && matches(hit.path) && (entry.line === undefined || entry.line === hit.line));
    if (INLINE_ALLOW.test(hit.lineText)) finding.suppressed = { kind: 'inline' };
    else if (ignore) finding.suppressed = { kind: 'config', reason: ignore.entry.reason };
    else if (options.baseline?.has(finding.fingerprint)) finding.suppressed = { kind: 'baseline' };
    return finding;
  });
  findings.sort(compareFindings);
  return { findings, rules: rulesFor(findings), stats };
}

function lineKey(hit: RawHit): string {
  return `${hit.commit?.sha ?? ''}\0${hit.path}\0${hit.line}`;
}

/** One finding per secret per line (a secret can match twice through overlapping formats). */
function dedupe(hits: RawHit[]): RawHit[] {
  const seen = new Set<string>();
  return hits.filter((hit) => {
    const key = `${lineKey(hit)}\0${hit.rule}\0${hit.secret}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
