// The zod schema of the `sandbox:` section of cordon.yml: what `cordon run` isolates, allows and limits.

import { z } from 'zod';

/** Why a domain allowlist entry is unusable, or undefined: exact names and `*.suffix` only, never a bare `*`. */
export function domainPatternProblem(pattern: string): string | undefined {
  if (pattern === '*' || pattern === '*.') return 'a bare * would allow every host';
  if (/[/:@?#\s]/.test(pattern)) return 'a domain pattern is a host name only: no scheme, port, path or user';
  const name = pattern.startsWith('*.') ? pattern.slice(2) : pattern;
  if (name.includes('*')) return 'a wildcard is only allowed as the whole first label (*.example.com)';
  const labels = name.replace(/\.$/, '').split('.');
  if (labels.some((label) => label === '')) return 'empty label';
  if (pattern.startsWith('*.') && labels.length < 2) return '*.tld would allow a whole top-level domain';
  if (!labels.every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label))) return 'not a valid host name';
  return undefined;
}

const domainPattern = z.string().superRefine((value, ctx) => {
  const problem = domainPatternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)}: ${problem}` });
});

/** `512M`, `4G`, `1.5G` or a number of bytes. */
export const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?$/i;

export function parseSize(text: string): number | undefined {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 'B').toUpperCase()[0]!;
  const power = { B: 0, K: 1, M: 2, G: 3, T: 4 }[unit as 'B' | 'K' | 'M' | 'G' | 'T'];
  const bytes = Math.floor(Number(match[1]) * 1024 ** power);
  return bytes > 0 ? bytes : undefined;
}

const size = z.union([z.number().int().positive(), z.string().refine((text) => parseSize(text) !== undefined, 'a size like 512M, 4G or a number of bytes')]);

export const SandboxSchema = z
  .object({
    'allowed-domains': z.array(domainPattern).default([]).describe('Hosts the agent may reach through the egress proxy: exact names and *.suffix patterns. The model API goes through the broker and needs no entry.'),
    'allow-private': z
      .array(z.string().min(1))
      .default([])
      .describe('Names or IP addresses allowed although they are or resolve to loopback, private, link-local or metadata addresses (a registry on the runner, say). A name must also be in allowed-domains.'),
    'mount-ro': z.array(z.string().min(1)).default([]).describe('Extra host paths mounted read-only at the same path.'),
    env: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'))
      .default([])
      .describe('Environment variables passed in besides PATH, LANG, TERM, TZ, CI and HOME. Nothing named like a secret passes unless listed here.'),
    timeout: z.number().int().positive().default(3600).describe('Wall-clock limit in seconds; the whole process tree is killed when it passes.'),
    memory: size.optional().describe('Memory limit of the whole sandbox (cgroup), e.g. 4G.'),
    'max-processes': z.number().int().positive().default(1024).describe('Process (and thread) limit of the whole sandbox.'),
    'max-tokens': z.number().int().positive().optional().describe('Model tokens (input + output) after which the broker refuses further model calls.'),
    uid: z.number().int().min(1).max(65533).default(1000).describe('The non-root uid (and gid) the command runs as inside the sandbox.'),
  })
  .strict();

export type SandboxConfig = z.infer<typeof SandboxSchema>;
export const DEFAULT_SANDBOX_CONFIG: SandboxConfig = SandboxSchema.parse({});
