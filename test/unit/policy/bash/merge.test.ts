import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { judgeApiRequest, mergeApproval, pushDestination } from '../../../../src/policy/bash/merge.js';
import { networkClient } from '../../../../src/policy/bash/network.js';
import { virtualFs } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const HOSTS = ['github.com', 'api.github.com', 'gitlab.com'];
const repo = (head: string) =>
  virtualFs({
    '/repo/.git/config': '[remote "origin"]\n\turl = https://github.com/acme/app.git\n',
    '/repo/.git/HEAD': `ref: refs/heads/${head}\n`,
    '/repo/.git/refs/remotes/origin/HEAD': 'ref: refs/remotes/origin/trunk\n',
    '/repo/review.json': '{"event": "APPROVE", "body": "ok"}',
    '/repo/comment.json': '{"event": "COMMENT", "body": "nit"}',
  });

function judge(command: string, head = 'feat/parser') {
  const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement', 'allowed-hosts': HOSTS } }), '/repo');
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, repo(head), [networkClient, mergeApproval]);
}

describe('merges and approvals are denied with the host allowed', () => {
  it.each([
    ['gh pr merge --squash --delete-branch', 'pr-merge'],
    ['gh -R acme/app pr merge 7', 'pr-merge'],
    ['gh pr review 7 -a', 'pr-approve'],
    ['gh pr review 7 -ab "ship it"', 'pr-approve'],
    ['gh pr review --approve=true 7', 'pr-approve'],
    ['gh api --method PUT /repos/{owner}/{repo}/pulls/7/merge -f merge_method=squash', 'pr-merge'],
    ['gh api repos/acme/app/pulls/7/reviews --input review.json', 'pr-approve'],
    ['gh api repos/acme/app/pulls/7/reviews --input missing.json', 'pr-approve'],
    ['gh api repos/acme/app/pulls/7/reviews/99/events -f event=APPROVE', 'pr-approve'],
    ['gh api repos/acme/app/merges -f base=main -f head=feat', 'pr-merge'],
    ['gh api -X PUT repos/acme/app/branches/main/protection/enforce_admins', 'branch-protection'],
    ['gh api -X PATCH repos/acme/app/git/refs/heads/main -f sha=abc', 'push-to-default-branch'],
    ['gh api graphql -F query=@mutation.graphql', 'pr-merge'],
    ["gh api graphql -f query='mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id}) { clientMutationId } }' -f id=PR_x", 'pr-merge'],
    ["gh api graphql -f query='mutation($e: PullRequestReviewEvent!) { addPullRequestReview(input: {pullRequestId: \"x\", event: $e}) { clientMutationId } }' -f e=APPROVE", 'pr-approve'],
    ['gh alias set ship "pr merge --squash"', 'pr-merge'],
    ['glab mr merge 3', 'pr-merge'],
    ['glab mr approve 3', 'pr-approve'],
    ['glab api -X PUT projects/12/merge_requests/3/merge', 'pr-merge'],
    ['curl -X PUT -H "Authorization: Bearer $T" https://api.github.com/repos/acme/app/pulls/7/merge', 'pr-merge'],
    ['curl -d \'{"event":"APPROVE"}\' https://api.github.com/repos/acme/app/pulls/7/reviews', 'pr-approve'],
    ['curl -d @review.json https://api.github.com/repos/acme/app/pulls/7/reviews', 'pr-approve'],
    ['curl --json \'{"query":"mutation { mergePullRequest(input:{pullRequestId:\\"x\\"}) { clientMutationId } }"}\' https://api.github.com/graphql', 'pr-merge'],
    ['git push origin main', 'push-to-default-branch'],
    ['git push origin HEAD:main', 'push-to-default-branch'],
    ['git push origin +feat/parser:refs/heads/master', 'push-to-default-branch'],
    ['git push origin :main', 'push-to-default-branch'],
    ['git push origin trunk', 'push-to-default-branch'],
    ['git push origin "refs/heads/*:refs/heads/*"', 'push-to-default-branch'],
    ['git push --all origin', 'push-to-default-branch'],
    ['git push origin "$BRANCH"', 'push-to-default-branch'],
    ['git -C /repo push --repo=origin main', 'push-to-default-branch'],
  ])('%s is denied (%s)', (command, rule) => {
    const verdict = judge(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.category).toBe('merge-approval');
    expect(verdict.rule).toBe(rule);
  });

  it('knows the checked-out branch when none is named', () => {
    expect(judge('git push origin', 'main').rule).toBe('push-to-default-branch');
    expect(judge('git push origin HEAD', 'master').rule).toBe('push-to-default-branch');
    expect(judge('git push origin HEAD', 'feat/parser').decision).toBe('allow');
  });
});

describe('look-alikes that neither merge nor approve', () => {
  it.each([
    'gh pr view 7 --json mergeable,reviewDecision',
    'gh pr review 7 --comment -b "please approve after the fix; then merge"',
    'gh pr review 7 --request-changes -b "-a is not a flag here"',
    'gh pr create --title "merge helper" --body "gh pr merge is for humans"',
    'gh pr checks 7',
    'gh api repos/acme/app/pulls/7/merge',
    'gh api repos/acme/app/pulls/7/reviews',
    'gh api repos/acme/app/pulls/7/reviews --input comment.json',
    'gh api repos/acme/app/branches/main/protection',
    "gh api graphql -f query='query { repository(owner: \"acme\", name: \"app\") { pullRequest(number: 7) { mergeable } } }'",
    'git push origin feat/parser',
    'git push origin main:feat/from-main',
    'git push -u origin HEAD',
    'git merge --no-ff main',
    'git checkout main',
    'git log origin/main..HEAD',
    'echo "git push origin main"',
    'curl -s https://api.github.com/repos/acme/app/pulls/7/merge',
  ])('%s is allowed', (command) => {
    expect(judge(command).decision).toBe('allow');
  });
});

describe('helpers', () => {
  it.each([
    ['main', 'main'],
    ['+HEAD:refs/heads/main', 'main'],
    ['feat:heads/master', 'master'],
    ['refs/tags/v1', 'tags/v1'],
  ])('pushDestination(%s) = %s', (spec, dst) => {
    expect(pushDestination(spec)).toBe(dst);
  });

  it('reads methods and bodies', () => {
    const body = { texts: [], unknown: false };
    expect(judgeApiRequest({ endpoint: 'https://ghe.example/api/v3/repos/a/b/pulls/1/merge', method: 'PUT', body })?.rule).toBe('pr-merge');
    expect(judgeApiRequest({ endpoint: 'repos/a/b/pulls/1/merge', method: 'GET', body })).toBeUndefined();
    expect(judgeApiRequest({ endpoint: 'repos/a/b/pulls/1/reviews', method: 'POST', body: { texts: ['event=COMMENT'], unknown: false } })).toBeUndefined();
  });
});
