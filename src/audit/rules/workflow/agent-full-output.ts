// Finds agent runs that print their whole transcript, tool results and the secrets in them included, into the job log.

import type { Route } from '../../../parse/yaml-doc.js';
import { agentJobs, cliRuns, envAt, wordTarget } from '../../job-facts.js';
import { outsiderTriggers } from '../../workflow-facts.js';
import { defineRule } from '../../rule.js';

const DEBUG_VARIABLES = new Set(['ACTIONS_STEP_DEBUG', 'ACTIONS_RUNNER_DEBUG']);

export const agentFullOutput = defineRule({
  meta: {
    id: 'agent-full-output',
    area: 'workflow',
    description: 'the agent prints its full transcript into the job log',
    severity: 'medium',
    confidence: 'high',
    messages: {
      showFullOutput: '`show_full_output: true` prints every tool result of the agent, secrets it reads included, into the job log',
      cliTranscript: '`{{flag}}` prints the agent\'s turn-by-turn output, tool results included, into the job log',
      cliDebug: '`{{flag}}` prints the agent\'s debug trace into the job log',
      debugEnv: '`{{name}}: {{value}}` turns on debug logging in agent job `{{job}}`; {{effect}}',
    },
    help: 'Keep the agent\'s output out of the log: drop `show_full_output`, `--verbose`, `--debug` and debug variables, or send `stream-json` output to a file and upload it as a short-lived artifact for maintainers only. Anyone who can read the log, on a public repository everyone, sees what the agent read.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    // Whoever triggers the run can also steer the agent into reading secrets, then read the public log.
    const severity = outsiderTriggers(input.model).length > 0 ? 'high' : 'medium';
    const reported = new Set<string>();
    for (const { job, agents } of agentJobs(input.model)) {
      for (const agent of agents) {
        const full = agent.step.with.get('show_full_output');
        if (agent.via !== 'cli' && full && /^true$/i.test(full.value.trim())) {
          report({ messageId: 'showFullOutput', at: { route: full.route }, severity });
        }
        for (const run of cliRuns(agent)) {
          const { cli, command } = run;
          if (command.stdout === 'log' && cli.outputFormat?.value === 'stream-json') {
            report({ messageId: 'cliTranscript', data: { flag: '--output-format stream-json' }, at: wordTarget(agent, cli.outputFormat), severity, confidence: 'medium' });
          } else if (command.stdout === 'log' && cli.verbose) {
            report({ messageId: 'cliTranscript', data: { flag: '--verbose' }, at: wordTarget(agent, cli.verbose), severity, confidence: 'medium' });
          }
          // Debug output may use either stream, so only both sent to files keeps it out of the log.
          if (cli.debug && (command.stdout === 'log' || command.stderr === 'log')) {
            report({ messageId: 'cliDebug', data: { flag: cli.debug.value }, at: wordTarget(agent, cli.debug), severity, confidence: 'low' });
          }
        }
        const actionInJob = agents.some((candidate) => candidate.via !== 'cli');
        for (const entry of envAt(input.model, job, agent.step)) {
          if (!DEBUG_VARIABLES.has(entry.name.toUpperCase()) || !/^(true|1)$/i.test(entry.value.trim())) continue;
          if (!once(reported, entry.route)) continue;
          // The action reads ACTIONS_STEP_DEBUG and forces full output; for anything else the effect is indirect.
          const forcesFullOutput = actionInJob && entry.name.toUpperCase() === 'ACTIONS_STEP_DEBUG';
          const effect = forcesFullOutput ? 'the agent action then prints every tool result into the job log' : 'debug output can carry what the agent read into the job log';
          report({
            messageId: 'debugEnv',
            data: { name: entry.name, value: entry.value.trim(), job: job.id, effect },
            at: { route: entry.route, part: 'entry' },
            severity,
            confidence: forcesFullOutput ? 'high' : 'low',
          });
        }
      }
    }
  },
});

function once(seen: Set<string>, route: Route): boolean {
  const key = JSON.stringify(route);
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}
