import { describe, expect, it } from 'vitest';
import { contextReferences, findExpressions, isUntrustedContext } from '../../src/parse/expression.js';

describe('findExpressions', () => {
  it('finds each expression with its index and skips }} inside string literals', () => {
    const text = "a ${{ github.event.issue.title }} b ${{ format('}}{0}', env.X) }}";
    const found = findExpressions(text);
    expect(found.map((e) => e.index)).toEqual([2, 36]);
    expect(found[1]?.references).toEqual(['env.x']);
  });

  it('ignores an unterminated expression', () => {
    expect(findExpressions('${{ github.actor')).toEqual([]);
  });
});

describe('contextReferences', () => {
  it.each([
    ['github.event.issue.body', ['github.event.issue.body']],
    ["github.event['pull_request'].title", ['github.event.pull_request.title']],
    ['toJSON(github.event)', ['github.event']],
    ["contains(github.event.comment.body, '@claude')", ['github.event.comment.body']],
    ['github.event.commits[0].message', ['github.event.commits.0.message']],
    ["'github.event.issue.body'", []],
    ['steps.fetch.outputs.text', ['steps.fetch.outputs.text']],
  ])('%s → %j', (body, refs) => {
    expect(contextReferences(body)).toEqual(refs);
  });
});

describe('isUntrustedContext', () => {
  it.each([
    ['github.event.issue.title', true],
    ['github.event.issue.body', true],
    ['github.event.pull_request.body', true],
    ['github.event.comment.body', true],
    ['github.event.review.body', true],
    ['github.event.pull_request.head.ref', true],
    ['github.head_ref', true],
    ['github.event.commits.0.message', true],
    ['github.event.head_commit.author.email', true],
    ['github.event.workflow_run.head_branch', true],
    ['github.event.client_payload.prompt', true],
    ['github.event.discussion.body', true],
    ['github.event.issue.number', false],
    ['github.event.pull_request.number', false],
    ['github.repository', false],
    ['github.actor', false],
    ['github.event.pull_request.head.sha', false],
  ])('%s → %s', (reference, expected) => {
    expect(isUntrustedContext(reference)).toBe(expected);
  });
});
