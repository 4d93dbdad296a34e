// The explicit list of audit rules; adding a rule means one import and one entry here.

import type { AuditRule } from './rule.js';
import { parseError } from './rules/general/parse-error.js';
import { unreadableFile } from './rules/general/unreadable-file.js';
import { hiddenUnicode } from './rules/instructions/hidden-unicode.js';
import { hiddenHtmlInstructions } from './rules/instructions/hidden-html-instructions.js';
import { claudeignoreMissing } from './rules/instructions/claudeignore-missing.js';
import { claudeMdNoSecurityRules } from './rules/instructions/claude-md-no-security-rules.js';
import { mcpUnpinnedPackage } from './rules/mcp/mcp-unpinned-package.js';
import { mcpHardcodedSecret } from './rules/mcp/mcp-hardcoded-secret.js';
import { mcpInsecureTransport } from './rules/mcp/mcp-insecure-transport.js';
import { mcpWildcardAllow } from './rules/mcp/mcp-wildcard-allow.js';
import { containerMountsCredentials } from './rules/container/container-mounts-credentials.js';
import { containerPrivileged } from './rules/container/container-privileged.js';
import { containerRunsAsRoot } from './rules/container/container-runs-as-root.js';
import { devcontainerFirewallInContainer } from './rules/container/devcontainer-firewall-in-container.js';
import { secretInImage } from './rules/container/secret-in-image.js';
import { broadToolAllowlist } from './rules/settings/broad-tool-allowlist.js';
import { noNetworkDeny } from './rules/settings/no-network-deny.js';
import { noSecretReadDeny } from './rules/settings/no-secret-read-deny.js';
import { bypassDefaultMode } from './rules/settings/bypass-default-mode.js';
import { hooksRunEditableScripts } from './rules/settings/hooks-run-editable-scripts.js';
import { hooksDisabled } from './rules/settings/hooks-disabled.js';
import { localSettingsCommitted } from './rules/settings/local-settings-committed.js';
import { secretInSettings } from './rules/settings/secret-in-settings.js';
import { mcpServersAutoEnabled } from './rules/settings/mcp-servers-auto-enabled.js';
import { unpinnedAction } from './rules/workflow/unpinned-action.js';
import { untrustedPromptInput } from './rules/workflow/untrusted-prompt-input.js';
import { untrustedInputInRun } from './rules/workflow/untrusted-input-in-run.js';
import { agentKeyScope } from './rules/workflow/agent-key-scope.js';
import { hardcodedSecret } from './rules/workflow/hardcoded-secret.js';
import { skipPermissionsUncontained } from './rules/workflow/skip-permissions-uncontained.js';
import { excessivePermissions } from './rules/workflow/excessive-permissions.js';
import { writeTokenWithShell } from './rules/workflow/write-token-with-shell.js';
import { installInAgentStep } from './rules/workflow/install-in-agent-step.js';
import { agentAutoMerge } from './rules/workflow/agent-auto-merge.js';
import { dangerousTrigger } from './rules/workflow/dangerous-trigger.js';
import { untrustedTriggerNoActorGate } from './rules/workflow/untrusted-trigger-no-actor-gate.js';
import { agentActionMutableRef } from './rules/workflow/agent-action-mutable-ref.js';
import { agentFullOutput } from './rules/workflow/agent-full-output.js';
import { checkoutPersistsCredentials } from './rules/workflow/checkout-persists-credentials.js';
import { extraTokenToAgent } from './rules/workflow/extra-token-to-agent.js';
import { idTokenInAgentJob } from './rules/workflow/id-token-in-agent-job.js';
import { noEgressControl } from './rules/workflow/no-egress-control.js';
import { noJobTimeout } from './rules/workflow/no-job-timeout.js';
import { openToNonWriteUsers } from './rules/workflow/open-to-non-write-users.js';

export const RULES: readonly AuditRule[] = [
  // general
  parseError,
  unreadableFile,
  // workflow
  unpinnedAction,
  untrustedPromptInput,
  untrustedInputInRun,
  agentKeyScope,
  hardcodedSecret,
  skipPermissionsUncontained,
  excessivePermissions,
  writeTokenWithShell,
  installInAgentStep,
  agentAutoMerge,
  dangerousTrigger,
  untrustedTriggerNoActorGate,
  agentActionMutableRef,
  agentFullOutput,
  checkoutPersistsCredentials,
  extraTokenToAgent,
  idTokenInAgentJob,
  noEgressControl,
  noJobTimeout,
  openToNonWriteUsers,
  // instructions
  hiddenUnicode,
  hiddenHtmlInstructions,
  claudeignoreMissing,
  claudeMdNoSecurityRules,
  // settings
  broadToolAllowlist,
  noNetworkDeny,
  noSecretReadDeny,
  bypassDefaultMode,
  hooksRunEditableScripts,
  hooksDisabled,
  localSettingsCommitted,
  secretInSettings,
  mcpServersAutoEnabled,
  // mcp
  mcpUnpinnedPackage,
  mcpHardcodedSecret,
  mcpInsecureTransport,
  mcpWildcardAllow,
  // container
  containerRunsAsRoot,
  containerMountsCredentials,
  containerPrivileged,
  secretInImage,
  devcontainerFirewallInContainer,
] as AuditRule[];
