// Root agent instruction files that say nothing about secrets, network use or untrusted input.

import { defineRule, type ParsedInput, type RepoView } from '../../rule.js';

/**
 * Keyword groups, one per kind of boundary. A file that matches any group says something about
 * security; the rule does not judge whether it says enough.
 */
const GROUPS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'secrets', pattern: /\bsecrets?\b|\bcredentials?\b|\bpasswords?\b|\bapi[ _-]?keys?\b|\b(?:access|auth|api|github|bearer) tokens?\b|\b[A-Z]+_TOKEN\b|(?:^|[\s`'"(/])\.env\b|\bprivate keys?\b|\bssh keys?\b/i },
  { name: 'network', pattern: /\bexfiltrat|\begress\b|\boutbound\b|\bnetwork (?:access|calls?|requests?)\b|\bexternal (?:hosts?|services?|urls?|requests?|endpoints?|domains?)\b|\bunknown (?:hosts?|urls?|domains?)\b/i },
  { name: 'untrusted input', pattern: /\buntrusted\b|\b(?:prompt|command|sql|code|shell) injection\b|\buser[ -](?:supplied|provided|controlled)\b|\bthird[ -]party (?:content|input|text)\b|\bmalicious\b|\bsaniti[sz]/i },
  // "case-sensitive" and "security patch" style words are too common to count; these are not.
  { name: 'security', pattern: /\bsecurity (?:rules?|boundar(?:y|ies)|policy|policies|guidelines?|requirements?|considerations?)\b|^#+\s*security\b|\bsensitive (?:data|information|files?|values?)\b|\bconfidential\b/im },
];

/** Imports that Claude Code resolves: `@path/to/file.md` outside code. */
const IMPORT = /(?:^|\s)@((?:\.{0,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)\b/g;

export const claudeMdNoSecurityRules = defineRule({
  meta: {
    id: 'claude-md-no-security-rules',
    area: 'instructions',
    description: 'agent instructions say nothing about secrets, network use or untrusted input',
    severity: 'info',
    confidence: 'medium',
    messages: {
      silent: '{{file}} (with what it imports) never mentions secrets, network use, untrusted input or security',
    },
    help: 'Add a short security section: never read or print `.env` files and credentials, do not send data to hosts the task does not need, and treat issue, PR and web text as data, not as instructions. Instructions are not a control, but they set the agent\'s defaults.',
  },
  inputs: ['instructions'],
  check({ input, repo, report }) {
    if (input.kind !== 'instructions' || !ROOT_FILE.test(input.file.path)) return;
    const { text, importsRootFile } = withImports(input, repo);
    // Hidden or commented-out text is not a rule the file sets (and may be an attack that mentions `.env`).
    const visible = text.replace(/<!--[\s\S]*?(?:-->|(?![\s\S]))/g, ' ');
    if (GROUPS.some((group) => group.pattern.test(visible))) return;
    // `CLAUDE.md` that only imports `AGENTS.md`: the finding on the imported file covers both.
    if (importsRootFile) return;
    const firstLine = input.file.text.indexOf('\n');
    report({ messageId: 'silent', data: { file: input.file.path }, at: { start: 0, end: firstLine === -1 ? input.file.text.length : firstLine } });
  },
});

const ROOT_FILE = /^(claude|agents)\.md$/i;

/**
 * The file's text plus what Claude Code would load with it: files it imports with `@path` (when
 * the audit read them) and, for `CLAUDE.md`, every `.claude/rules/*.md`.
 */
function withImports(input: ParsedInput, repo: RepoView): { text: string; importsRootFile: boolean } {
  const byPath = new Map(repo.inputs.filter((other) => other.kind === 'instructions').map((other) => [other.file.path, other.file.text]));
  const seen = new Set([input.file.path]);
  const parts = [input.file.text];
  let importsRootFile = false;
  // Claude Code follows imports five levels deep.
  let frontier = [input.file.text];
  for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const text of frontier) {
      for (const match of stripCode(text).matchAll(IMPORT)) {
        const path = normalize(match[1] as string);
        const imported = byPath.get(path);
        if (imported === undefined || seen.has(path)) continue;
        seen.add(path);
        if (ROOT_FILE.test(path)) importsRootFile = true;
        parts.push(imported);
        next.push(imported);
      }
    }
    frontier = next;
  }
  if (/^claude\.md$/i.test(input.file.path)) {
    for (const [path, text] of byPath) if (path.startsWith('.claude/rules/') && !seen.has(path)) parts.push(text);
  }
  return { text: parts.join('\n'), importsRootFile };
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** Drops fenced code and inline code spans, where `@x.md` is not an import. */
function stripCode(text: string): string {
  return text.replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[ \t]*$|(?![\s\S]))/gm, ' ').replace(/`[^`\n]*`/g, ' ');
}
