// What the non-tool events look at: hidden Unicode in prompts, secrets and planted instructions in tool output.

import { hiddenKind, type HiddenKind } from '../core/unicode.js';
import { maskSecret } from '../core/secret-text.js';
import { sharedScanner } from '../secrets/scan-files.js';

export interface HiddenText {
  kind: HiddenKind;
  /** 0-based code point index of the run's first character. */
  at: number;
  length: number;
  /** Tag characters spell ASCII: U+E0041 is `A`. Other kinds have nothing to decode. */
  decoded: string | undefined;
}

/** Joiners that legitimately sit alone between emoji or in Indic scripts; a run of two or more is not that. */
const LONE_ZERO_WIDTH_OK = new Set([0x200c, 0x200d, 0xfe0f]);

/**
 * Runs of characters a reader does not see: any tag character, any bidi control, and zero-width
 * characters except a single joiner (emoji sequences, scripts that need ZWJ/ZWNJ).
 */
export function findHiddenText(text: string): HiddenText[] {
  const runs: HiddenText[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; ) {
    const kind = hiddenKind(chars[i]!.codePointAt(0)!);
    if (!kind) {
      i++;
      continue;
    }
    let end = i + 1;
    while (end < chars.length && hiddenKind(chars[end]!.codePointAt(0)!) === kind) end++;
    const single = end - i === 1 && LONE_ZERO_WIDTH_OK.has(chars[i]!.codePointAt(0)!);
    if (!(kind === 'zero-width' && single)) {
      const decoded = kind === 'tags' ? chars.slice(i, end).map((c) => decodeTag(c.codePointAt(0)!)).join('') : undefined;
      runs.push({ kind, at: i, length: end - i, decoded });
    }
    i = end;
  }
  return runs;
}

function decodeTag(cp: number): string {
  const ascii = cp - 0xe0000;
  return ascii >= 0x20 && ascii < 0x7f ? String.fromCharCode(ascii) : '';
}

export function describeHidden(runs: readonly HiddenText[]): string {
  return runs
    .map((run) => `${run.length} ${run.kind} character${run.length === 1 ? '' : 's'} at ${run.at}${run.decoded ? ` spelling ${JSON.stringify(run.decoded)}` : ''}`)
    .join('; ');
}

export interface OutputSecret {
  detector: string;
  masked: string;
}

/** Every string in a tool response, scanned with the secret detectors (not the noisy generic ones). */
export function secretsInOutput(response: unknown): OutputSecret[] {
  const found = new Map<string, OutputSecret>();
  const scanner = sharedScanner(false);
  for (const text of strings(response)) {
    for (const hit of scanner.scan(text)) found.set(hit.secret, { detector: hit.detector.id, masked: maskSecret(hit.secret) });
  }
  return [...found.values()];
}

/**
 * Phrases that address the agent instead of informing it. Fetched pages, issues and files are data;
 * text in them that tells the model what to do is how prompt injection arrives.
 */
const INSTRUCTION_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|preceding|your|system)\s+(instructions|prompts?|rules|directions|guidelines)/i, 'tells the reader to ignore its instructions'],
  [/\b(new|updated|real|actual)\s+instructions\s*:/i, 'announces new instructions'],
  [/\byou\s+are\s+now\s+(a|an|in)\b/i, 'tries to give the reader a new role'],
  [/\b(AI|LLM|assistant|agent|claude|model)s?\b[^.\n]{0,40}\b(must|should|need to|are required to)\s+(run|execute|fetch|curl|send|upload|post|read|print|reveal)/i, 'tells an AI agent to run or send something'],
  [/<!--[^>]{0,400}\b(instruction|assistant|claude|ai agent|system prompt|execute|run the following)\b[^>]{0,400}-->/i, 'hides instructions in an HTML comment'],
  [/\[(SYSTEM|INST)\]|<\|im_start\|>|<\/?system>/i, 'imitates a chat-template or system marker'],
];

export function plantedInstructions(response: unknown): string[] {
  const reasons = new Set<string>();
  for (const text of strings(response)) {
    for (const [pattern, reason] of INSTRUCTION_PATTERNS) if (pattern.test(text)) reasons.add(reason);
    const hidden = findHiddenText(text);
    if (hidden.length > 0) reasons.add(`contains hidden Unicode (${describeHidden(hidden.slice(0, 3))})`);
  }
  return [...reasons];
}

/** Every string in a JSON value, keys included; bounded so a huge output cannot stall the hook. */
function* strings(value: unknown, budget = { left: 8 * 1024 * 1024 }): Generator<string> {
  if (budget.left <= 0) return;
  if (typeof value === 'string') {
    budget.left -= value.length;
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* strings(item, budget);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* strings(item, budget);
    }
  }
}
