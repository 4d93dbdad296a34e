// Containers given privileged mode, extra capabilities, host namespaces or no seccomp/AppArmor confinement.

import type { Severity } from '../../../core/severity.js';
import { composePrivileges, composeServices, devcontainerPrivileges, isRecord, type Privilege } from '../../container-facts.js';
import { defineRule, type RuleContext } from '../../rule.js';

type MessageId = 'privileged' | 'capabilityAdded' | 'hostNamespace' | 'unconfined';

/** Capabilities that amount to root on the host or reading across the container boundary. */
const HOST_CAPABILITIES = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'DAC_READ_SEARCH', 'BPF', 'MAC_ADMIN', 'MAC_OVERRIDE']);
/** Capabilities firewall scripts need; they also let root inside rewrite or sniff the container's traffic. */
const NETWORK_CAPABILITIES = new Set(['NET_ADMIN', 'NET_RAW', 'PERFMON', 'SYSLOG']);
/** Docker grants these by default, so adding them changes nothing (NET_RAW is kept above: podman drops it). */
const DEFAULT_CAPABILITIES = new Set(['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE']);

export const containerPrivileged = defineRule({
  meta: {
    id: 'container-privileged',
    area: 'container',
    description: 'the container is privileged, gets extra capabilities, host namespaces or no seccomp/apparmor',
    severity: 'high',
    confidence: 'high',
    messages: {
      privileged: '{{where}} runs privileged (`{{setting}}`): all capabilities, all host devices, no seccomp or AppArmor; root inside is root on the host',
      capabilityAdded: '{{where}} adds {{capability}} (`{{setting}}`){{why}}',
      hostNamespace: "{{where}} shares the host's {{namespace}} namespace (`{{setting}}`){{why}}",
      unconfined: '{{where}} turns off {{confinement}} (`{{setting}}`){{why}}',
    },
    help: 'Drop `privileged`, host namespaces and unconfined security options; add only the capabilities a named tool needs. If a firewall script needs NET_ADMIN, enforce egress outside the container instead (a host firewall or an egress proxy) so the agent cannot undo it.',
  },
  inputs: ['compose', 'devcontainer'],
  check(context) {
    const { input } = context;
    if (input.kind === 'compose') {
      for (const { name, service } of composeServices(input.file.value)) {
        for (const privilege of composePrivileges(service, ['services', name])) reportPrivilege(context, privilege, `service \`${name}\``);
      }
    } else if (input.kind === 'devcontainer' && isRecord(input.file.value)) {
      for (const privilege of devcontainerPrivileges(input.file.value)) reportPrivilege(context, privilege, 'the dev container');
    }
  },
});

function reportPrivilege({ report }: RuleContext<MessageId>, privilege: Privilege, where: string): void {
  const at = { route: privilege.route };
  const setting = privilege.setting;
  switch (privilege.kind) {
    case 'privileged':
      report({ messageId: 'privileged', data: { where, setting }, at });
      return;
    case 'capability': {
      const capability = privilege.value;
      if (DEFAULT_CAPABILITIES.has(capability)) return;
      const grade: Severity = HOST_CAPABILITIES.has(capability) ? 'high' : NETWORK_CAPABILITIES.has(capability) ? 'medium' : 'low';
      const why =
        grade === 'high'
          ? ', which lets root inside the container reach the host'
          : capability.startsWith('NET_')
            ? ', which lets root inside the container rewrite its firewall and sniff or forge traffic'
            : '';
      const named = capability === 'ALL' ? 'every capability' : `the \`${capability}\` capability`;
      report({ messageId: 'capabilityAdded', data: { where, capability: named, setting, why }, at, severity: grade });
      return;
    }
    case 'namespace': {
      const why: Record<string, string> = {
        network: ': host-only services on localhost are reachable and container network policy no longer applies',
        process: ': host processes, their command lines and environments are visible',
      };
      const grade: Severity = privilege.value === 'network' || privilege.value === 'process' ? 'high' : 'medium';
      report({ messageId: 'hostNamespace', data: { where, namespace: privilege.value, setting, why: why[privilege.value] ?? '' }, at, severity: grade });
      return;
    }
    case 'unconfined': {
      const why = privilege.value === 'seccomp' ? ', opening every kernel syscall to the agent' : ', removing the policy that keeps container processes away from host files and kernel interfaces';
      report({ messageId: 'unconfined', data: { where, confinement: privilege.value, setting, why }, at });
      return;
    }
  }
}
