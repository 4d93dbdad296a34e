// Bind mounts that hand a container the host's home, its credential stores or the container runtime socket.

import { composeMounts, composeServices, devcontainerMounts, isRecord, mountHazard, type Mount } from '../../container-facts.js';
import { defineRule, type RuleContext } from '../../rule.js';

type MessageId = 'home' | 'credentials' | 'socket' | 'hostRoot';

export const containerMountsCredentials = defineRule({
  meta: {
    id: 'container-mounts-credentials',
    area: 'container',
    description: 'the host home, credential files or the docker socket are mounted into the container',
    severity: 'high',
    confidence: 'high',
    messages: {
      home: '{{where}} mounts the host home directory `{{source}}`{{target}}: every key, token and login in it is readable by the agent',
      credentials: '{{where}} mounts `{{source}}` ({{what}}){{target}}: the agent can read and send them anywhere it can reach',
      socket: '{{where}} mounts the container runtime socket `{{source}}`: anything in the container can start a privileged container and own the host',
      hostRoot: '{{where}} mounts the host root filesystem `{{source}}`{{target}}: every file on the host, credentials included, is in reach',
    },
    help: 'Mount only the project. Give the agent the one credential its task needs through an environment variable or a secret scoped to the run, keep `~/.claude` in a named volume instead of binding the host copy, and never mount the docker socket into an agent container (use a rootless sidecar or a remote builder).',
  },
  inputs: ['compose', 'devcontainer'],
  check(context) {
    const { input } = context;
    if (input.kind === 'compose') {
      for (const { name, service } of composeServices(input.file.value)) {
        for (const mount of composeMounts(service, ['services', name])) reportMount(context, mount, `service \`${name}\``);
      }
    } else if (input.kind === 'devcontainer' && isRecord(input.file.value)) {
      for (const mount of devcontainerMounts(input.file.value)) reportMount(context, mount, 'the dev container');
    }
  },
});

function reportMount({ report }: RuleContext<MessageId>, mount: Mount, where: string): void {
  const hazard = mountHazard(mount.source);
  if (!hazard) return;
  const target = mount.target ? ` at \`${mount.target}\`` : '';
  const data = { where, source: mount.source, target };
  const at = { route: mount.route };
  if (hazard.kind === 'credentials') report({ messageId: 'credentials', data: { ...data, what: hazard.what }, at });
  else report({ messageId: hazard.kind, data, at });
}
