// The JSON Claude Code writes to a hook's stdin, per event (guard-anchors.md §1.2–1.4), as zod schemas.

import { z } from 'zod';

const common = {
  session_id: z.string(),
  cwd: z.string().startsWith('/', 'cwd must be an absolute path'),
  transcript_path: z.string().optional(),
  permission_mode: z.string().optional(),
  hook_event_name: z.string().optional(),
  agent_id: z.string().optional(),
  agent_type: z.string().optional(),
};

export const PreToolUseSchema = z.looseObject({
  ...common,
  tool_name: z.string().min(1),
  tool_input: z.record(z.string(), z.unknown()),
  tool_use_id: z.string().optional(),
});

export const PostToolUseSchema = z.looseObject({
  ...common,
  tool_name: z.string().min(1),
  tool_input: z.record(z.string(), z.unknown()),
  tool_response: z.unknown(),
  tool_use_id: z.string().optional(),
});

export const UserPromptSubmitSchema = z.looseObject({ ...common, prompt: z.string() });

export const SessionStartSchema = z.looseObject({ ...common, source: z.string().optional(), model: z.string().optional() });

export type PreToolUsePayload = z.infer<typeof PreToolUseSchema>;
export type PostToolUsePayload = z.infer<typeof PostToolUseSchema>;
export type UserPromptSubmitPayload = z.infer<typeof UserPromptSubmitSchema>;
export type SessionStartPayload = z.infer<typeof SessionStartSchema>;

export const HOOK_EVENTS = ['pre-tool-use', 'post-tool-use', 'user-prompt-submit', 'session-start'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Claude Code's event names, for settings files and hookSpecificOutput. */
export const CLAUDE_EVENT: Record<HookEvent, string> = {
  'pre-tool-use': 'PreToolUse',
  'post-tool-use': 'PostToolUse',
  'user-prompt-submit': 'UserPromptSubmit',
  'session-start': 'SessionStart',
};

/** Parses stdin as JSON and checks it against the event's schema; the message names what is wrong. */
export function parsePayload<T>(schema: z.ZodType<T>, text: string): { ok: true; value: T } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `the hook input is not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, message: `the hook input is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}` };
}
