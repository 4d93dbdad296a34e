// Credentials written literally into an MCP server entry instead of referenced as `${VAR}`.

import { distinctHits, mcpServers, queryCredentials, type SecretHit, type StringEntry } from '../../mcp-facts.js';
import { defineRule } from '../../rule.js';
import { findSecretLiterals, isPlaceholder, maskSecret, SECRET_KIND_LABELS, type SecretLiteral } from '../../secret-literals.js';

type Place = 'env' | 'header' | 'arg' | 'url';

export const mcpHardcodedSecret = defineRule({
  meta: {
    id: 'mcp-hardcoded-secret',
    area: 'mcp',
    description: 'mcp server configuration contains a literal credential',
    severity: 'high',
    confidence: 'high',
    messages: {
      env: 'env `{{name}}` of server `{{server}}` holds a literal {{kind}} `{{masked}}`',
      header: 'header `{{name}}` of server `{{server}}` holds a literal {{kind}} `{{masked}}`',
      arg: 'an argument of server `{{server}}` holds a literal {{kind}} `{{masked}}`',
      url: 'the URL of server `{{server}}` carries a literal {{kind}} `{{masked}}`',
    },
    help: 'Revoke the credential, then reference it from the environment instead (`"Authorization": "Bearer ${API_TOKEN}"`, `"env": {"API_KEY": "${API_KEY}"}`): `.mcp.json` is committed and read by everyone who can read the repository, including the agent.',
  },
  inputs: ['mcp-config'],
  check({ input, report }) {
    if (input.kind !== 'mcp-config') return;
    for (const server of mcpServers(input.file)) {
      const places: [Place, StringEntry, string | undefined][] = [
        ...server.env.map((entry): [Place, StringEntry, string | undefined] => ['env', entry, entry.name]),
        ...server.headers.map((entry): [Place, StringEntry, string | undefined] => ['header', entry, entry.name]),
        // `["--api-key", "value"]`: the word before a launch argument can name it.
        ...server.launch.map((entry, index): [Place, StringEntry, string | undefined] => ['arg', entry, flagName(server.launch[index - 1]?.value)]),
        ...(server.url ? [['url', server.url, undefined] as [Place, StringEntry, string | undefined]] : []),
      ];
      for (const [place, entry, name] of places) {
        for (const hit of secretsIn(entry.value, name, place === 'header')) {
          const secret = entry.value.slice(hit.index, hit.index + hit.length);
          report({
            messageId: place,
            data: { server: server.name, name: entry.name ?? '', kind: hit.label, masked: maskSecret(secret) },
            at: { route: entry.route, index: hit.index, length: hit.length },
            confidence: hit.confidence,
            secret: true,
          });
        }
      }
    }
  },
});

function flagName(word: string | undefined): string | undefined {
  return word && /^--?[A-Za-z][\w-]*$/.test(word) ? word.replace(/^-+/, '') : undefined;
}

function secretsIn(value: string, name: string | undefined, header: boolean): SecretHit[] {
  // A value built from `${VAR}` parts is a reference, whatever its name; token formats are still checked.
  const keyName = value.includes('${') ? undefined : name;
  const hits: SecretHit[] = findSecretLiterals(value, keyName).map(fromShared);
  hits.push(...queryCredentials(value));
  if (header && name && /^(proxy-)?authorization$/i.test(name)) {
    // Whatever follows the scheme of an Authorization header is the credential, random-looking or not.
    const scheme = /^(bearer|basic|token|apikey|digest)\s+/i.exec(value)?.[0] ?? '';
    const secret = value.slice(scheme.length);
    if (secret.length >= 8 && !/[\s$%]/.test(secret) && !isPlaceholder(secret)) {
      hits.push({ index: scheme.length, length: secret.length, label: scheme ? `${scheme.trim()} credential` : 'credential', confidence: 'high' });
    }
  }
  return distinctHits(hits);
}

function fromShared(literal: SecretLiteral): SecretHit {
  const named = literal.kind === 'assigned-secret';
  return { index: literal.index, length: literal.length, label: named ? 'credential' : SECRET_KIND_LABELS[literal.kind], confidence: named ? 'medium' : 'high' };
}
