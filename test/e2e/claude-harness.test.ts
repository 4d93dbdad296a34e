// The real `claude` CLI driven by the scripted Messages-API server: tool calls run, hooks block, and what reaches the model is recorded.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentUser, agentWorkdir, removeScratch, runClaude } from '../helpers/claude-run.js';
import { startMessagesServer } from '../helpers/messages-server.js';

afterAll(removeScratch);

interface StreamEvent {
  content_block?: { type: string; id: string; name: string };
  delta?: { partial_json?: string; stop_reason?: string };
}

const WRITE_HELLO = [{ tool: 'Bash', input: { command: 'echo hello > out.txt' } }, { text: 'done' }];

/** A PreToolUse hook that reads its payload and refuses every call with exit 2 and a reason naming the tool. */
const REFUSE = `node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{process.stderr.write("cordon-harness-refusal:"+JSON.parse(d).tool_name);process.exit(2)})'`;
const REFUSING_SETTINGS = { hooks: { PreToolUse: [{ matcher: '.*', hooks: [{ type: 'command', command: REFUSE }] }] } };

describe('scripted Messages-API server', () => {
  it('streams a tool call, then text, answers side requests without using a turn, and records tool results once', async () => {
    const server = await startMessagesServer({ script: [{ tool: 'Bash', input: { command: 'true' } }, { text: 'fin' }], timeoutMs: 10_000 });
    try {
      const post = (path: string, body: unknown): Promise<Response> => fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) });
      expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);

      const first = await (await post('/v1/messages?beta=true', { model: 'm', stream: true, tools: [{ name: 'Bash' }], messages: [{ role: 'user', content: 'go' }] })).text();
      const events = [...first.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
      expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
      const data = [...first.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1] as string) as StreamEvent);
      const id = data[1]?.content_block?.id ?? '';
      expect(data[1]?.content_block).toMatchObject({ type: 'tool_use', name: 'Bash' });
      expect(JSON.parse(data.slice(2, 4).map((event) => event.delta?.partial_json ?? '').join(''))).toEqual({ command: 'true' });
      expect(data[5]?.delta?.stop_reason).toBe('tool_use');

      const side = (await (await post('/v1/messages', { model: 'm', messages: [{ role: 'user', content: 'title?' }] })).json()) as { content: { type: string }[]; stop_reason: string };
      expect(side).toMatchObject({ content: [{ type: 'text' }], stop_reason: 'end_turn' });
      expect(((await (await post('/v1/messages/count_tokens', { messages: [] })).json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(0);

      const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: [{ type: 'text', text: 'denied' }], is_error: true }] };
      const history = [{ role: 'user', content: 'go' }, { role: 'assistant', content: [] }, result];
      const second = await (await post('/v1/messages', { model: 'm', stream: true, tools: [{}], messages: history })).text();
      expect(second).toContain('"stop_reason":"end_turn"');
      await (await post('/v1/messages', { model: 'm', stream: true, tools: [{}], messages: history })).text();

      expect(server.turnsServed()).toBe(2);
      expect(server.toolResults).toEqual([{ toolUseId: id, tool: 'Bash', content: 'denied', isError: true }]);
      expect(server.requests.map((request) => request.kind)).toEqual(['probe', 'turn', 'side', 'count_tokens', 'turn', 'turn']);
    } finally {
      await server.close();
    }
  });
});

describe('real claude CLI against the scripted server', () => {
  it('runs a scripted Bash call as a non-root user and returns its result to the model', async () => {
    const cwd = agentWorkdir();
    const run = await runClaude({ cwd, prompt: 'Write hello to out.txt.', script: WRITE_HELLO });

    expect(run.timedOut).toBe(false);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toBe('hello\n');
    const user = agentUser();
    if (user) expect(statSync(join(cwd, 'out.txt')).uid).toBe(user.uid);

    expect(run.toolResults).toHaveLength(1);
    expect(run.toolResults[0]).toMatchObject({ tool: 'Bash', isError: false });
    expect(run.turnsServed).toBe(2);
    const turns = run.requests.filter((request) => request.kind === 'turn');
    expect(turns[0]?.url).toMatch(/^\/v1\/messages(\?|$)/);
    expect(turns[0]?.body).toMatchObject({ stream: true, tools: expect.arrayContaining([expect.objectContaining({ name: 'Bash' })]) });
    expect(run.stdout).toMatchObject({ type: 'result', is_error: false, result: 'done', permission_denials: [] });
  }, 90_000);

  it('lets a PreToolUse hook from --settings block the call: no effect, an error result with the reason, a permission denial', async () => {
    const cwd = agentWorkdir();
    const run = await runClaude({ cwd, prompt: 'Write hello to out.txt.', script: WRITE_HELLO, settings: REFUSING_SETTINGS });

    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(join(cwd, 'out.txt'))).toBe(false);
    expect(run.toolResults).toHaveLength(1);
    const [result] = run.toolResults;
    expect(result).toMatchObject({ tool: 'Bash', isError: true });
    expect(result?.content).toContain('cordon-harness-refusal:Bash');
    expect(run.stdout?.permission_denials).toEqual([{ tool_name: 'Bash', tool_use_id: result?.toolUseId, tool_input: { command: 'echo hello > out.txt' } }]);
  }, 90_000);
});
