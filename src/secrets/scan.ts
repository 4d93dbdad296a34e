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

export class SecretScanner {
  private readonly prefilter: RegExp;
  private readonly byKeyword = new Map<string, Detector[]>();

  constructor(readonly detectors: readonly Detector[]) {
    for (const detector of detectors) {
      for (const keyword of detector.keywords) {
        if (keyword.length === 0) throw new Error(`internal error: detector ${detector.id} has an empty keyword`);
        const list = this.byKeyword.get(keyword) ?? [];
        list.push(detector);
        this.byKeyword.set(keyword, list);
      }
    }
    // The prefilter consumes what it matches, so `password=` found hides the `password` inside it:
    // a keyword also stands for the detectors of every keyword it contains.
    const direct = new Map([...this.byKeyword].map(([keyword, list]) => [keyword, [...list]]));
    for (const [keyword, list] of this.byKeyword) {
      for (const [inner, detectors] of direct) if (inner !== keyword && keyword.includes(inner)) list.push(...detectors);
    }
    // Longer keywords first, so a keyword that contains another is still seen.
    const keywords = [...this.byKeyword.keys()].sort((a, b) => b.length - a.length);
    // With no keywords at all the prefilter must match nothing, not the empty string everywhere.
    this.prefilter = keywords.length > 0 ? new RegExp(keywords.map(escapeRegExp).join('|'), 'gi') : /(?!)/g;
  }

  /** The detectors whose keywords occur in a text. */
  candidates(text: string): Set<Detector> {
    const found = new Set<Detector>();
    const seen = new Set<string>();
    this.prefilter.lastIndex = 0;
    for (let match = this.prefilter.exec(text); match; match = this.prefilter.exec(text)) {
      if (match[0].length === 0) {
        this.prefilter.lastIndex++;
        continue;
      }
      const keyword = match[0].toLowerCase();
      if (seen.has(keyword)) continue;
      seen.add(keyword);
      for (const detector of this.byKeyword.get(keyword) ?? []) found.add(detector);
      if (seen.size === this.byKeyword.size) break;
    }
    return found;
  }

  scan(text: string): SecretHit[] {
    const candidates = this.candidates(text);
    if (candidates.size === 0) return [];
    const hits: SecretHit[] = [];
    for (const detector of this.detectors) {
      if (!candidates.has(detector)) continue;
      detector.pattern.lastIndex = 0;
      for (let match = detector.pattern.exec(text); match; match = detector.pattern.exec(text)) {
        if (match[0].length === 0) {
          detector.pattern.lastIndex++;
          continue;
        }
        const hit = extract(detector, match);
        if (hit) hits.push(hit);
      }
    }
    return withoutOverlaps(hits);
  }
}

function extract(detector: Detector, match: RegExpExecArray): SecretHit | undefined {
  const group = match.groups?.secret !== undefined ? 'secret' : match[1] !== undefined ? 1 : 0;
  const secret = group === 'secret' ? (match.groups?.secret as string) : (match[group] as string);
  const offsetInMatch = group === 0 ? 0 : match[0].indexOf(secret);
  if (!secret || offsetInMatch < 0) return undefined;
  if (!detector.structured && isPlaceholder(secret)) return undefined;
  if (detector.minEntropy !== undefined && shannonEntropy(secret) < detector.minEntropy) return undefined;
  if (detector.validate && !detector.validate(secret, match)) return undefined;
  return { detector, index: match.index + offsetInMatch, length: secret.length, secret };
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
