// Literal credentials committed in CI files, reported masked.

import type { Route } from '../../../parse/yaml-doc.js';
import { defineRule } from '../../rule.js';
import { findSecretLiterals, maskSecret, SECRET_KIND_LABELS, type SecretKind } from '../../secret-literals.js';

/** Shapes that say nothing about the provider: the name around the value is the evidence. */
const GENERIC_KINDS = new Set<SecretKind>(['assigned-secret', 'bearer-token', 'url-password']);
/** Identifiers that are useless without their secret half. */
const IDENTIFIER_KINDS = new Set<SecretKind>(['aws-access-key-id']);

export const hardcodedSecret = defineRule({
  meta: {
    id: 'hardcoded-secret',
    area: 'workflow',
    description: 'a literal credential is written into a ci file',
    severity: 'high',
    confidence: 'high',
    messages: {
      knownFormat: '{{kind}} `{{masked}}` is written into the file; anyone who can read the repository or its history can use it',
      genericSecret: '`{{name}}` holds the literal secret-like value `{{masked}}`; anyone who can read the repository or its history can use it',
    },
    help: 'Revoke the credential now (it stays in git history), store it as an encrypted secret or a masked CI/CD variable, and reference it (`${{ secrets.NAME }}`, `$NAME`).',
  },
  inputs: ['workflow', 'action', 'gitlab-ci'],
  check({ input, report }) {
    if (input.kind !== 'workflow' && input.kind !== 'action' && input.kind !== 'gitlab-ci') return;
    for (const { value, route } of strings(input.file.value, [])) {
      const key = route.at(-1);
      for (const hit of findSecretLiterals(value, typeof key === 'string' ? key : undefined)) {
        const masked = maskSecret(value.slice(hit.index, hit.index + hit.length));
        const at = { route, index: hit.index, length: hit.length };
        if (GENERIC_KINDS.has(hit.kind)) {
          const whole = value.trim().length === hit.length && typeof key === 'string';
          report({ messageId: 'genericSecret', data: { name: whole ? key : holderBefore(value, hit.index, hit.kind), masked }, at, confidence: 'medium' });
        } else {
          report({ messageId: 'knownFormat', data: { kind: SECRET_KIND_LABELS[hit.kind], masked }, at, ...(IDENTIFIER_KINDS.has(hit.kind) ? { severity: 'medium' as const } : {}) });
        }
      }
    }
  },
});

/** Every string scalar of the document with its route. */
function* strings(value: unknown, route: Route): Generator<{ value: string; route: Route }> {
  if (typeof value === 'string') yield { value, route };
  else if (Array.isArray(value)) for (const [index, item] of value.entries()) yield* strings(item, [...route, index]);
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) yield* strings(item, [...route, key]);
}

/** The variable, flag or header a value is assigned to inside a script (`TOKEN=`, `--password `, `Bearer `). */
function holderBefore(text: string, index: number, kind: SecretKind): string {
  const before = text.slice(Math.max(0, index - 80), index);
  const named = /([A-Za-z][\w.-]*)['"]?(?:=|:\s*|\s+)['"]?$/.exec(before)?.[1];
  return named ?? SECRET_KIND_LABELS[kind];
}
