// MCP servers launched from a registry package or image that is not pinned to one version.

import { mcpServers, packageLaunches, pinOf } from '../../mcp-facts.js';
import { defineRule } from '../../rule.js';

export const mcpUnpinnedPackage = defineRule({
  meta: {
    id: 'mcp-unpinned-package',
    area: 'mcp',
    description: 'mcp server package is fetched without a pinned version',
    severity: 'medium',
    confidence: 'high',
    messages: {
      unversioned: 'server `{{server}}` runs `{{runner}} {{spec}}` with no version, so every start fetches whatever was published last',
      movingVersion: 'server `{{server}}` runs `{{runner}} {{spec}}`; `{{version}}` is a moving tag or range, not one release',
      gitSource: 'server `{{server}}` runs `{{runner}} {{spec}}` from git {{ref}}, not from a commit hash',
      image: 'server `{{server}}` runs image `{{spec}}` without a `@sha256:` digest',
    },
    help: 'Pin the exact release (`npx -y pkg@1.2.3`, `uvx pkg==1.2.3`, `git+https://…@<commit>`, `image@sha256:…`) and update it on purpose: the server runs with your credentials every time the agent starts.',
  },
  inputs: ['mcp-config'],
  check({ input, report }) {
    if (input.kind !== 'mcp-config') return;
    for (const server of mcpServers(input.file)) {
      for (const launch of packageLaunches(server)) {
        const pin = pinOf(launch.ecosystem, launch.spec);
        const data = { server: server.name, runner: launch.runner, spec: launch.spec };
        const at = { route: launch.entry.route };
        if (launch.ecosystem === 'image') {
          // A version tag can be re-pushed, but far less often than `latest`; grade it lower.
          if (pin.kind === 'unversioned' || pin.kind === 'moving') report({ messageId: 'image', data, at });
          else if (pin.kind === 'tag') report({ messageId: 'image', data, at, severity: 'low' });
          continue;
        }
        if (pin.kind === 'unversioned') report({ messageId: 'unversioned', data, at });
        else if (pin.kind === 'moving') report({ messageId: 'movingVersion', data: { ...data, version: pin.version }, at });
        else if (pin.kind === 'git') report({ messageId: 'gitSource', data: { ...data, ref: pin.ref === undefined ? 'at its default branch' : `at \`${pin.ref}\`` }, at });
      }
    }
  },
});
