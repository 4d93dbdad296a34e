// The secret-detector contract: each detector is data that carries its own true and false positives.

import type { Confidence, Severity } from '../core/severity.js';

export interface Detector {
  /** Kebab-case id, e.g. `anthropic-api-key`; findings use `secret/<id>` as their rule id. */
  id: string;
  /** One line, lowercase, no final period: what the secret is. */
  description: string;
  /** Where the token format comes from (vendor docs, announcement), for reviewers. */
  source: string;
  /**
   * Lowercase substrings, at least one of which occurs in any text the pattern can match; the
   * scanner runs the pattern only when one is present (gitleaks-style prefilter). Keep them
   * specific: a keyword present in most files makes the prefilter useless.
   */
  keywords: readonly string[];
  /**
   * Global regex. The secret is the named group `secret` when present, else group 1, else the whole
   * match. No catastrophic backtracking: bounded quantifiers only.
   */
  pattern: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret; rejects `xxxx`-style placeholders. */
  minEntropy?: number;
  /** Offline structural check (checksum, decoding, key parsing); false rejects the match. */
  validate?: (secret: string, match: RegExpExecArray) => boolean;
  /**
   * Structured material (key files) that `validate` parses: the placeholder filter is skipped,
   * because base64 of binary has long runs (`AAAAAAAA` in every OpenSSH key) and a stand-in such
   * as `...` already fails validation.
   */
  structured?: boolean;
  severity: Severity;
  confidence: Confidence;
  /** Keyword-plus-entropy detectors: low severity and off the default failure path. */
  generic?: boolean;
  /** Text that must produce exactly one hit whose secret is the `secret` given (or the whole text). */
  truePositives: readonly (string | { text: string; secret: string })[];
  /** Near misses that must produce no hit: wrong length, wrong prefix, placeholders, bad checksum. */
  falsePositives: readonly string[];
}

export function defineDetectors(detectors: Detector[]): readonly Detector[] {
  return detectors;
}
