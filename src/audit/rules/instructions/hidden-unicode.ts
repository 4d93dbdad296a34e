// Invisible characters in agent instruction files: tag characters, bidi controls, zero-width runs.

import { hiddenKind, type HiddenKind } from '../../../core/unicode.js';
import { defineRule } from '../../rule.js';

export const hiddenUnicode = defineRule({
  meta: {
    id: 'hidden-unicode',
    area: 'instructions',
    description: 'invisible unicode characters hide text from reviewers but not from the agent',
    severity: 'high',
    confidence: 'high',
    messages: {
      tags: '{{count}} invisible Unicode tag characters spell out hidden text: "{{decoded}}"',
      bidi: 'bidirectional control character {{codepoint}} can make the text read differently from what the agent sees',
      zeroWidth: '{{count}} zero-width characters ({{codepoints}}) in a row can carry hidden instructions',
    },
    help: 'Delete the invisible characters (view the file with `cat -v` or a hex viewer to see them) and find out how they got there: instruction files are read by the agent with full trust.',
  },
  inputs: ['instructions'],
  check({ input, report }) {
    if (input.kind !== 'instructions') return;
    for (const run of hiddenRuns(input.file.text)) {
      if (run.kind === 'tags') {
        report({ messageId: 'tags', data: { count: run.chars.length, decoded: decodeTags(run.chars) }, at: { start: run.start, end: run.end } });
      } else if (run.kind === 'bidi') {
        report({ messageId: 'bidi', data: { codepoint: codepoint(run.chars[0] ?? 0) }, at: { start: run.start, end: run.end } });
      } else {
        report({
          messageId: 'zeroWidth',
          data: { count: run.chars.length, codepoints: [...new Set(run.chars.map(codepoint))].join(', ') },
          at: { start: run.start, end: run.end },
          severity: run.chars.length >= 3 ? 'high' : 'medium',
        });
      }
    }
  },
});

export interface HiddenRun {
  kind: HiddenKind;
  start: number;
  end: number;
  chars: number[];
}

/** Groups consecutive hidden characters of one kind; a byte-order mark at the very start is allowed. */
export function hiddenRuns(text: string): HiddenRun[] {
  const runs: HiddenRun[] = [];
  let offset = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const kind = offset === 0 && cp === 0xfeff ? undefined : hiddenKind(cp);
    const last = runs.at(-1);
    if (kind) {
      if (last && last.kind === kind && last.end === offset && kind !== 'bidi') {
        last.end = offset + ch.length;
        last.chars.push(cp);
      } else {
        runs.push({ kind, start: offset, end: offset + ch.length, chars: [cp] });
      }
    }
    offset += ch.length;
  }
  return runs;
}

export function decodeTags(chars: number[]): string {
  return chars
    .map((cp) => cp - 0xe0000)
    .filter((ascii) => ascii >= 0x20 && ascii < 0x7f)
    .map((ascii) => String.fromCharCode(ascii))
    .join('');
}

function codepoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}
