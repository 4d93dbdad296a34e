import { describe, expect, it } from 'vitest';
import { agentSteps, grantsShell } from '../../src/audit/agents.js';
import { TaintScope } from '../../src/audit/taint.js';
import { loadShellParser } from '../../src/parse/shell.js';
import { workflowModel } from '../../src/parse/workflow.js';
import { YamlFile } from '../../src/parse/yaml-doc.js';

await loadShellParser();

function model(text: string) {
  const file = new YamlFile('w.yml', text);
  const parsed = workflowModel(file);
  if (!parsed) throw new Error('not a workflow');
  return parsed;
}

const WORKFLOW = `on: issue_comment
env:
  TITLE: \${{ github.event.issue.title }}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - id: get
        run: echo "b=\${{ github.event.comment.body }}" >> $GITHUB_OUTPUT
      - uses: anthropics/claude-code-action@v1
        with:
          prompt: "\${{ steps.get.outputs.b }}"
          claude_args: |
            --allowedTools "Bash(git:*),Read" --dangerously-skip-permissions
          settings: '{"permissions": {"allow": ["WebFetch"], "defaultMode": "bypassPermissions"}}'
      - run: |
          npm ci
          claude -p "$TITLE" --disallowedTools "Bash(curl:*)" --settings ci/claude.json
      - run: echo claude is not run here
`;

describe('agentSteps', () => {
  const workflow = model(WORKFLOW);
  const agents = agentSteps(workflow);

  it('finds the action and the CLI step, not the echo', () => {
    expect(agents.map((agent) => [agent.via, agent.step.index])).toEqual([
      ['action', 1],
      ['cli', 2],
    ]);
  });

  it('collects tools from claude_args and inline settings, and every bypass site', () => {
    const [action] = agents;
    expect(action?.allowedTools.map((tool) => tool.text)).toEqual(['Bash(git:*)', 'Read', 'WebFetch']);
    expect(action?.skipPermissions.map((site) => site.text)).toEqual(['--dangerously-skip-permissions', 'bypassPermissions']);
    expect(action ? grantsShell(action) : false).toBe(true);
  });

  it('collects CLI prompts, denials and settings paths', () => {
    const cli = agents[1];
    expect(cli?.prompts.map((prompt) => prompt.text)).toEqual(['$TITLE']);
    expect(cli?.disallowedTools.map((tool) => tool.text)).toEqual(['Bash(curl:*)']);
    expect(cli?.settingsPaths.map((path) => path.text)).toEqual(['ci/claude.json']);
    expect(cli ? grantsShell(cli) : true).toBe(false);
  });
});

describe('TaintScope', () => {
  const workflow = model(WORKFLOW);
  const job = workflow.jobs[0]!;

  it('follows workflow env and step outputs', () => {
    const scope = new TaintScope(workflow, job, job.steps[1]);
    expect([...scope.env]).toEqual([['TITLE', 'github.event.issue.title']]);
    expect([...scope.stepOutputs]).toEqual([['get', 'github.event.comment.body']]);
    expect(scope.expressionHits('x ${{ steps.get.outputs.b }} ${{ env.TITLE }} ${{ github.sha }}').map((hit) => [hit.index, hit.via])).toEqual([
      [2, 'step-output'],
      [29, 'env'],
    ]);
  });

  it.each([
    ['claude -p "$TITLE"', ['shell-variable']],
    ['claude -p "${TITLE}"', ['shell-variable']],
    ['B=$(gh issue view 1 --json body)\nclaude -p "$B"', ['fetch', 'shell-variable']],
    ["B=$(jq -r .issue.body \"$GITHUB_EVENT_PATH\")\nclaude -p \"$B\"", ['fetch', 'shell-variable']],
    ['claude -p "$SAFE"', []],
    ['claude -p "${{ github.event.issue.number }}"', []],
  ])('shellHits(%j) → %j', (script, vias) => {
    const scope = new TaintScope(workflow, job, job.steps[2]);
    expect(scope.shellHits(script).map((hit) => hit.via)).toEqual(vias);
  });
});
