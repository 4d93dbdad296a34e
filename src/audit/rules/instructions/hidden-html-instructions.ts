// Instructions to the agent hidden in markdown: HTML comments, hidden HTML elements and link-reference comments.

import { defineRule } from '../../rule.js';

export const hiddenHtmlInstructions = defineRule({
  meta: {
    id: 'hidden-html-instructions',
    area: 'instructions',
    description: 'markdown hides text that reads like instructions to the agent',
    severity: 'high',
    confidence: 'high',
    messages: {
      comment: 'HTML comment hides text that reads like instructions to the agent: "{{text}}"',
      unterminated: 'unterminated HTML comment hides the rest of the file, which reads like instructions to the agent: "{{text}}"',
      element: 'hidden `<{{tag}}>` element ({{how}}) holds text that reads like instructions to the agent: "{{text}}"',
      linkComment: 'link-reference comment hides text that reads like instructions to the agent: "{{text}}"',
    },
    help: 'Delete the hidden text or make it visible, then find out how it got there: rendered markdown does not show it to reviewers, but the agent reads the raw file with full trust.',
  },
  inputs: ['instructions'],
  check({ input, report }) {
    if (input.kind !== 'instructions') return;
    for (const block of hiddenBlocks(input.file.text)) {
      const confidence = instructionSignals(block.text);
      if (!confidence) continue;
      const data = { text: preview(block.text), tag: block.tag ?? '', how: block.how ?? '' };
      const at = { start: block.start, end: block.end };
      if (block.kind === 'comment') report({ messageId: 'comment', data, at, confidence });
      else if (block.kind === 'unterminated') report({ messageId: 'unterminated', data, at, confidence });
      else if (block.kind === 'element') report({ messageId: 'element', data, at, confidence });
      else report({ messageId: 'linkComment', data, at, confidence });
    }
  },
});

export interface HiddenBlock {
  kind: 'comment' | 'unterminated' | 'element' | 'link';
  start: number;
  end: number;
  /** The hidden text itself, without the comment markers or tags. */
  text: string;
  tag?: string;
  how?: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LINK_COMMENT = /^ {0,3}\[[^\]\n]+\]:[ \t]*(?:#|<>)[ \t]*(?:\(([^\n]*)\)|"([^\n]*)"|'([^\n]*)')[ \t]*$/;
const OPEN_TAG = /^<([a-zA-Z][\w-]*)((?:\s+[^\s>]+)*?)\s*(\/?)>/;

/**
 * Text a markdown renderer does not show. Fenced code and inline code spans are skipped: a `<!--`
 * there is displayed as written. `<details>` is not hidden on purpose, so it is not reported.
 */
export function hiddenBlocks(text: string): HiddenBlock[] {
  const blocks: HiddenBlock[] = [];
  let i = 0;
  while (i < text.length) {
    const lineStart = i === 0 || text[i - 1] === '\n';
    if (lineStart) {
      const lineEnd = endOfLine(text, i);
      const line = text.slice(i, lineEnd);
      const fence = FENCE.exec(line);
      if (fence) {
        i = afterFence(text, lineEnd, fence[1] as string);
        continue;
      }
      const link = LINK_COMMENT.exec(line);
      if (link) {
        blocks.push({ kind: 'link', start: i, end: lineEnd, text: link[1] ?? link[2] ?? link[3] ?? '' });
        i = lineEnd;
        continue;
      }
    }
    const ch = text[i];
    if (ch === '\\') {
      i += 2;
    } else if (ch === '`') {
      i = afterCodeSpan(text, i);
    } else if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) {
        blocks.push({ kind: 'unterminated', start: i, end: text.length, text: text.slice(i + 4) });
        break;
      }
      blocks.push({ kind: 'comment', start: i, end: close + 3, text: text.slice(i + 4, close) });
      i = close + 3;
    } else if (ch === '<') {
      const element = hiddenElement(text, i);
      if (element) {
        blocks.push(element);
        i = element.end;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return blocks;
}

function endOfLine(text: string, from: number): number {
  const at = text.indexOf('\n', from);
  return at === -1 ? text.length : at;
}

/** Offset after the closing fence (or the end of the text when the fence never closes). */
function afterFence(text: string, openLineEnd: number, marker: string): number {
  const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*$`);
  let at = openLineEnd + 1;
  while (at < text.length) {
    const end = endOfLine(text, at);
    if (close.test(text.slice(at, end).replace(/\r$/, ''))) return end;
    at = end + 1;
  }
  return text.length;
}

/** A code span closes at the next run of the same number of backticks within the paragraph. */
function afterCodeSpan(text: string, from: number): number {
  let run = 0;
  while (text[from + run] === '`') run++;
  const paragraphEnd = (() => {
    const blank = /\n[ \t]*\n/g;
    blank.lastIndex = from;
    return blank.exec(text)?.index ?? text.length;
  })();
  for (let at = text.indexOf('`', from + run); at !== -1 && at < paragraphEnd; at = text.indexOf('`', at)) {
    let closing = 0;
    while (text[at + closing] === '`') closing++;
    if (closing === run) return at + closing;
    at += closing;
  }
  return from + run;
}

function hiddenElement(text: string, at: number): HiddenBlock | undefined {
  const open = OPEN_TAG.exec(text.slice(at, at + 2000));
  if (!open) return undefined;
  const tag = (open[1] as string).toLowerCase();
  const how = hidingAttribute(open[2] ?? '');
  if (!how || open[3] === '/' || tag === 'details') return undefined;
  const contentStart = at + open[0].length;
  // Count nested elements of the same name so `<div hidden><div>…</div>…</div>` closes at the right place.
  const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  tags.lastIndex = contentStart;
  let depth = 1;
  for (let match = tags.exec(text); match; match = tags.exec(text)) {
    depth += match[1] === '/' ? -1 : 1;
    if (depth === 0) {
      return { kind: 'element', start: at, end: match.index + match[0].length, text: stripTags(text.slice(contentStart, match.index)), tag, how };
    }
  }
  // Browsers hide everything after an unclosed hidden element.
  return { kind: 'element', start: at, end: text.length, text: stripTags(text.slice(contentStart)), tag, how };
}

function hidingAttribute(attributes: string): string | undefined {
  if (/(?:^|\s)hidden(?:\s|=|$)/i.test(attributes) && !/(?:^|\s)hidden\s*=\s*["']?false/i.test(attributes)) return 'hidden attribute';
  const style = /(?:^|\s)style\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(attributes);
  const css = (style?.[1] ?? style?.[2] ?? '').toLowerCase().replace(/\s+/g, '');
  if (/(?:^|;)display:none/.test(css)) return 'display:none';
  if (/(?:^|;)visibility:hidden/.test(css)) return 'visibility:hidden';
  if (/(?:^|;)font-size:0(?:px|em|rem|pt|%)?(?:;|!|$)/.test(css)) return 'font-size:0';
  if (/(?:^|;)opacity:0(?:\.0+)?(?:;|!|$)/.test(css)) return 'opacity:0';
  return undefined;
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, ' ');
}

function preview(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ').trim();
  return collapsed.length > 80 ? `${collapsed.slice(0, 80)}…` : collapsed;
}

/**
 * Phrasings aimed at an AI reader. Any one of them is enough: they almost never occur in comments
 * written for people.
 */
const AIMED_AT_AGENT: readonly RegExp[] = [
  // Overriding what came before.
  /\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|preceding|all|any|other|existing|your)\b[^.\n]{0,30}\b(?:instructions?|rules?|prompts?|guidelines|directions|directives|context|constraints|restrictions|guardrails)\b/i,
  // Keeping it from the people watching.
  /\b(?:do not|don't|dont|never|without)\s+(?:tell|telling|inform|informing|mention|mentioning|reveal|revealing|notify|notifying|alert|alerting|asking|ask|let)\b[^.\n]{0,30}\b(?:user|human|developer|maintainer|reviewer|operator|anyone|them)\b/i,
  /\b(?:silently|secretly|covertly|quietly)\s+(?:run|execute|send|post|upload|add|insert|install|fetch|download|commit|push|include|replace|modify|change)\b/i,
  // Fake conversation roles and prompt markup.
  /(?:^|\n)\s*(?:system|assistant)\s*:/i,
  /<\/?(?:system|instructions?|important|admin|system[-_]prompt)>|\[(?:system|inst)\]|"role"\s*:\s*"system"/i,
  // Addressing the model.
  /\byou are (?:now )?(?:an? )?(?:ai|assistant|agent|llm|language model|claude|copilot|chatgpt|coding agent)\b/i,
  /\b(?:if you are|as) an? (?:ai|llm|language model|coding agent|ai assistant|assistant|agent)\b/i,
  /\b(?:note|message|instructions?|reminder) (?:to|for) (?:the |any |all )?(?:ai|agents?|assistants?|llms?|claude|copilot|models?)\b/i,
  /\b(?:ai|llm|coding) (?:agents?|assistants?|models?)\b[^.\n]{0,30}\b(?:must|should|shall|need to|are required to|reading this)\b/i,
  /\b(?:claude|copilot|cursor|codex|gemini)\b[,:]?\s+(?:must|should|please|always|never|you must|ignore)\b/i,
  // Exfiltration and remote code.
  /\bexfiltrat/i,
  /\b(?:send|post|upload|forward|leak|transmit|copy|paste|include)\b[^.\n]{0,60}\b(?:secrets?|tokens?|credentials?|api keys?|\.env|environment variables|env vars|passwords?|ssh keys?|private keys?)\b/i,
  /\|\s*(?:ba|z|da)?sh\b|\bbase64\s+(?:-d|--decode)\b/,
  /(?:~|\$HOME)\/\.(?:ssh|aws|kube|docker|npmrc|netrc|git-credentials|config\/gh)\b/,
  /\$\{?(?:GITHUB_TOKEN|GH_TOKEN|ANTHROPIC_API_KEY|OPENAI_API_KEY|AWS_SECRET_ACCESS_KEY|NPM_TOKEN|ACTIONS_RUNTIME_TOKEN)\b|\bprintenv\b|\benv\s*\|/,
  // Claude Code tool names.
  /\b(?:Bash|WebFetch|WebSearch|Write|Edit|MultiEdit|NotebookEdit)\([^)\n]*\)|\b(?:WebFetch|WebSearch)\b|\bmcp__\w+|\buse the (?:Bash|Write|Edit|Read) tool\b/,
];

/**
 * An action verb given as an order: at the start of a sentence or list item, or after `please`/`always`/`must`.
 * A bare line start does not count: hard-wrapped prose puts any word there.
 */
const ORDER = /(?:^|[.!?:;]\s+|\n\s*(?:[-*+]|\d+\.)\s+|\b(?:please|always|now|first|then|must|should)\s+)(?:run|execute|exec|eval|invoke|fetch|curl|wget|send|post|upload)\b/i;
/** Something remote or risky to act on; a plain `npm run docs` is what human-facing comments mention. */
const TARGET = /https?:\/\/\S+|\b(?:curl|wget|ssh|scp|nc|ncat|chmod|sudo|rm -rf|git push|gh api|eval|powershell|python3? -c|node -e)\b/i;

/**
 * 'high' when the text addresses the agent in ways human-facing comments do not, 'medium' when it
 * orders an action on a URL or command, undefined when it reads like an ordinary comment.
 */
export function instructionSignals(hidden: string): 'high' | 'medium' | undefined {
  const text = hidden.normalize('NFKC');
  // Our own suppression comments carry a free-text reason.
  if (/^\s*cordon-ignore\[/.test(text)) return undefined;
  if (AIMED_AT_AGENT.some((pattern) => pattern.test(text))) return 'high';
  if (ORDER.test(text.trim()) && TARGET.test(text)) return 'medium';
  return undefined;
}
