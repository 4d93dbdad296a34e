// Building blocks for detector tables: keyword-anchored assignments, context checks and samples.

/**
 * A value assigned to a variable whose name matches `name`, in the shapes code and config use:
 * `NAME=value`, `NAME: "value"`, `"name": "value"`, `name => 'value'`, `--name value`. The name
 * is matched case-insensitively and may carry a short suffix (`_PROD`); the value is the `secret`
 * group and the name the `name` group. `valueChars` lists the characters that would continue the
 * value, so a longer run does not match. Every quantifier is bounded.
 */
export function assigned(name: string, value: string, valueChars: string): RegExp {
  return new RegExp(
    `(?<![a-z0-9])(?<name>${name})[a-z0-9_.-]{0,16}?["']?\\s{0,4}(?::=|=>|[=:]|\\s)\\s{0,4}["'\`]?` +
      `(?<secret>${value})(?![${valueChars}])`,
    'gi',
  );
}

/**
 * Whether `pattern` occurs in the `before` characters ahead of the match or the `after` characters
 * past its end. The match itself is left out, so a random secret cannot vouch for itself.
 */
export function near(match: RegExpExecArray, pattern: RegExp, before: number, after: number): boolean {
  const end = match.index + match[0].length;
  return (
    pattern.test(match.input.slice(Math.max(0, match.index - before), match.index)) ||
    pattern.test(match.input.slice(end, end + after))
  );
}

/** Decodes standard or URL-safe base64, padded or not; undefined when the text is not base64. */
export function decodeBase64(text: string): string | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

/**
 * A true positive written the way it appears in code: `template` with `%s` standing for the
 * secret. Samples are passed in as `prefix + rest`, so the source of a detector table never holds
 * a contiguous token that a scanner (ours, or a forge's push protection) would report.
 */
export function sample(template: string, secret: string): { text: string; secret: string } {
  return { text: template.replace('%s', () => secret), secret };
}
