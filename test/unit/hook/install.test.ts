import { describe, expect, it } from 'vitest';
import { hookArgs, mergeHooks } from '../../../src/hook/install.js';

const INVOCATION = { node: '/usr/bin/node', script: '/opt/cordon/dist/cordon.js', extraArgs: ['--role', 'review'] };

describe('mergeHooks', () => {
  it('adds the four events with an all-tools matcher, exec form, and disableAllHooks false', () => {
    const { text, changed } = mergeHooks(undefined, 's.json', INVOCATION);
    const settings = JSON.parse(text);
    expect(changed).toEqual(['pre-tool-use', 'post-tool-use', 'user-prompt-submit', 'session-start']);
    expect(Object.keys(settings.hooks)).toEqual(['PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'SessionStart']);
    expect(settings.hooks.PreToolUse).toEqual([
      { matcher: '*', hooks: [{ type: 'command', command: '/usr/bin/node', args: [...hookArgs('/opt/cordon/dist/cordon.js'), 'pre-tool-use', '--role', 'review'], timeout: 30 }] },
    ]);
    expect(hookArgs('/x/cordon.cjs').slice(0, 1)).toEqual(['-e']);
    expect(hookArgs('/x/cordon.cjs').slice(2)).toEqual(['/x/cordon.cjs', 'hook']);
    expect(settings.disableAllHooks).toBe(false);
  });

  it('keeps every other setting and other hooks, and is idempotent', () => {
    const before = JSON.stringify({
      model: 'sonnet',
      disableAllHooks: true,
      permissions: { deny: ['Bash(curl *)'] },
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'other-guard' }] }], Stop: [{ hooks: [{ type: 'command', command: 'notify' }] }] },
    });
    const once = mergeHooks(before, 's.json', INVOCATION);
    const settings = JSON.parse(once.text);
    expect(settings.model).toBe('sonnet');
    expect(settings.permissions).toEqual({ deny: ['Bash(curl *)'] });
    expect(settings.disableAllHooks).toBe(false);
    expect(settings.hooks.Stop).toEqual([{ hooks: [{ type: 'command', command: 'notify' }] }]);
    expect(settings.hooks.PreToolUse[1]).toEqual({ matcher: 'Bash', hooks: [{ type: 'command', command: 'other-guard' }] });
    const twice = mergeHooks(once.text, 's.json', INVOCATION);
    expect(twice.text).toBe(once.text);
    expect(twice.changed).toEqual([]);
  });

  it('replaces an entry of the earlier form (the bin run directly) instead of adding a second', () => {
    const old = JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: '/usr/bin/node', args: ['/opt/cordon/dist/cordon.cjs', 'hook', 'pre-tool-use'] }] }] } });
    const settings = JSON.parse(mergeHooks(old, 's.json', INVOCATION).text);
    expect(settings.hooks.PreToolUse).toHaveLength(1);
    expect(settings.hooks.PreToolUse[0].hooks[0].args[0]).toBe('-e');
  });

  it('replaces an earlier cordon entry instead of adding a second', () => {
    const first = mergeHooks(undefined, 's.json', { ...INVOCATION, extraArgs: [] }).text;
    const second = JSON.parse(mergeHooks(first, 's.json', INVOCATION).text);
    expect(second.hooks.PreToolUse).toHaveLength(1);
    expect(second.hooks.PreToolUse[0].hooks[0].args).toContain('review');
  });

  it('refuses a broken settings file with its position', () => {
    expect(() => mergeHooks('{\n  "hooks": [,]\n}', 'settings.json', INVOCATION)).toThrow(/settings\.json:2:\d+: invalid JSON/);
    expect(() => mergeHooks('{"hooks": []}', 'settings.json', INVOCATION)).toThrow(/"hooks" is not an object/);
  });
});
