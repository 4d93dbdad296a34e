// Finds agent jobs with no time limit of their own, left to the runner's six-hour default.

import type { JobModel } from '../../../parse/workflow.js';
import { commandBaseName } from '../../../parse/shell.js';
import type { AgentStep } from '../../agents.js';
import { agentJobs, cliRuns } from '../../job-facts.js';
import { defineRule } from '../../rule.js';

/** GitHub-hosted runners stop a job after 360 minutes; a limit at or above that limits nothing. */
const DEFAULT_MINUTES = 360;

export const noJobTimeout = defineRule({
  meta: {
    id: 'no-job-timeout',
    area: 'workflow',
    description: 'the agent job has no timeout shorter than the six-hour default',
    severity: 'low',
    confidence: 'high',
    messages: {
      missing: 'agent job `{{job}}` has no `timeout-minutes`; a stuck or looping agent runs, and bills tokens, for up to 6 hours',
      unbounded: '`timeout-minutes: {{minutes}}` is no shorter than the 6-hour default, so it does not bound the agent',
    },
    help: 'Set `timeout-minutes` on every job that runs the agent, a little above its usual run time (15–30 minutes is typical), and cap turns with `--max-turns`.',
  },
  // Composite actions run inside the caller's job, whose limit they cannot set.
  inputs: ['workflow'],
  check({ input, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    for (const { job, agents } of agentJobs(input.model)) {
      const minutes = job.timeoutMinutes;
      if (minutes === undefined || minutes === null) {
        if (agents.every((agent) => stepBounded(job, agent))) continue;
        report({ messageId: 'missing', data: { job: job.id }, at: { route: job.route, part: 'key' } });
      } else if (typeof minutes === 'number' && minutes >= DEFAULT_MINUTES) {
        report({ messageId: 'unbounded', data: { minutes }, at: { route: [...job.route, 'timeout-minutes'] } });
      }
    }
  },
});

/** A step-level `timeout-minutes`, the pre-v1 `timeout_minutes` input, or `timeout` around every `claude` run. */
function stepBounded(job: JobModel, agent: AgentStep): boolean {
  const steps = job.raw.steps;
  const raw = Array.isArray(steps) ? (steps[agent.step.index] as Record<string, unknown> | undefined) : undefined;
  const stepMinutes = raw?.['timeout-minutes'];
  if (isLimit(stepMinutes)) return true;
  const input = agent.step.with.get('timeout_minutes')?.value;
  if (input !== undefined && isLimit(Number(input))) return true;
  const runs = cliRuns(agent);
  return runs.length > 0 && runs.every((run) => run.wrapper[0] !== undefined && commandBaseName(run.wrapper[0]) === 'timeout');
}

function isLimit(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('${{');
  return typeof value === 'number' && value > 0 && value < DEFAULT_MINUTES;
}
