// Credentials written literally anywhere in a Claude Code settings file, reported masked.

import { parseShell } from '../../../parse/shell.js';
import type { Route } from '../../../parse/yaml-doc.js';
import { defineRule } from '../../rule.js';
import { findSecretLiterals, isPlaceholder, isReference, maskSecret, SECRET_KIND_LABELS } from '../../secret-literals.js';
import { HELPER_COMMAND_KEYS, isRecord, settingsOf } from '../../settings-facts.js';

export const secretInSettings = defineRule({
  meta: {
    id: 'secret-in-settings',
    area: 'settings',
    description: 'a credential is written literally in a claude settings file',
    severity: 'high',
    confidence: 'high',
    messages: {
      token: '{{kind}} `{{masked}}` is written literally at `{{where}}`; anyone who can read the repository or its history, and the agent, can use it',
      urlPassword: 'a connection URL at `{{where}}` carries the password `{{masked}}`; anyone who can read the repository or its history, and the agent, can use it',
      generic: '`{{name}}` is set to the literal secret `{{masked}}` at `{{where}}`; anyone who can read the repository or its history, and the agent, can use it',
      helperLiteral: '`{{where}}` prints the literal credential `{{masked}}` instead of fetching it; the key is in the repository for anyone to read',
    },
    help: 'Revoke the credential now (it stays in git history). Pass secrets to the agent from the CI secret store as environment variables (`${{ secrets.ANTHROPIC_API_KEY }}` on the step), let `apiKeyHelper` fetch them from a vault, and keep passwords out of allow rules: allow the command without the credential and let the tool read it from its own config or environment.',
  },
  inputs: ['claude-settings'],
  check({ input, report }) {
    const settings = settingsOf(input);
    if (!settings) return;
    for (const { value, route } of strings(settings, [])) {
      const helper = route.length === 1 && (HELPER_COMMAND_KEYS as readonly string[]).includes(String(route[0]));
      const printed = helper ? printedLiteral(value) : undefined;
      if (printed) {
        report({ messageId: 'helperLiteral', data: { where: String(route[0]), masked: maskSecret(printed.text) }, at: { route, index: printed.index, length: printed.text.length }, secret: true });
        continue;
      }
      const keyName = typeof route.at(-1) === 'string' ? String(route.at(-1)) : undefined;
      for (const hit of findSecretLiterals(value, keyName)) {
        const secret = value.slice(hit.index, hit.index + hit.length);
        const at = { route, index: hit.index, length: hit.length };
        const data = { where: describeRoute(route), masked: maskSecret(secret) };
        if (hit.kind === 'url-password') {
          report({ messageId: 'urlPassword', data, at, secret: true });
        } else if (hit.kind === 'assigned-secret') {
          report({ messageId: 'generic', data: { ...data, name: assignedName(value, hit.index, keyName) }, at, confidence: 'medium', secret: true });
        } else {
          report({ messageId: 'token', data: { ...data, kind: SECRET_KIND_LABELS[hit.kind] }, at, secret: true });
        }
      }
    }
  },
});

/** Every string value in the document with its route; keys are not values and are left alone. */
function* strings(value: unknown, route: Route): Generator<{ value: string; route: Route }> {
  if (typeof value === 'string') {
    yield { value, route };
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* strings(value[i], [...route, i]);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) yield* strings(child, [...route, key]);
  }
}

/** `echo sk-…`, `printf '%s' "…"`: a helper whose output is a literal, so the literal is the credential. */
function printedLiteral(command: string): { text: string; index: number } | undefined {
  for (const simple of parseShell(command).commands) {
    const name = simple.name?.value;
    if (name !== 'echo' && name !== 'printf') continue;
    const literals = simple.args.filter((arg) => !arg.value.startsWith('-') && !arg.value.includes('%') && !/[$`]/.test(arg.value));
    const word = literals.find((arg) => arg.value.length >= 8 && !/\s/.test(arg.value) && !isPlaceholder(arg.value) && !isReference(arg.value));
    if (!word) continue;
    const raw = command.slice(word.start, word.end);
    const quote = raw.startsWith("'") || raw.startsWith('"') ? 1 : 0;
    return { text: word.value, index: word.start + quote };
  }
  return undefined;
}

/** The variable a generic secret is assigned to: the JSON key, or the `NAME=` just before it. */
function assignedName(value: string, index: number, keyName: string | undefined): string {
  const before = value.slice(0, index);
  const assignment = /([A-Za-z][A-Za-z0-9_.-]*)['"]?(?:=|:\s*|\s+)['"]?$/.exec(before);
  return assignment?.[1] ?? keyName ?? 'value';
}

/** `env.ANTHROPIC_API_KEY`, `permissions.allow[3]`. */
function describeRoute(route: Route): string {
  return route.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
