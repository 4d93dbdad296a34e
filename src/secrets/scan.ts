// Finds secrets in text: one keyword pass decides which detectors run, then their patterns and checks.

import type { Detector } from './detector.js';
import { isPlaceholder, shannonEntropy } from './filters.js';

export interface SecretHit {
  detector: Detector;
  /** UTF-16 offset and length of the secret in the scanned text. */
  index: number;
  length: number;
  secret: string;
}

interface Compiled {
  detector: Detector;
  /** The detector's pattern with group indices (`d`), so a secret is located exactly, even in a lookbehind. */
  pattern: RegExp;
}

export class SecretScanner {
  private readonly prefilter: RegExp;
  private readonly byKeyword = new Map<string, Compiled[]>();
  private readonly compiled: Compiled[];

  constructor(detectors: readonly Detector[], options: { includeGeneric?: boolean } = {}) {
    // Generic detectors cost a full pass over every text that mentions a password; skip them unless asked.
    this.compiled = detectors
      .filter((detector) => options.includeGeneric !== false || !detector.generic)
      .map((detector) => ({ detector, pattern: new RegExp(detector.pattern.source, detector.pattern.flags.includes('d') ? detector.pattern.flags : `${detector.pattern.flags}d`) }));
    for (const entry of this.compiled) {
      for (const keyword of entry.detector.keywords) {
        if (keyword.length === 0) throw new Error(`internal error: detector ${entry.detector.id} has an empty keyword`);
        const list = this.byKeyword.get(keyword) ?? [];
        list.push(entry);
        this.byKeyword.set(keyword, list);
      }
    }
    // Longer keywords first, so a keyword that contains another is still seen. The pattern runs on
    // lower-cased text without the `i` flag, which irregexp scans faster.
    const keywords = [...this.byKeyword.keys()].sort((a, b) => b.length - a.length);
    // The pass reports the longest keyword at each position; the ones inside it count as seen too.
    for (const keyword of keywords) {
      const inside = keywords.filter((other) => other !== keyword && keyword.includes(other));
      const entries = new Set([...(this.byKeyword.get(keyword) ?? []), ...inside.flatMap((other) => this.byKeyword.get(other) ?? [])]);
      this.byKeyword.set(keyword, [...entries]);
    }
    this.prefilter = keywords.length > 0 ? new RegExp(keywords.map(escapeRegExp).join('|'), 'g') : /(?!)/g;
  }

  /** The detectors whose keywords occur in a text. */
  candidates(text: string): Set<Compiled> {
    const found = new Set<Compiled>();
    const seen = new Set<string>();
    // Only presence matters here, so case mappings that change the length (İ → i̇) do no harm.
    const lower = text.toLowerCase();
    this.prefilter.lastIndex = 0;
    for (let match = this.prefilter.exec(lower); match; match = this.prefilter.exec(lower)) {
      const keyword = match[0];
      // Restart one character later, so a keyword that overlaps the end of this one is not skipped.
      this.prefilter.lastIndex = match.index + 1;
      if (seen.has(keyword)) continue;
      seen.add(keyword);
      for (const entry of this.byKeyword.get(keyword) ?? []) found.add(entry);
      if (seen.size === this.byKeyword.size) break;
    }
    return found;
  }

  scan(text: string): SecretHit[] {
    const candidates = this.candidates(text);
    if (candidates.size === 0) return [];
    const hits: SecretHit[] = [];
    for (const entry of this.compiled) {
      if (!candidates.has(entry)) continue;
      const { pattern, detector } = entry;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
        // A zero-width match (a pattern that captures its secret in a lookbehind) must still move on.
        if (match[0].length === 0) pattern.lastIndex++;
        const hit = extract(detector, match);
        if (hit) hits.push(hit);
      }
    }
    return withoutOverlaps(hits);
  }
}

function extract(detector: Detector, match: RegExpExecArray): SecretHit | undefined {
  const indices = match.indices;
  const span = indices?.groups?.secret ?? indices?.[1] ?? (match[0].length > 0 ? indices?.[0] : undefined);
  if (!span) return undefined;
  const secret = match.input.slice(span[0], span[1]);
  if (!secret) return undefined;
  // Structured secrets (key files) legitimately contain runs like `AAAAAAAA`; their validate() decides.
  if (!detector.structured && isPlaceholder(secret)) return undefined;
  if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) return undefined;
  if (detector.validate && !detector.validate(secret, match)) return undefined;
  return { detector, index: span[0], length: secret.length, secret };
}

/** One hit per stretch of text: specific detectors beat generic ones, then the longer secret wins. */
function withoutOverlaps(hits: SecretHit[]): SecretHit[] {
  const rank = (hit: SecretHit): number => (hit.detector.generic ? 0 : 1) * 1e9 + hit.length;
  hits.sort((a, b) => a.index - b.index || rank(b) - rank(a));
  const kept: SecretHit[] = [];
  for (const hit of hits) {
    const last = kept.at(-1);
    if (last && hit.index < last.index + last.length) {
      if (rank(hit) > rank(last)) kept[kept.length - 1] = hit;
      continue;
    }
    kept.push(hit);
  }
  return kept;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
