// The zod schema of cordon.yml, the tool's one configuration file; its JSON Schema is generated from this.

import { z } from 'zod';
import { SEVERITIES } from '../core/severity.js';
import { DEFAULT_POLICY_CONFIG, PolicySchema } from './policy-schema.js';
import { DEFAULT_SANDBOX_CONFIG, SandboxSchema } from './sandbox-schema.js';

const ruleId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a rule id is kebab-case, like untrusted-prompt-input');

export const AuditIgnoreSchema = z
  .object({
    rule: ruleId.describe('The rule to silence.'),
    path: z.string().min(1).optional().describe('Glob of files the entry applies to (default: every file).'),
    line: z.number().int().positive().optional().describe('Only findings that start on this line.'),
    reason: z.string().min(1).describe('Why this is acceptable; shown in reports.'),
  })
  .strict();

export const RuleSettingSchema = z.union([
  z.literal('off'),
  z.object({ severity: z.enum(SEVERITIES).describe('Override the rule severity.') }).strict(),
]);

export const AuditConfigSchema = z
  .object({
    ignore: z.array(AuditIgnoreSchema).default([]).describe('Findings accepted on purpose.'),
    rules: z.record(ruleId, RuleSettingSchema).default({}).describe('Per-rule switches and severity overrides.'),
    exclude: z.array(z.string().min(1)).default([]).describe('Globs of paths the audit does not read.'),
    'protected-paths': z
      .array(z.string().min(1))
      .default([])
      .describe('Paths the agent must never write, in addition to the built-in list.'),
  })
  .strict();

export const SecretsConfigSchema = z
  .object({
    exclude: z.array(z.string().min(1)).default([]).describe('Globs of paths the secret scan does not read, besides the built-in skips.'),
    include: z.array(z.string().min(1)).default([]).describe('Globs re-admitted although a built-in skip (lockfiles, minified files …) matches them.'),
    ignore: z.array(AuditIgnoreSchema).default([]).describe('Findings accepted on purpose; `rule` is a detector id (github-classic-token) or a secret-file kind (dotenv).'),
  })
  .strict();

export const CordonConfigSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1).default(1).describe('Configuration format version.'),
    audit: AuditConfigSchema.default({ ignore: [], rules: {}, exclude: [], 'protected-paths': [] }),
    secrets: SecretsConfigSchema.default({ exclude: [], include: [], ignore: [] }),
    // A copy per parse, so a caller that edits its config cannot change the next one's defaults.
    policy: PolicySchema.default(() => structuredClone(DEFAULT_POLICY_CONFIG)).describe('The runtime policy the hooks enforce.'),
    sandbox: SandboxSchema.default(() => structuredClone(DEFAULT_SANDBOX_CONFIG)).describe('What cordon run isolates, allows and limits.'),
  })
  .strict();

export type CordonConfig = z.infer<typeof CordonConfigSchema>;
export type AuditConfig = z.infer<typeof AuditConfigSchema>;
export type AuditIgnore = z.infer<typeof AuditIgnoreSchema>;
export type SecretsConfig = z.infer<typeof SecretsConfigSchema>;

export function cordonJsonSchema(): unknown {
  return z.toJSONSchema(CordonConfigSchema, { target: 'draft-7', io: 'input' });
}
