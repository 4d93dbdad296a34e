// Characters that render as nothing or reorder text: what hides instructions from human reviewers.

export type HiddenKind = 'tags' | 'bidi' | 'zero-width';

export function hiddenKind(cp: number): HiddenKind | undefined {
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'tags';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c) return 'bidi';
  if ((cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff || cp === 0x180e || (cp >= 0xe0100 && cp <= 0xe01ef)) return 'zero-width';
  return undefined;
}

/**
 * Makes a line safe to print in a terminal: hidden and control characters become a visible `�`
 * (so bidi controls cannot reorder the report), and `column` maps a 1-based UTF-16 column of the
 * original line to the 1-based display column of the result.
 */
export function displayLine(line: string): { text: string; column: (utf16Column: number) => number } {
  let text = '';
  const columns: number[] = [];
  let display = 1;
  for (const ch of line) {
    const cp = ch.codePointAt(0) ?? 0;
    const unsafe = hiddenKind(cp) !== undefined || (cp < 0x20 && cp !== 0x09) || cp === 0x7f || (cp >= 0x80 && cp < 0xa0);
    const shown = cp === 0x09 ? ' ' : unsafe ? '\u{fffd}' : ch;
    for (let unit = 0; unit < ch.length; unit++) columns.push(display);
    text += shown;
    display += 1;
  }
  columns.push(display);
  return { text, column: (utf16Column) => columns[Math.min(Math.max(utf16Column - 1, 0), columns.length - 1)] ?? display };
}
