// Settings that start project MCP servers from `.mcp.json` without asking.

import { defineRule } from '../../rule.js';
import { settingsOf } from '../../settings-facts.js';

export const mcpServersAutoEnabled = defineRule({
  meta: {
    id: 'mcp-servers-auto-enabled',
    area: 'settings',
    description: 'project mcp servers start without a prompt',
    severity: 'medium',
    confidence: 'high',
    messages: {
      allProjectServers: '`enableAllProjectMcpServers: true` starts every server in `.mcp.json` without a prompt, including one a pull request or the agent adds',
      listedServers: '`enabledMcpjsonServers` starts {{servers}} from `.mcp.json` without a prompt; whoever edits `.mcp.json` decides the command behind each listed name',
    },
    help: 'Remove `enableAllProjectMcpServers` and `enabledMcpjsonServers` from committed settings. In CI, pass the servers the job needs explicitly with `--mcp-config <file> --strict-mcp-config`, from a file the pull request cannot change, with each server pinned to a version.',
  },
  inputs: ['claude-settings'],
  check({ input, report }) {
    const settings = settingsOf(input);
    if (!settings) return;
    if (settings.enableAllProjectMcpServers === true) {
      report({ messageId: 'allProjectServers', at: { route: ['enableAllProjectMcpServers'] } });
    }
    const listed = settings.enabledMcpjsonServers;
    const names = Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string') : [];
    if (names.length > 0) {
      const servers = names.length === 1 ? `server \`${names[0]}\`` : `servers ${names.map((name) => `\`${name}\``).join(', ')}`;
      report({ messageId: 'listedServers', data: { servers }, at: { route: ['enabledMcpjsonServers'], part: 'key' } });
    }
  },
});
