// Images, compose services and dev containers whose processes, the agent's included, run as root.

import type { DockerInstruction } from '../../../parse/dockerfile.js';
import {
  agentSign,
  buildersOf,
  composeBuildDockerfile,
  composeServices,
  createdUsers,
  deepStrings,
  devcontainerDockerfile,
  dockerfileAgentSign,
  dockerfileAt,
  dockerRunFlags,
  expandVariables,
  finalChain,
  isRecord,
  isRootUser,
  stringish,
  variablesBefore,
  type AgentSign,
} from '../../container-facts.js';
import { defineRule } from '../../rule.js';

export const containerRunsAsRoot = defineRule({
  meta: {
    id: 'container-runs-as-root',
    area: 'container',
    description: 'the container runs its processes, the agent included, as root',
    severity: 'medium',
    confidence: 'high',
    messages: {
      noUser: 'no stage of the final image (`FROM {{image}}`) sets `USER`, so the container runs as root',
      userNotUsed: 'the image creates user `{{user}}` but never switches to it with `USER`, so the container runs as root',
      rootUser: '`USER {{user}}`{{resolved}} is the last user the final image sets, so the container runs as root',
      composeRoot: 'service `{{service}}` sets `user: {{user}}`, so it runs as root',
      devcontainerRoot: '`{{setting}}` makes the dev container run {{who}} as root',
    },
    help: 'End the final stage with `USER <unprivileged user>` (after the steps that need root), or set `user:` / `remoteUser` to one. Root in the container can undo in-container firewalls, read every mounted secret and reach kernel attack surface; and since Claude Code refuses `--dangerously-skip-permissions` as root, root images push people to `IS_SANDBOX=1` and other workarounds.',
  },
  inputs: ['dockerfile', 'compose', 'devcontainer'],
  check({ input, repo, report }) {
    const severity = (sign: AgentSign | undefined): 'high' | 'medium' => (sign ? 'high' : 'medium');

    if (input.kind === 'dockerfile') {
      const chain = finalChain(input.instructions);
      const final = chain.at(-1);
      const base = chain[0];
      if (!final || !base) return;
      // A dev container or compose service that builds this image as a named non-root user decides who the agent runs as.
      if (buildersOf(repo, input.file.path).some((builder) => builder.user !== undefined && !isRootUser(builder.user))) return;
      const sign = dockerfileAgentSign(input.instructions);
      const users = chain.flatMap((stage) => stage.instructions.filter((instruction) => instruction.keyword === 'USER'));
      const lastUser = users.at(-1);
      if (lastUser) {
        const user = resolveUser(input.instructions, chain, lastUser);
        if (user !== undefined && isRootUser(user)) {
          const resolved = user === lastUser.args.trim() ? '' : ` (\`${user}\`)`;
          report({ messageId: 'rootUser', data: { user: lastUser.args, resolved }, at: { start: lastUser.start, end: lastUser.end }, severity: severity(sign) });
        }
        return;
      }
      // Some bases already default to an unprivileged user; their names say so.
      if (/nonroot|rootless/i.test(base.image)) return;
      const at = { start: final.from.start, end: final.from.end };
      const created = createdUsers(chain).at(-1);
      if (created) report({ messageId: 'userNotUsed', data: { user: created }, at, severity: severity(sign) });
      else report({ messageId: 'noUser', data: { image: final.image }, at, severity: severity(sign) });
      return;
    }

    if (input.kind === 'compose') {
      for (const { name, service } of composeServices(input.file.value)) {
        const user = stringish(service.user);
        if (user === undefined || !isRootUser(user)) continue;
        const built = dockerfileAt(repo, composeBuildDockerfile(input.file.path, service.build));
        const sign = agentSign(deepStrings(service)) ?? (built && dockerfileAgentSign(built.instructions));
        report({ messageId: 'composeRoot', data: { service: name, user }, at: { route: ['services', name, 'user'] }, severity: severity(sign) });
      }
      return;
    }

    if (input.kind === 'devcontainer') {
      const value = input.file.value;
      if (!isRecord(value)) return;
      const built = dockerfileAt(repo, devcontainerDockerfile(input.file.path, value));
      const sign = agentSign(deepStrings(value)) ?? (built && dockerfileAgentSign(built.instructions));
      for (const key of ['remoteUser', 'containerUser'] as const) {
        const user = stringish(value[key]);
        if (user === undefined || !isRootUser(user)) continue;
        const who = key === 'remoteUser' ? 'the agent and your terminals' : 'every process';
        report({ messageId: 'devcontainerRoot', data: { setting: `"${key}": "${user}"`, who }, at: { route: [key] }, severity: severity(sign) });
      }
      for (const flag of dockerRunFlags(value.runArgs, ['runArgs'])) {
        if (flag.name !== '--user' || flag.value === undefined || !isRootUser(flag.value)) continue;
        report({ messageId: 'devcontainerRoot', data: { setting: `--user ${flag.value}`, who: 'every process' }, at: { route: flag.route }, severity: severity(sign) });
      }
    }
  },
});

/** The user a USER instruction names, with ARG/ENV variables expanded; undefined when they cannot be. */
function resolveUser(instructions: DockerInstruction[], chain: ReturnType<typeof finalChain>, user: DockerInstruction): string | undefined {
  const text = user.args.trim();
  if (!text.includes('$')) return text;
  return expandVariables(text, variablesBefore(instructions, chain, user));
}
