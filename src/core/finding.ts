// The finding model: plain data that every feature produces and every renderer consumes.

import { createHash } from 'node:crypto';
import type { Location } from './location.js';
import type { Confidence, Severity } from './severity.js';

export interface Finding {
  ruleId: string;
  messageId: string;
  message: string;
  severity: Severity;
  confidence: Confidence;
  /** Exactly one primary location. */
  location: Location;
  /** The source line(s) of the primary location, for code frames and fingerprints. */
  snippet: string;
  help: string;
  helpUri: string;
  /** Optional concrete remediation text. */
  fix?: string;
  /** Stable across line moves: rule, path, message id and the flagged text. */
  fingerprint: string;
  /** For findings from git history: the commit that added the flagged line. */
  commit?: { sha: string; author: string; date: string };
  /** Set when an inline comment, config entry or baseline suppresses the finding. */
  suppressed?: { kind: 'inline' | 'config' | 'baseline'; reason?: string };
}

export function fingerprintOf(parts: {
  ruleId: string;
  messageId: string;
  path: string;
  key: string;
  occurrence: number;
}): string {
  const hash = createHash('sha256');
  hash.update([parts.ruleId, parts.messageId, parts.path, parts.key.trim().replace(/\s+/g, ' '), String(parts.occurrence)].join('\0'));
  return hash.digest('hex').slice(0, 32);
}

/** Orders findings by path, then position, then rule id, so every output is deterministic. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.path.localeCompare(b.location.path) ||
    a.location.start.offset - b.location.start.offset ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.messageId.localeCompare(b.messageId)
  );
}

/** Fills `{{name}}` placeholders of a message template. */
export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const value = data[name];
    return value === undefined ? whole : String(value);
  });
}
