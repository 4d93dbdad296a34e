// GitHub Actions `${{ }}` expressions: where they are in a string and which contexts they read.

export interface Expression {
  /** Offset of `${{` in the containing string. */
  index: number;
  /** Full text including the delimiters. */
  text: string;
  /** The inner expression source. */
  body: string;
  /** Context references such as `github.event.issue.body` or `env.TITLE`, normalised to dots. */
  references: string[];
}

/** Finds every `${{ … }}` in a string, skipping over string literals inside the expression. */
export function findExpressions(value: string): Expression[] {
  const found: Expression[] = [];
  let from = 0;
  for (;;) {
    const open = value.indexOf('${{', from);
    if (open === -1) break;
    let i = open + 3;
    let close = -1;
    while (i < value.length) {
      if (value[i] === "'") {
        const end = value.indexOf("'", i + 1);
        i = end === -1 ? value.length : end + 1;
        continue;
      }
      if (value.startsWith('}}', i)) {
        close = i;
        break;
      }
      i++;
    }
    if (close === -1) break;
    const body = value.slice(open + 3, close);
    found.push({ index: open, text: value.slice(open, close + 2), body, references: contextReferences(body) });
    from = close + 2;
  }
  return found;
}

const CONTEXTS = new Set(['github', 'env', 'vars', 'secrets', 'inputs', 'steps', 'needs', 'matrix', 'job', 'jobs', 'runner', 'strategy']);

/** Context references in an expression body; string literals and function names are ignored. */
export function contextReferences(body: string): string[] {
  // Index syntax with a literal key is a property access; everything else quoted is data.
  const dotted = body.replace(/\[\s*'([\w-]+)'\s*\]/g, '.$1');
  const withoutStrings = dotted.replace(/'(?:[^']|'')*'/g, "''");
  const refs: string[] = [];
  const token = /[A-Za-z_][\w-]*(?:\s*(?:\.\s*(?:[\w-]+|\*)|\[\s*(?:'[^']*'|"[^"]*"|\*|\d+)\s*\]))*/g;
  for (const match of withoutStrings.matchAll(token)) {
    const text = match[0];
    const head = /^[A-Za-z_][\w-]*/.exec(text)?.[0] ?? '';
    if (!CONTEXTS.has(head)) continue;
    const after = withoutStrings.slice((match.index ?? 0) + text.length).trimStart();
    if (after.startsWith('(')) continue;
    refs.push(normaliseReference(text));
  }
  return refs;
}

function normaliseReference(text: string): string {
  return text
    .replace(/\s+/g, '')
    .replace(/\[\s*['"]([^'"]*)['"]\s*\]/g, '.$1')
    .replace(/\[\s*(\*|\d+)\s*\]/g, '.$1')
    .toLowerCase();
}

/**
 * Contexts an outsider can write: issue, PR, comment, review and discussion text, branch names,
 * commit messages and author fields, and dispatch payloads.
 */
const UNTRUSTED_PATTERNS: RegExp[] = [
  /^github\.event\.(issue|pull_request|discussion)\.(title|body)$/,
  /^github\.event\.(comment|review|review_comment|discussion_comment)\.body$/,
  /^github\.event\.pages\.[^.]+\.page_name$/,
  /^github\.event\.(commits\.[^.]+|head_commit)\.(message|author\.(email|name)|committer\.(email|name))$/,
  /^github\.event\.pull_request\.head\.(ref|label|repo\.default_branch)$/,
  /^github\.head_ref$/,
  /^github\.event\.workflow_run\.(head_branch|display_title|head_commit\.(message|author\.(email|name)))$/,
  /^github\.event\.workflow_run\.pull_requests\.[^.]+\.head\.ref$/,
  /^github\.event\.client_payload(\..*)?$/,
  /^github\.event\.(issue|pull_request)$/,
  /^github\.event$/,
  /^github\.event\.check_suite\.head_branch$/,
];

export function isUntrustedContext(reference: string): boolean {
  return UNTRUSTED_PATTERNS.some((pattern) => pattern.test(reference));
}
