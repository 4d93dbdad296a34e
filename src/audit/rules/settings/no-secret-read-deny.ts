// Settings whose deny list does not keep the Read tool away from secret files.

import { defineRule } from '../../rule.js';
import { isRecord, mergedLayers, permissionRules, permissionsTarget, reportsForGroup, settingsOf, type SettingsLayer } from '../../settings-facts.js';

/** Path patterns that name where credentials live. */
const SECRET_PATH = /(?:^|[/*.])\.env(?:$|[.*/])|secret|credential|passw|token|\.pem$|\.key$|\.p12$|\.pfx$|\bid_(?:rsa|ed25519|ecdsa|dsa)|\.ssh\b|\.aws\b|\.gnupg\b|\.kube\b|\.azure\b|\.config\/gcloud|\.npmrc|\.netrc|\.pypirc|\.docker\/config/i;

export const noSecretReadDeny = defineRule({
  meta: {
    id: 'no-secret-read-deny',
    area: 'settings',
    description: 'no deny rule keeps the agent from reading secret files',
    severity: 'medium',
    confidence: 'medium',
    messages: {
      missing: 'no `Read(...)` deny rule covers secret files such as `.env`, `*.pem`, `~/.ssh` or `~/.aws`; the agent can read them without asking, and what it reads lands in its context, transcript and output',
    },
    help: 'Deny reads of secret files: `Read(./.env)`, `Read(./.env.*)`, `Read(./secrets/**)`, `Read(**/*.pem)`, `Read(~/.ssh/**)`, `Read(~/.aws/**)`. The rules also stop `cat`/`head`/`grep` on those paths, but not interpreters or copies, so keep real secrets out of the agent job and use the sandbox (`sandbox.filesystem.denyRead`) for a hard boundary.',
  },
  inputs: ['claude-settings'],
  check({ input, repo, report }) {
    const settings = settingsOf(input);
    if (!settings || input.kind !== 'claude-settings' || !reportsForGroup(input, repo)) return;
    const layers = mergedLayers(input, repo);
    if (protectsSecrets(layers)) return;
    report({ messageId: 'missing', at: permissionsTarget(settings, input.file, 'deny') });
  },
});

function protectsSecrets(layers: readonly SettingsLayer[]): boolean {
  for (const layer of layers) {
    for (const rule of permissionRules(layer.settings, 'deny')) {
      if (rule.tool === '*') return true;
      // A bare `Read` deny removes the tool altogether.
      if (rule.tool === 'Read' && (rule.specifier === undefined || SECRET_PATH.test(rule.specifier.trim()))) return true;
    }
    const sandbox = layer.settings.sandbox;
    if (isRecord(sandbox) && sandbox.enabled === true) {
      const filesystem = sandbox.filesystem;
      const denyRead = isRecord(filesystem) && Array.isArray(filesystem.denyRead) ? filesystem.denyRead : [];
      if (denyRead.some((path) => typeof path === 'string' && SECRET_PATH.test(path))) return true;
      const credentials = sandbox.credentials;
      if (isRecord(credentials) && Array.isArray(credentials.files) && credentials.files.length > 0) return true;
    }
  }
  return false;
}
