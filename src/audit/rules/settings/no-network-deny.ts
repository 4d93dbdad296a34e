// Settings whose deny list names none, or only some, of the network tools an agent uses to send data out.

import { defineRule } from '../../rule.js';
import {
  commandPattern,
  defaultMode,
  isAnyCommand,
  mergedLayers,
  permissionRules,
  permissionsTarget,
  reportsForGroup,
  sandboxEnabled,
  settingsOf,
  shellAccess,
  SHELL_TOOLS,
  type PermissionRule,
} from '../../settings-facts.js';

/** The tools a deny list should name; `WebFetch` is the built-in fetcher, the rest are Bash programs. */
const NETWORK_TOOLS = ['curl', 'wget', 'nc', 'ssh', 'scp', 'WebFetch'] as const;
const ALIASES: Readonly<Record<string, (typeof NETWORK_TOOLS)[number]>> = { ncat: 'nc', netcat: 'nc' };

export const noNetworkDeny = defineRule({
  meta: {
    id: 'no-network-deny',
    area: 'settings',
    description: 'the deny list does not name the network tools the agent could send data out with',
    severity: 'low',
    confidence: 'medium',
    messages: {
      missing: 'no deny rule names curl, wget, nc, ssh, scp or WebFetch, so nothing stops even their plain forms; deny rules are program-name filters, so back them with a hook or the sandbox',
      partial: 'deny rules name {{present}} but not {{absent}}, which stay usable; deny rules are program-name filters, so back them with a hook or the sandbox',
    },
    help: 'Add deny rules for the network tools (`Bash(curl *)`, `Bash(wget *)`, `Bash(nc *)`, `Bash(ssh *)`, `Bash(scp *)`, `WebFetch`) and treat them as a tripwire, not a boundary: `/usr/bin/curl`, `bash -c` and interpreters get past program-name rules. Enable the sandbox (`sandbox.enabled` with `network.allowedDomains`) or run the agent where egress is blocked.',
  },
  inputs: ['claude-settings'],
  check({ input, repo, report }) {
    const settings = settingsOf(input);
    if (!settings || input.kind !== 'claude-settings' || !reportsForGroup(input, repo)) return;
    const layers = mergedLayers(input, repo);
    // With the sandbox on, egress is decided by its domain list, not by deny rules.
    if (sandboxEnabled(layers)) return;
    const deny = layers.flatMap((layer) => permissionRules(layer.settings, 'deny'));
    if (deny.some((rule) => rule.tool === '*')) return;
    // Without a shell only WebFetch is left, and an open WebFetch allow is broad-tool-allowlist's finding.
    if (deny.some((rule) => rule.tool === 'Bash' && isAnyCommand(rule))) return;
    const covered = new Set(deny.map(networkToolOf).filter((tool) => tool !== undefined));
    const present = NETWORK_TOOLS.filter((tool) => covered.has(tool));
    const absent = NETWORK_TOOLS.filter((tool) => !covered.has(tool));
    if (absent.length === 0) return;
    const exposed = shellAccess(layers) !== undefined || layers.some((layer) => defaultMode(layer.settings) === 'bypassPermissions');
    const severity = exposed ? 'medium' : 'low';
    if (present.length === 0) {
      report({ messageId: 'missing', at: permissionsTarget(settings, input.file), severity });
    } else {
      report({ messageId: 'partial', data: { present: present.join(', '), absent: absent.join(', ') }, at: permissionsTarget(settings, input.file, 'deny'), severity });
    }
  },
});

/** Which network tool a deny rule blocks, if any. */
function networkToolOf(rule: PermissionRule): (typeof NETWORK_TOOLS)[number] | undefined {
  if (rule.tool === 'WebFetch') return rule.specifier === undefined || rule.specifier.trim() === '' || rule.specifier.trim() === '*' ? 'WebFetch' : undefined;
  if (!SHELL_TOOLS.has(rule.tool)) return undefined;
  // Only a rule open right after the program blocks every use of it (`Bash(curl)` blocks bare `curl`).
  const pattern = commandPattern(rule.specifier);
  const program = pattern.words.length === 0 ? pattern.partial : pattern.words.length === 1 && pattern.partial === '' ? pattern.words[0] : undefined;
  if (!pattern.open || !program) return undefined;
  const base = program.slice(program.lastIndexOf('/') + 1);
  const tool = ALIASES[base] ?? base;
  return (NETWORK_TOOLS as readonly string[]).includes(tool) ? (tool as (typeof NETWORK_TOOLS)[number]) : undefined;
}
