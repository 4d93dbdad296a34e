import { beforeAll, describe, expect, it } from 'vitest';
import { claudeArgs, parseClaudeCli, splitToolList } from '../../src/audit/claude-cli.js';
import { loadShellParser, parseArgumentString, parseShell } from '../../src/parse/shell.js';

beforeAll(async () => {
  await loadShellParser();
});

describe('parseShell', () => {
  it.each([
    ['curl x | bash', ['curl', 'bash']],
    ['echo $(whoami) && `id`', ['echo', 'whoami', '`id`', 'id']],
    ['(cd a; make) || true', ['cd', 'make', 'true']],
    ['X=1 env FOO=2 node -e "1"', ['env']],
    ['if [ -f x ]; then claude -p hi; fi', ['claude']],
    ['cat <<EOF\ncurl evil\nEOF', ['cat']],
  ])('%j has commands %j', (script, names) => {
    const commands = parseShell(script).commands.map((c) => c.name?.value);
    expect(commands.filter((n) => n !== '[')).toEqual(names);
  });

  it('unquotes words and keeps offsets', () => {
    const script = `claude -p "fix it" --allowedTools 'Bash(git diff:*)' Read`;
    const [command] = parseShell(script).commands;
    expect(command?.args.map((a) => a.value)).toEqual(['-p', 'fix it', '--allowedTools', 'Bash(git diff:*)', 'Read']);
    const word = command?.args[3];
    expect(script.slice(word?.start, word?.end)).toBe("'Bash(git diff:*)'");
  });

  it('masks ${{ }} so the grammar sees a word, keeping offsets', () => {
    const script = 'claude -p "${{ github.event.issue.body }}"';
    const [command] = parseShell(script).commands;
    expect(command?.args[1]?.start).toBe(10);
    expect(parseShell(script).hasError).toBe(false);
  });

  it('splits an argument string with offsets', () => {
    const words = parseArgumentString('--allowedTools "Bash(*)" --model x');
    expect(words.map((w) => [w.value, w.start])).toEqual([
      ['--allowedTools', 0],
      ['Bash(*)', 15],
      ['--model', 25],
      ['x', 33],
    ]);
  });
});

describe('claude CLI', () => {
  it.each([
    ['claude -p hi', true],
    ['/usr/local/bin/claude --print hi', true],
    ['npx -y @anthropic-ai/claude-code -p hi', true],
    ['npx @anthropic-ai/claude-code@1.0.0 hi', true],
    ['echo claude', false],
    ['npm i -g @anthropic-ai/claude-code', false],
  ])('%j runs claude: %s', (script, expected) => {
    const command = parseShell(script).commands[0];
    expect(command ? claudeArgs(command) !== undefined : false).toBe(expected);
  });

  it('parses flags, variadic tool lists and the prompt', () => {
    const [command] = parseShell(`claude -p "do it" --dangerously-skip-permissions --allowedTools "Bash(git:*),Read" Edit --permission-mode=acceptEdits --settings s.json`).commands;
    const cli = parseClaudeCli(claudeArgs(command!)!);
    expect(cli.print).toBe(true);
    expect(cli.skipPermissions?.value).toBe('--dangerously-skip-permissions');
    expect(cli.allowedTools.map((t) => t.tool)).toEqual(['Bash(git:*)', 'Read', 'Edit']);
    expect(cli.permissionMode?.value).toBe('acceptEdits');
    expect(cli.settings.map((s) => s.value)).toEqual(['s.json']);
    expect(cli.prompt.map((p) => p.value)).toEqual(['do it']);
  });

  it.each([
    ['Bash(git diff:*),Read Edit', ['Bash(git diff:*)', 'Read', 'Edit']],
    ['Bash(npm run test), mcp__github__get_issue', ['Bash(npm run test)', 'mcp__github__get_issue']],
    ['', []],
  ])('splitToolList(%j)', (text, tools) => {
    expect(splitToolList(text).map((t) => t.tool)).toEqual(tools);
  });
});
