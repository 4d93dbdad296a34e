// The zod schema of the `policy:` section of cordon.yml: a role preset plus the user's overrides.

import { z } from 'zod';

export const ROLES = ['review', 'security-analysis', 'fix-tests', 'implement', 'docs'] as const;
export type Role = (typeof ROLES)[number];

export const POLICY_CATEGORIES = [
  'network',
  'package-install',
  'secret-access',
  'write-scope',
  'protected-path',
  'destructive',
  'privilege',
  'process-control',
  'merge-approval',
  // Code whose effect cannot be known before it runs: a variable as the program, decoded payloads fed to
  // a shell, arguments and environment variables that make a harmless program execute code.
  'arbitrary-code',
] as const;
export type PolicyCategory = (typeof POLICY_CATEGORIES)[number];

export const DecisionSchema = z.enum(['deny', 'ask']);
export type CategoryDecision = z.infer<typeof DecisionSchema>;

const pathPattern = z
  .string()
  .min(1)
  // A NUL cannot be in a real path; accepting it would only make matching and reporting disagree.
  .refine((value) => !value.includes('\0'), 'a path pattern cannot contain a NUL character');

// Write scope is repository-relative by construction: anything outside the repository is never writable.
const repoGlob = pathPattern.refine(
  (value) => !value.startsWith('/') && !value.startsWith('~') && !value.split('/').includes('..'),
  'a write-scope glob is relative to the repository root (no leading /, ~ or ..)',
);

// Letters of both cases spelt out rather than an `i` flag, which the generated JSON Schema pattern would lose.
const label = '[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?';
const domainPattern = new RegExp(`^(\\*\\.${label}(\\.${label})+|${label}(\\.${label})*)$`);

const allowedDomain = z
  .string()
  // Checked first and alone so the message says why instead of only "does not match the pattern".
  .refine((value) => value.trim() !== '*', {
    message: 'a bare * would allow every domain; list the hosts, or use *.example.com for the subdomains of one',
    abort: true,
  })
  .regex(domainPattern, 'a domain is an exact host name (api.github.com) or *.suffix with at least two labels (*.example.com)');

const mcpName = z
  .string()
  .regex(
    /^(?!mcp__)[A-Za-z0-9][A-Za-z0-9_-]*$/,
    'an MCP entry is a server name (github) or server__tool (github__get_issue), without the mcp__ prefix',
  );

const DEFAULT_DECISIONS = Object.fromEntries(POLICY_CATEGORIES.map((category) => [category, 'deny'])) as Record<
  PolicyCategory,
  CategoryDecision
>;

export const DecisionsSchema = z
  .object(
    Object.fromEntries(
      POLICY_CATEGORIES.map((category) => [category, DecisionSchema.default('deny').describe(`What a ${category} hit does.`)]),
    ) as Record<PolicyCategory, z.ZodDefault<typeof DecisionSchema>>,
  )
  .strict();

export const PolicySchema = z
  .object({
    role: z.enum(ROLES).default('implement').describe('The role preset the policy starts from.'),
    'write-scope': z.array(repoGlob).default([]).describe('Repository-relative globs the agent may write, in addition to the role preset.'),
    'protected-paths': z
      .array(pathPattern)
      .default([])
      .describe('Paths never writable whatever the role, in addition to the built-in list.'),
    'secret-paths': z
      .array(pathPattern)
      .default([])
      .describe('Paths never readable or writable, in addition to the built-in list and .claudeignore.'),
    'allowed-domains': z.array(allowedDomain).default([]).describe('Hosts WebFetch may reach: exact names or *.suffix.'),
    'allowed-hosts': z
      .array(allowedDomain)
      .default([])
      .describe('Hosts Bash network clients (git remotes, gh, curl) may reach: exact names or *.suffix. Merging and approving stay denied.'),
    'allowed-mcp': z.array(mcpName).default([]).describe('MCP servers (server) or single tools (server__tool) the agent may call.'),
    'test-commands': z
      .array(z.string().min(1))
      .default([])
      .describe('Test-runner commands the fix-tests role may run, such as `npm test`.'),
    decisions: DecisionsSchema.default(() => ({ ...DEFAULT_DECISIONS })).describe('Per category: deny, or ask the user.'),
  })
  .strict();

export type PolicyConfig = z.infer<typeof PolicySchema>;
export type PolicyDecisions = z.infer<typeof DecisionsSchema>;

export const DEFAULT_POLICY_CONFIG: PolicyConfig = {
  role: 'implement',
  'write-scope': [],
  'protected-paths': [],
  'secret-paths': [],
  'allowed-domains': [],
  'allowed-hosts': [],
  'allowed-mcp': [],
  'test-commands': [],
  decisions: { ...DEFAULT_DECISIONS },
};
