// Follows attacker-controlled text through expressions, env indirection, step outputs and shell variables.

import { findExpressions, isUntrustedContext } from '../parse/expression.js';
import { commandBaseName, parseShell } from '../parse/shell.js';
import type { JobModel, StepModel, WorkflowModel } from '../parse/workflow.js';

export interface TaintHit {
  /** Offset and length of the tainted text inside the string that was checked. */
  index: number;
  length: number;
  /** The untrusted context it comes from, e.g. `github.event.issue.body`. */
  source: string;
  /** How it got here: written directly, or through an env var, a step output, a shell variable or a fetch. */
  via: 'direct' | 'env' | 'step-output' | 'shell-variable' | 'fetch';
}

/** What is tainted where one step runs: env names and earlier steps' outputs. */
export class TaintScope {
  readonly env = new Map<string, string>();
  readonly stepOutputs = new Map<string, string>();

  constructor(
    readonly workflow: WorkflowModel,
    readonly job: JobModel,
    readonly step: StepModel | undefined,
  ) {
    for (const earlier of job.steps) {
      if (step && earlier.index >= step.index) break;
      if (!earlier.id) continue;
      const source = stepOutputTaint(workflow, job, earlier);
      if (source) this.stepOutputs.set(earlier.id.toLowerCase(), source);
    }
    const layers = [workflow.env, job.env, step?.env ?? new Map()];
    for (const layer of layers) {
      for (const [name, entry] of layer) {
        const hit = this.expressionHits(entry.value)[0];
        if (hit) this.env.set(name, hit.source);
        else this.env.delete(name);
      }
    }
  }

  /** Untrusted `${{ }}` expressions in a string: direct contexts, `env.X` and `steps.X.outputs`. */
  expressionHits(value: string): TaintHit[] {
    const hits: TaintHit[] = [];
    for (const expression of findExpressions(value)) {
      const found = expression.references.map((ref) => this.sourceOf(ref)).find((candidate) => candidate !== undefined);
      if (found) hits.push({ index: expression.index, length: expression.text.length, ...found });
    }
    return hits;
  }

  /** Untrusted text reaching a shell string: tainted `$VARS`, and commands that fetch issue/PR text. */
  shellHits(script: string): TaintHit[] {
    const hits = [...this.expressionHits(script)];
    const variables = new Map(this.env);
    const parsed = parseShell(script);
    // Variables assigned from tainted text become tainted themselves (two passes settle chains).
    for (let pass = 0; pass < 2; pass++) {
      for (const command of parsed.commands) {
        for (const assignment of command.assignments) {
          const [name, ...rest] = assignment.value.split('=');
          const value = rest.join('=');
          const source = variableSource(value, variables) ?? fetchSource(value);
          if (name && source) variables.set(name, source);
        }
      }
      for (const match of script.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_]\w*)=(\$\((?:[^()]|\([^()]*\))*\)|"[^"]*"|\S+)/g)) {
        const name = match[1] as string;
        const source = variableSource(match[2] ?? '', variables) ?? fetchSource(match[2] ?? '');
        if (source) variables.set(name, source);
      }
    }
    for (const match of script.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
      const source = variables.get(match[1] as string);
      if (source) hits.push({ index: match.index ?? 0, length: match[0].length + (match[0].startsWith('${') ? 1 : 0), source, via: 'shell-variable' });
    }
    for (const command of parsed.commands) {
      const source = commandFetchSource(command.name?.value ?? '', command.args.map((arg) => arg.value));
      if (source) hits.push({ index: command.start, length: command.end - command.start, source, via: 'fetch' });
    }
    return hits.sort((a, b) => a.index - b.index);
  }

  private sourceOf(reference: string): Pick<TaintHit, 'source' | 'via'> | undefined {
    if (isUntrustedContext(reference)) return { source: reference, via: 'direct' };
    const env = /^env\.([\w-]+)$/.exec(reference);
    if (env) {
      const name = [...this.env.keys()].find((key) => key.toLowerCase() === env[1]);
      const source = name ? this.env.get(name) : undefined;
      return source ? { source, via: 'env' } : undefined;
    }
    const output = /^steps\.([\w-]+)\.outputs/.exec(reference);
    const source = output ? this.stepOutputs.get(output[1] as string) : undefined;
    return source ? { source, via: 'step-output' } : undefined;
  }
}

function variableSource(value: string, variables: Map<string, string>): string | undefined {
  for (const match of value.matchAll(/\$\{?([A-Za-z_]\w*)/g)) {
    const source = variables.get(match[1] as string);
    if (source) return source;
  }
  return undefined;
}

function fetchSource(value: string): string | undefined {
  const inner = /\$\((.*)\)/s.exec(value)?.[1];
  if (!inner) return undefined;
  const words = inner.trim().split(/\s+/);
  return commandFetchSource(words[0] ?? '', words.slice(1));
}

/** Commands whose output is issue, PR or comment text written by whoever opened it. */
function commandFetchSource(name: string, args: string[]): string | undefined {
  const base = commandBaseName(name);
  if (base === 'gh' && (args[0] === 'issue' || args[0] === 'pr') && (args[1] === 'view' || args[1] === 'diff')) return `gh ${args[0]} ${args[1]}`;
  if (base === 'gh' && args[0] === 'api' && args.some((arg) => /\/(issues|pulls|comments|discussions)\b/.test(arg))) return 'gh api';
  if ((base === 'jq' || base === 'cat') && args.some((arg) => arg.includes('GITHUB_EVENT_PATH'))) return '$GITHUB_EVENT_PATH';
  return undefined;
}

/** A step writes untrusted text to $GITHUB_OUTPUT when its script both reads tainted text and sets outputs. */
function stepOutputTaint(workflow: WorkflowModel, job: JobModel, step: StepModel): string | undefined {
  if (!step.run || !/GITHUB_OUTPUT/.test(step.run.value)) return undefined;
  const scope = new TaintScope(workflow, job, step);
  return scope.shellHits(step.run.value)[0]?.source;
}
