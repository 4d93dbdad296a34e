// Attacker-controlled text substituted into shell or JavaScript code before it runs (script injection).

import { gitlabModel, jobLines } from '../../../parse/gitlab.js';
import { commandBaseName, parseShell, type ShellCommand, type ShellWord } from '../../../parse/shell.js';
import { parseUses, type WorkflowModel } from '../../../parse/workflow.js';
import { defineRule, type RuleContext } from '../../rule.js';
import { TaintScope, type TaintHit } from '../../taint.js';

type MessageId = 'run' | 'runIndirect' | 'githubScript' | 'gitlabEval' | 'gitlabUnquoted';

export const untrustedInputInRun = defineRule({
  meta: {
    id: 'untrusted-input-in-run',
    area: 'workflow',
    description: 'attacker-controlled text is expanded into a script before it runs',
    severity: 'high',
    confidence: 'high',
    messages: {
      run: '`{{source}}` is pasted into the `run:` script before the shell parses it; whoever writes it can run commands',
      runIndirect: '`{{source}}` is pasted into the `run:` script through `{{text}}`; whoever writes it can run commands',
      githubScript: '`{{source}}` is pasted into the `actions/github-script` code; whoever writes it can run JavaScript with the job token',
      gitlabEval: '`{{variable}}` is evaluated as shell code by `{{command}}`; whoever writes it can run commands',
      gitlabUnquoted: '`{{variable}}` is expanded unquoted, so its words become separate arguments of `{{command}}`',
    },
    help: 'Pass untrusted values to scripts through `env:` and use them as quoted shell variables (`"$TITLE"`), or as `process.env.TITLE` in github-script; in GitLab quote the variable and never hand it to `eval` or `sh -c`.',
  },
  inputs: ['workflow', 'action', 'gitlab-ci'],
  check(context) {
    const { input } = context;
    if ((input.kind === 'workflow' || input.kind === 'action') && input.model) checkWorkflow(input.model, context);
    if (input.kind === 'gitlab-ci') checkGitlab(context);
  },
});

/** Events only people with write access can cause; substitution there is a bug, rarely an attack path. */
const TRUSTED_TRIGGERS = new Set(['push', 'schedule', 'workflow_dispatch', 'release', 'create', 'delete', 'merge_group', 'page_build', 'deployment', 'deployment_status']);

function checkWorkflow(workflow: WorkflowModel, { report }: RuleContext<MessageId>): void {
  const trustedOnly = workflow.triggers.length > 0 && workflow.triggers.every((trigger) => TRUSTED_TRIGGERS.has(trigger));
  const grade = (hit: TaintHit): 'high' | 'medium' => (trustedOnly || hit.via === 'step-output' ? 'medium' : 'high');
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      const scope = new TaintScope(workflow, job, step);
      if (step.run) {
        const run = step.run;
        for (const hit of scope.expressionHits(run.value)) {
          const at = { route: run.route, index: hit.index, length: hit.length };
          if (hit.via === 'direct') report({ messageId: 'run', data: { source: hit.source }, at, confidence: grade(hit) });
          else report({ messageId: 'runIndirect', data: { source: hit.source, text: run.value.slice(hit.index, hit.index + hit.length) }, at, confidence: grade(hit) });
        }
      }
      const uses = step.uses ? parseUses(step.uses.value) : undefined;
      const script = step.with.get('script');
      if (uses?.owner === 'actions' && uses.repo === 'github-script' && script) {
        for (const hit of scope.expressionHits(script.value)) {
          report({ messageId: 'githubScript', data: { source: hit.source }, at: { route: script.route, index: hit.index, length: hit.length }, confidence: grade(hit) });
        }
      }
    }
  }
}

/** Predefined variables whose text an outsider (MR author, committer) chooses. */
const FREE_TEXT = new Set(['CI_MERGE_REQUEST_TITLE', 'CI_MERGE_REQUEST_DESCRIPTION', 'CI_COMMIT_MESSAGE', 'CI_COMMIT_TITLE', 'CI_COMMIT_DESCRIPTION', 'CI_COMMIT_AUTHOR']);
/** Branch names cannot hold whitespace, so only re-evaluation turns them into code. */
const BRANCH_NAMES = new Set(['CI_COMMIT_BRANCH', 'CI_COMMIT_REF_NAME', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME']);

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash']);
/** Extra arguments to these only change what gets printed. */
const DISPLAY_ONLY = new Set(['echo']);
const PREFIXES = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command']);

function checkGitlab({ input, report }: RuleContext<MessageId>): void {
  if (input.kind !== 'gitlab-ci') return;
  const model = gitlabModel(input.file);
  if (!model) return;
  // A default before_script is shared by many jobs; report each line once.
  const seen = new Set<string>();
  for (const job of model.jobs) {
    for (const line of jobLines(job)) {
      const key = line.route.join('\0');
      if (seen.has(key)) continue;
      seen.add(key);
      for (const command of parseShell(line.value).commands) {
        const code = codeArguments(command);
        for (const arg of command.args) {
          for (const use of variableUses(line.value, arg)) {
            const evaluated = code.label !== undefined && code.args.includes(arg);
            const at = { route: line.route, index: use.index, length: use.length };
            const variable = `$${use.name}`;
            if (evaluated && (FREE_TEXT.has(use.name) || BRANCH_NAMES.has(use.name))) {
              report({ messageId: 'gitlabEval', data: { variable, command: code.label as string }, at });
            } else if (!evaluated && use.quoting === 'none' && FREE_TEXT.has(use.name) && !DISPLAY_ONLY.has(commandBaseName(command.name?.value ?? ''))) {
              report({ messageId: 'gitlabUnquoted', data: { variable, command: commandBaseName(command.name?.value ?? '') }, at, severity: 'medium', confidence: 'medium' });
            }
          }
        }
      }
    }
  }
}

/** The arguments a command runs as shell code: everything after `eval`, the script after `sh -c`. */
function codeArguments(command: ShellCommand): { label: string | undefined; args: ShellWord[] } {
  const words = command.name ? [command.name, ...command.args] : [];
  let i = 0;
  while (i < words.length && PREFIXES.has(commandBaseName(words[i]?.value ?? ''))) {
    i++;
    while (i < words.length && /^-|^[A-Za-z_]\w*=/.test(words[i]?.value ?? '')) i++;
  }
  const program = commandBaseName(words[i]?.value ?? '');
  if (program === 'eval') return { label: 'eval', args: words.slice(i + 1) };
  if (SHELLS.has(program)) {
    const flag = words.findIndex((word, at) => at > i && /^-[a-z]*c[a-z]*$/.test(word.value));
    const script = flag === -1 ? undefined : words[flag + 1];
    if (script) return { label: `${program} -c`, args: [script] };
  }
  return { label: undefined, args: [] };
}

interface VariableUse {
  name: string;
  /** Offsets into the script line. */
  index: number;
  length: number;
  quoting: 'none' | 'double';
}

/**
 * `$NAME` and `${NAME…}` inside one word, with the quoting around each. Command substitutions are
 * skipped: the parser lists the commands inside them on their own, where quoting starts afresh.
 */
function variableUses(script: string, word: ShellWord): VariableUse[] {
  const raw = script.slice(word.start, word.end);
  const uses: VariableUse[] = [];
  let double = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === "'" && !double) {
      // Single quotes expand nothing; `sh -c '…$X…'` leaves the expansion to the inner shell.
      const close = raw.indexOf("'", i + 1);
      i = close === -1 ? raw.length : close;
      continue;
    }
    if (ch === '"') {
      double = !double;
      continue;
    }
    if (ch === '`') {
      const close = raw.indexOf('`', i + 1);
      i = close === -1 ? raw.length : close;
      continue;
    }
    if (ch !== '$') continue;
    if (raw[i + 1] === '(') {
      i = closingParen(raw, i + 1);
      continue;
    }
    const match = /^\$(\{)?([A-Za-z_]\w*)/.exec(raw.slice(i));
    if (!match) continue;
    const braced = match[1] === '{';
    const close = braced ? raw.indexOf('}', i) : -1;
    const length = braced && close !== -1 ? close + 1 - i : match[0].length;
    uses.push({ name: match[2] as string, index: word.start + i, length, quoting: double ? 'double' : 'none' });
    i += length - 1;
  }
  return uses;
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}
