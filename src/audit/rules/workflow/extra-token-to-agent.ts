// Finds credentials handed to the agent step beyond its model key and the job's own GITHUB_TOKEN.

import { parseUses, type StepModel } from '../../../parse/workflow.js';
import type { Route } from '../../../parse/yaml-doc.js';
import type { AgentStep } from '../../agents.js';
import { agentJobs, envAt, isDefaultTokenSecret, isModelKeyName, secretReads, type SecretRead } from '../../job-facts.js';
import type { Report } from '../../rule.js';
import { defineRule } from '../../rule.js';
import { isCredentialName } from '../../secret-literals.js';
import { usesCloudIdentity } from '../../workflow-facts.js';

/** Names GitHub tooling (gh, octokit, git helpers) picks a GitHub token up from. */
const GITHUB_TOKEN_NAMES = new Set(['GH_TOKEN', 'GITHUB_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_PAT']);

/** Cloud credentials that matter whatever their source: a key file path or a session token is enough to act. */
const CLOUD_CREDENTIAL_NAMES = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GOOGLE_GHA_CREDS_PATH',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
  'AZURE_CLIENT_SECRET',
  'AZURE_CREDENTIALS',
  'ARM_CLIENT_SECRET',
]);

/** Login actions that export cloud credentials into the environment of every later step. */
const CLOUD_LOGIN_ACTIONS = new Set(['aws-actions/configure-aws-credentials', 'google-github-actions/auth', 'azure/login']);

/** Action inputs that hold the model credential or settings the action itself consumes, not the agent. */
function isActionOwnInput(name: string): boolean {
  return name.startsWith('anthropic_') || name === 'claude_code_oauth_token' || name === 'github_token' || name === 'ssh_signing_key';
}

type MessageId = 'githubToken' | 'tokenEnv' | 'credential' | 'allSecrets' | 'cloudEnv' | 'cloudLogin';

export const extraTokenToAgent = defineRule({
  meta: {
    id: 'extra-token-to-agent',
    area: 'workflow',
    description: 'the agent step receives credentials beyond its model key and the job token',
    severity: 'high',
    confidence: 'high',
    messages: {
      githubToken: '`github_token` gives the agent `secrets.{{secret}}` instead of the job\'s short-lived, scoped `GITHUB_TOKEN`',
      tokenEnv: '`{{name}}` gives the agent `secrets.{{secret}}`, a GitHub token beyond the job\'s own `GITHUB_TOKEN`',
      credential: '`{{name}}` hands `secrets.{{secret}}` to the agent, where a prompt injection can use or leak it',
      allSecrets: '`{{name}}` hands every secret of the repository to the agent',
      cloudEnv: '`{{name}}` puts cloud credentials in the agent\'s environment',
      cloudLogin: '`{{uses}}` exports cloud credentials into the environment of the agent step that follows it',
    },
    help: 'Give the agent only its model key and the job\'s `GITHUB_TOKEN` with minimal `permissions:`. Run deploys, publishing and other credentialed work in a separate job that does not run the agent and reads the agent\'s output as data.',
  },
  inputs: ['workflow', 'action'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action') return;
    if (!input.model) return;
    const seen = new Set<string>();
    const emit = (entry: Report<MessageId>): void => {
      const key = JSON.stringify(entry.at);
      if (seen.has(key)) return;
      seen.add(key);
      report(entry);
    };
    for (const { job, agents } of agentJobs(input.model)) {
      for (const agent of agents) {
        const token = agent.step.with.get('github_token');
        const tokenSecret = token ? secretReads(token.value).find((read) => !isDefaultTokenSecret(read.name)) : undefined;
        if (token && tokenSecret) {
          emit({ messageId: 'githubToken', data: { secret: tokenSecret.name }, at: { route: token.route, index: tokenSecret.index, length: tokenSecret.length } });
        }
        for (const [name, value] of agent.step.with) {
          if (agent.via === 'cli' || isActionOwnInput(name)) continue;
          if (name === 'claude_env') {
            for (const line of envLines(value.value)) {
              const read = handedSecret(line.name, line.value);
              if (read) emit(credentialReport(line.name, read, value.route, line.offset));
            }
            continue;
          }
          const read = handedSecret(name, value.value);
          if (read) emit(credentialReport(name, read, value.route, 0));
        }
        for (const entry of envAt(input.model, job, agent.step)) {
          const read = handedSecret(entry.name, entry.value);
          if (read) emit(credentialReport(entry.name, read, entry.route, 0));
          else if (CLOUD_CREDENTIAL_NAMES.has(entry.name.toUpperCase()) && entry.value.trim() !== '') {
            emit({ messageId: 'cloudEnv', data: { name: entry.name }, at: { route: entry.route, part: 'entry' }, confidence: 'medium' });
          }
        }
        if (usesCloudModel(agent)) continue;
        for (const step of job.steps) {
          if (step.index >= agent.step.index) break;
          const login = cloudLogin(step);
          if (login) emit({ messageId: 'cloudLogin', data: { uses: login.value }, at: { route: login.route }, confidence: 'medium' });
        }
      }
    }
  },
});

/** The first secret a value hands over, skipping the model key and the job's own token. */
function handedSecret(name: string, value: string): SecretRead | undefined {
  if (isModelKeyName(name)) return undefined;
  return secretReads(value).find((read) => !isDefaultTokenSecret(read.name) && !isModelKeyName(read.name));
}

function credentialReport(name: string, read: SecretRead, route: Route, offset: number): Report<MessageId> {
  const at = { route, index: offset + read.index, length: read.length };
  if (read.name === '*') return { messageId: 'allSecrets', data: { name }, at };
  if (GITHUB_TOKEN_NAMES.has(name.toUpperCase())) return { messageId: 'tokenEnv', data: { name, secret: read.name }, at };
  // A secret under a neutral name (`LINEAR`, `WEBHOOK`) is still a secret, but less surely a credential.
  const credentialLike = isCredentialName(name) || isCredentialName(read.name) || CLOUD_CREDENTIAL_NAMES.has(name.toUpperCase());
  return { messageId: 'credential', data: { name, secret: read.name }, at, confidence: credentialLike ? 'high' : 'medium' };
}

/** `NAME: value` lines of the pre-v1 `claude_env` input, with each value's offset in the input. */
function envLines(text: string): { name: string; value: string; offset: number }[] {
  const lines: { name: string; value: string; offset: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const match = /^(\s*)([A-Za-z_]\w*)\s*:\s*/.exec(line);
    if (match) lines.push({ name: match[2] as string, value: line.slice(match[0].length), offset: offset + match[0].length });
    offset += line.length + 1;
  }
  return lines;
}

/** Bedrock and Vertex runs need the cloud login: it is their model credential. */
function usesCloudModel(agent: AgentStep): boolean {
  const flag = (value: string | undefined): boolean => value !== undefined && /^(true|1)$/i.test(value.trim());
  if (flag(agent.step.with.get('use_bedrock')?.value) || flag(agent.step.with.get('use_vertex')?.value) || flag(agent.step.with.get('use_foundry')?.value)) return true;
  return usesCloudIdentity(envAt(agent.workflow, agent.job, agent.step).flatMap((entry) => (flag(entry.value) ? [entry.name] : [])));
}

function cloudLogin(step: StepModel): StepModel['uses'] {
  const parsed = step.uses ? parseUses(step.uses.value) : undefined;
  return parsed && CLOUD_LOGIN_ACTIONS.has(`${parsed.owner}/${parsed.repo}`) ? step.uses : undefined;
}
