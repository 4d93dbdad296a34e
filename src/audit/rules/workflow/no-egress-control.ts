// Finds agent jobs where nothing limits which hosts the agent can send data to.

import { parseUses, type JobModel, type StepModel, type WorkflowModel } from '../../../parse/workflow.js';
import type { AgentStep } from '../../agents.js';
import { agentJobs, agentSite, anyShell, cliRuns, grantsWebFetch } from '../../job-facts.js';
import { outsiderTriggers, sandboxIn } from '../../workflow-facts.js';
import type { RepoView } from '../../rule.js';
import { defineRule } from '../../rule.js';

export const noEgressControl = defineRule({
  meta: {
    id: 'no-egress-control',
    area: 'workflow',
    description: 'the agent job has no network egress control',
    severity: 'low',
    confidence: 'medium',
    messages: {
      unrestricted: 'nothing limits which hosts the agent in job `{{job}}` can reach, so anything it reads can be sent anywhere',
      auditOnly: '`step-security/harden-runner` runs with `egress-policy: {{policy}}`, which records the agent\'s connections but blocks none',
    },
    help: 'Block egress by default for agent jobs: `step-security/harden-runner` with `egress-policy: block` and an `allowed-endpoints` list as the first step, the agent under `cordon run`, or Claude Code\'s sandbox (`"sandbox": {"enabled": true, "network": {"allowedDomains": [...]}}`).',
  },
  // A composite action cannot see the caller's runner hardening, so only workflows are judged.
  inputs: ['workflow'],
  check({ input, repo, report }) {
    if (input.kind !== 'workflow' || !input.model) return;
    const exposed = outsiderTriggers(input.model).length > 0;
    for (const { job, agents } of agentJobs(input.model)) {
      const first = agents[0];
      if (!first) continue;
      const hardener = job.steps.find((step) => step.index < first.step.index && isHardenRunner(step));
      const policy = hardener?.with.get('egress-policy');
      if (policy?.value.trim() === 'block') continue;
      if (containerRestrictsNetwork(job) || agents.every((agent) => agentConfined(agent, input.model as WorkflowModel, repo))) continue;
      // Exfiltration needs a way out: a shell (curl, git push, DNS) or WebFetch, steered by someone outside.
      const reachable = agents.some(grantsWebFetch) || anyShell(agents);
      const severity = exposed && reachable ? 'medium' : 'low';
      const confidence = selfHosted(job) ? 'low' : 'medium';
      if (hardener?.uses) {
        report({
          messageId: 'auditOnly',
          data: { policy: policy?.value.trim() || 'audit' },
          at: policy ? { route: policy.route } : { route: hardener.uses.route },
          severity,
          confidence,
        });
        continue;
      }
      report({ messageId: 'unrestricted', data: { job: job.id }, at: agentSite(first), severity, confidence });
    }
  },
});

function isHardenRunner(step: StepModel): boolean {
  const parsed = step.uses ? parseUses(step.uses.value) : undefined;
  return parsed?.owner === 'step-security' && parsed.repo === 'harden-runner';
}

/** A self-hosted runner may sit behind a network firewall this file cannot show. */
function selfHosted(job: JobModel): boolean {
  const runsOn = job.raw['runs-on'];
  const labels = Array.isArray(runsOn) ? runsOn : [runsOn];
  return labels.some((label) => typeof label === 'string' && label.trim() === 'self-hosted');
}

/** A `--network`/`--net` value that is neither the default bridge nor the host's network. */
function restrictiveNetworkFlag(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    const match = /^--net(?:work)?(?:=(.*))?$/.exec(words[i] ?? '');
    if (!match) continue;
    const value = match[1] ?? words[i + 1] ?? '';
    if (!['host', 'bridge', 'default', ''].includes(value)) return true;
  }
  return false;
}

function containerRestrictsNetwork(job: JobModel): boolean {
  const container = job.container;
  if (typeof container !== 'object' || container === null) return false;
  const options = (container as Record<string, unknown>).options;
  return typeof options === 'string' && restrictiveNetworkFlag(options.trim().split(/\s+/));
}

/** Sandboxes that confine the network by design, or only when told to (a container is on the bridge by default). */
function wrapperConfines(wrapper: readonly string[]): boolean {
  switch (sandboxIn(wrapper)) {
    case 'cordon run':
    case 'srt':
      return true;
    case 'bwrap':
      return wrapper.some((word) => word === '--unshare-net' || word === '--unshare-all');
    case 'firejail':
      return wrapper.includes('--net=none');
    case 'docker run':
    case 'podman run':
      return restrictiveNetworkFlag(wrapper);
    default:
      return false;
  }
}

function agentConfined(agent: AgentStep, workflow: WorkflowModel, repo: RepoView): boolean {
  const runs = cliRuns(agent);
  if (runs.length > 0 && runs.every((run) => wrapperConfines(run.wrapper))) return true;
  return settingsOf(agent, workflow, repo).some(sandboxLimitsNetwork);
}

/** Settings the agent runs with: inline JSON, files passed to it, and the project's `.claude/settings.json`. */
function settingsOf(agent: AgentStep, workflow: WorkflowModel, repo: RepoView): unknown[] {
  const paths = new Set(agent.settingsPaths.map((path) => path.text.replace(/^\$\{\{\s*github\.workspace\s*\}\}\//, '').replace(/^\.\//, '')));
  // A workflow file lives in the repository it checks out, so the project settings apply to its agent.
  if (workflow.kind === 'workflow') paths.add('.claude/settings.json');
  const files = [...paths].flatMap((path) => {
    const other = repo.byPath.get(path);
    return other?.kind === 'claude-settings' ? [other.file.value] : [];
  });
  return [...agent.inlineSettings.map((setting) => setting.value), ...files];
}

/** Claude Code's sandbox cuts the shell's network to its `allowedDomains`; a `*` entry undoes that. */
function sandboxLimitsNetwork(settings: unknown): boolean {
  if (typeof settings !== 'object' || settings === null) return false;
  const sandbox = (settings as { sandbox?: { enabled?: unknown; network?: { allowedDomains?: unknown } } }).sandbox;
  if (sandbox?.enabled !== true) return false;
  const domains = sandbox.network?.allowedDomains;
  return !(Array.isArray(domains) && domains.includes('*'));
}
