// Turns raw hits into findings: masked messages and snippets, grades, fingerprints keyed on the secret.

import { createHash } from 'node:crypto';
import type { Finding } from '../core/finding.js';
import type { RuleMeta } from '../core/rule.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import type { Detector } from './detector.js';
import { DETECTORS } from './detectors/index.js';
import { secretFileKind } from './file-names.js';
import { maskSecret } from './filters.js';
import type { RawHit } from './scan-files.js';

export const SECRETS_DOCS = 'https://github.com/cordon-dev/cordon/blob/main/docs/secrets.md';

const HELP =
  'Revoke or rotate the credential first: it is in the repository (and its history) already. Then move it to the CI secret store or a vault, and keep secret files out of the agent with `cordon secrets --write-claudeignore --settings .claude/settings.json`.';

const FILE_HELP =
  'Keep this file out of the repository (add it to .gitignore and remove it from history if it was committed), and out of the agent: `cordon secrets --write-claudeignore --settings .claude/settings.json` denies it to Claude Code.';

export function detectorMeta(detector: Detector): RuleMeta<'found'> {
  return {
    id: `secret/${detector.id}`,
    area: 'secrets',
    description: detector.description,
    severity: detector.severity,
    confidence: detector.confidence,
    messages: { found: `${detector.description}: {{secret}}{{where}}` },
    help: HELP,
    helpUri: `${SECRETS_DOCS}#${detector.id}`,
  };
}

const byRule = new Map(DETECTORS.map((detector) => [`secret/${detector.id}`, detector]));

/** Rule metadata for every rule a set of findings uses, for SARIF. */
export function rulesFor(findings: readonly Finding[]): RuleMeta[] {
  const seen = new Map<string, RuleMeta>();
  for (const finding of findings) {
    if (seen.has(finding.ruleId)) continue;
    const detector = byRule.get(finding.ruleId);
    seen.set(
      finding.ruleId,
      detector
        ? detectorMeta(detector)
        : { id: finding.ruleId, area: 'secrets', description: finding.message, severity: finding.severity, confidence: finding.confidence, messages: {}, help: FILE_HELP, helpUri: `${SECRETS_DOCS}#secret-files` },
    );
  }
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Test fixtures hold fake secrets more often than real ones: lower their grade, never drop them. */
export function isTestPath(path: string): boolean {
  return /(^|\/)(tests?|__tests__|spec|specs|fixtures?|testdata|test-data|__mocks__|mocks?)(\/|$)|\.(test|spec)\.[a-z]+$|_test\.(go|py)$/i.test(path);
}

function lower(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, SEVERITIES.indexOf(severity) - 1)] ?? severity;
}

export function toFinding(hit: RawHit, options: { showSecrets: boolean; lineSecrets: readonly string[] }): Finding {
  const detector = byRule.get(hit.rule);
  const test = isTestPath(hit.path);
  const shown = options.showSecrets ? hit.secret : maskSecret(hit.secret);
  const where = hit.commit ? ` (added in ${hit.commit.sha.slice(0, 12)} by ${hit.commit.author} on ${hit.commit.date.slice(0, 10)})` : '';
  let message: string;
  let severity: Severity;
  let confidence: Finding['confidence'];
  if (detector) {
    message = `${detector.description}: ${shown}${where}`;
    severity = detector.severity;
    confidence = detector.confidence;
  } else {
    const kind = secretFileKind(hit.path);
    message = `${kind?.description ?? 'secret file'} in the repository${where}`;
    severity = 'medium';
    confidence = 'medium';
  }
  if (test) severity = lower(severity);
  const snippet = options.showSecrets ? hit.lineText : maskLine(hit.lineText, [hit.secret, ...options.lineSecrets]);
  const secretHash = createHash('sha256').update(hit.secret || hit.path).digest('hex');
  const fingerprint = createHash('sha256').update([hit.rule, hit.path, secretHash].join('\0')).digest('hex').slice(0, 32);
  return {
    ruleId: hit.rule,
    messageId: 'found',
    message: test ? `${message} (test path: severity lowered)` : message,
    severity,
    confidence,
    location: {
      path: hit.path,
      start: { line: hit.line, column: hit.column, offset: 0 },
      end: { line: hit.line, column: hit.column + (options.showSecrets ? hit.length : Math.min(hit.length, maskSecret(hit.secret).length)), offset: 0 },
    },
    snippet,
    help: detector ? HELP : FILE_HELP,
    helpUri: detector ? `${SECRETS_DOCS}#${detector.id}` : `${SECRETS_DOCS}#secret-files`,
    fingerprint,
    ...(hit.commit ? { commit: hit.commit } : {}),
  };
}

/** Every occurrence of every secret found on the line is replaced by its mask, longest first. */
function maskLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length)) out = out.split(secret).join(maskSecret(secret));
  return out;
}
