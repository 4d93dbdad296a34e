// Dev containers that enforce their egress firewall from inside the container the firewall is meant to hold in.

import { posix } from 'node:path';
import type { Route } from '../../../parse/yaml-doc.js';
import { commandBaseName, parseShell } from '../../../parse/shell.js';
import { composePrivileges, composeServices, devcontainerPrivileges, grants, isRecord } from '../../container-facts.js';
import { defineRule, type RepoView, type Target } from '../../rule.js';

/** Lifecycle commands that run inside the container; `initializeCommand` runs on the host and is left out. */
const IN_CONTAINER_COMMANDS = ['onCreateCommand', 'updateContentCommand', 'postCreateCommand', 'postStartCommand', 'postAttachCommand'] as const;

const FIREWALL_TOOLS = new Set(['iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore', 'iptables-legacy', 'iptables-nft', 'nft', 'ufw', 'firewall-cmd']);

export const devcontainerFirewallInContainer = defineRule({
  meta: {
    id: 'devcontainer-firewall-in-container',
    area: 'container',
    description: 'the dev container enforces its egress firewall from inside the container it contains',
    severity: 'info',
    confidence: 'medium',
    messages: {
      inContainer: '`{{key}}` sets up egress filtering with `{{command}}` inside the container, which holds NET_ADMIN: any root process there (sudo, a setuid binary, a kernel bug) can flush the rules',
      noNetAdmin: '`{{key}}` sets up egress filtering with `{{command}}`, but the container is not given NET_ADMIN, so the rules cannot be installed and egress stays open',
    },
    help: 'Treat an in-container firewall as a convenience, not a boundary: enforce egress outside the container (cordon run\'s egress proxy, a host or VM firewall, a network policy) where nothing the agent runs can change it, and keep passwordless sudo out of the image.',
  },
  inputs: ['devcontainer'],
  check({ input, repo, report }) {
    if (input.kind !== 'devcontainer' || !isRecord(input.file.value)) return;
    const value = input.file.value;
    const netAdmin = hasNetAdmin(repo, input.file.path, value);
    for (const key of IN_CONTAINER_COMMANDS) {
      for (const { command, at } of firewallCommands(value[key], [key])) {
        if (netAdmin === false) report({ messageId: 'noNetAdmin', data: { key, command }, at, severity: 'low' });
        else report({ messageId: 'inContainer', data: { key, command }, at });
      }
    }
  },
});

/**
 * Whether the container gets NET_ADMIN; undefined when a compose file the audit did not read decides.
 * Compose-based dev containers set capabilities on the service, not in devcontainer.json.
 */
function hasNetAdmin(repo: RepoView, path: string, value: Record<string, unknown>): boolean | undefined {
  if (grants(devcontainerPrivileges(value), 'NET_ADMIN')) return true;
  const composeFiles = typeof value.dockerComposeFile === 'string' ? [value.dockerComposeFile] : Array.isArray(value.dockerComposeFile) ? value.dockerComposeFile : [];
  if (composeFiles.length === 0) return false;
  const service = typeof value.service === 'string' ? value.service : undefined;
  for (const file of composeFiles) {
    if (typeof file !== 'string') return undefined;
    const composePath = posix.normalize(posix.join(posix.dirname(path), file));
    const compose = composePath === undefined ? undefined : repo.byPath.get(composePath);
    if (compose?.kind !== 'compose') return undefined;
    for (const { name, service: definition } of composeServices(compose.file.value)) {
      if (name === service && grants(composePrivileges(definition, ['services', name]), 'NET_ADMIN')) return true;
    }
  }
  return false;
}

/** Firewall commands in a lifecycle command: a shell string, an argv array, or an object of named commands. */
function firewallCommands(command: unknown, route: Route): { command: string; at: Target }[] {
  if (typeof command === 'string') {
    // One finding per lifecycle command: a script of ten iptables calls is still one firewall.
    for (const parsed of parseShell(command).commands) {
      const tool = runProgram(parsed.name ? [parsed.name, ...parsed.args] : []);
      if (tool && isFirewallProgram(tool.value)) return [{ command: tool.value, at: { route, index: tool.start, length: tool.end - tool.start } }];
    }
    return [];
  }
  if (Array.isArray(command)) {
    const words = command.map((word, index) => ({ value: typeof word === 'string' ? word : '', index }));
    const tool = runProgram(words);
    return tool && isFirewallProgram(tool.value) ? [{ command: tool.value, at: { route: [...route, tool.index] } }] : [];
  }
  if (isRecord(command)) return Object.entries(command).flatMap(([name, entry]) => firewallCommands(entry, [...route, name]));
  return [];
}

const WRAPPERS = new Set(['sudo', 'doas', 'env', 'exec', 'nohup', 'command', 'sh', 'bash', 'zsh']);
const WRAPPER_OPTIONS_WITH_VALUE = new Set(['-u', '-g', '-C', '-h', '-p']);

/** The program a command line really runs, looking through `sudo`, `env VAR=x`, `bash script.sh` and the like. */
function runProgram<Word extends { value: string }>(words: Word[]): Word | undefined {
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as Word;
    if (WRAPPERS.has(commandBaseName(word.value)) || /^\w+=/.test(word.value)) continue;
    if (word.value.startsWith('-')) {
      if (WRAPPER_OPTIONS_WITH_VALUE.has(word.value)) i++;
      continue;
    }
    return word;
  }
  return undefined;
}

function isFirewallProgram(program: string): boolean {
  const base = commandBaseName(program);
  return FIREWALL_TOOLS.has(base) || /^(?:(?:init|setup|set-up|configure|enable|start|apply)[-_]?(?:egress[-_]?)?)?firewall(?:[-_.]|$)/i.test(base);
}
