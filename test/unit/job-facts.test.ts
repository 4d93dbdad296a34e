// Shared agent-job facts: output sinks of shell commands, secret reads, token scopes and `claude` words.

import { beforeAll, describe, expect, it } from 'vitest';
import { agentSteps } from '../../src/audit/agents.js';
import { cliRuns, scopeGrant, secretReads, writeScopes } from '../../src/audit/job-facts.js';
import { loadShellParser, parseShell } from '../../src/parse/shell.js';
import { workflowModel, type WorkflowModel } from '../../src/parse/workflow.js';
import { YamlFile } from '../../src/parse/yaml-doc.js';

beforeAll(async () => {
  await loadShellParser();
});

function model(text: string): WorkflowModel {
  const parsed = workflowModel(new YamlFile('.github/workflows/a.yml', text));
  if (!parsed) throw new Error('fixture is not a workflow');
  return parsed;
}

describe('output sinks', () => {
  it.each([
    ['claude -p x', 'log', 'log'],
    ['claude -p x > out.json', 'file', 'log'],
    ['claude -p x >> out.json 2>&1', 'file', 'file'],
    ['claude -p x 2>&1 > out.json', 'file', 'log'],
    ['claude -p x &> all.log', 'file', 'file'],
    ['claude -p x 2> err.log', 'log', 'file'],
    ['claude -p x | tee out.json', 'log', 'log'],
    ['OUT=$(claude -p x)', 'captured', 'log'],
    ['{ claude -p x; } > out.json', 'file', 'log'],
    ['if true; then claude -p x; fi &> out.log', 'file', 'file'],
    ['claude -p x >&2', 'log', 'log'],
  ])('%j sends stdout to %s and stderr to %s', (script, stdout, stderr) => {
    const command = parseShell(script).commands.find((c) => c.name?.value === 'claude');
    expect([command?.stdout, command?.stderr]).toEqual([stdout, stderr]);
  });
});

describe('secretReads', () => {
  it('finds named, indexed and whole-context reads with the expression offsets', () => {
    const value = "a ${{ secrets.BOT_PAT }} b ${{ secrets['NPM_TOKEN'] }} ${{ toJSON(secrets) }} ${{ 'secrets.NOT' }}";
    expect(secretReads(value).map((read) => [read.name, value.slice(read.index, read.index + read.length)])).toEqual([
      ['BOT_PAT', '${{ secrets.BOT_PAT }}'],
      ['NPM_TOKEN', "${{ secrets['NPM_TOKEN'] }}"],
      ['*', '${{ toJSON(secrets) }}'],
    ]);
  });
});

describe('token scopes', () => {
  const workflow = model(`
on: push
permissions:
  contents: read
  id-token: write
jobs:
  inherits:
    runs-on: x
    steps: []
  own:
    runs-on: x
    permissions:
      pull-requests: write
    steps: []
  everything:
    runs-on: x
    permissions: write-all
    steps: []
`);
  const job = (id: string) => workflow.jobs.find((candidate) => candidate.id === id)!;

  it('inherits the workflow block only when the job has none', () => {
    expect(scopeGrant(workflow, job('inherits'), 'id-token')).toMatchObject({ level: 'write', inherited: true, route: ['permissions', 'id-token'] });
    expect(scopeGrant(workflow, job('own'), 'id-token')).toMatchObject({ level: 'none', inherited: false });
    expect(scopeGrant(workflow, job('everything'), 'id-token')).toMatchObject({ level: 'write', implied: true, route: ['jobs', 'everything', 'permissions'] });
  });

  it('lists write scopes, and says when the repository default applies', () => {
    expect(writeScopes(workflow, job('own'))).toEqual(['pull-requests']);
    expect(writeScopes(workflow, job('everything'))).toContain('contents');
    const bare = model('on: push\njobs:\n  a:\n    steps: []\n');
    expect(writeScopes(bare, bare.jobs[0]!)).toBe('default');
  });
});

describe('cliRuns', () => {
  it('finds the word naming Claude Code behind wrappers and launchers', () => {
    const script = 'timeout 20m claude -p a\nnpx -y @anthropic-ai/claude-code -p b\nclaude -p c';
    const workflow = model(`on: push\njobs:\n  a:\n    steps:\n      - run: ${JSON.stringify(script)}\n`);
    const [agent] = agentSteps(workflow);
    expect(cliRuns(agent!).map((run) => [script.slice(run.word.start, run.word.end), run.wrapper[0]])).toEqual([
      ['claude', 'timeout'],
      ['@anthropic-ai/claude-code', undefined],
      ['claude', undefined],
    ]);
  });
});
