// Merging or approving pull requests and pushing to the default branch: a reviewer's and the pipeline's job, denied even when the host is allowed.

import { posix } from 'node:path';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, cwdsAt, spanOf, type BashCheck, type BashContext } from './context.js';
import { CURL_VALUED, GIT_REMOTE_VALUED, HTTPIE_VALUED, WGET_VALUED, gitInvocation, has, optionSet, parseArgs, runtimeWord, values } from './network.js';

/** The request body as far as the command line shows it; `unknown` when part of it comes from a file or stdin cordon cannot read. */
interface Body {
  texts: string[];
  unknown: boolean;
}

interface ApiRequest {
  endpoint: string;
  method: string;
  body: Body;
}

type Finding = { rule: string; reason: string };

const MERGE_MUTATIONS = /\b(mergePullRequest|enablePullRequestAutoMerge|mergeBranch|deleteBranchProtectionRule|updateBranchProtectionRule|deleteRepositoryRuleset|updateRepositoryRuleset|bypassPullRequestReview)\b/;
const REVIEW_MUTATIONS = /\b(addPullRequestReview|submitPullRequestReview)\b/;

/** What a REST or GraphQL request to GitHub or GitLab would do, when it merges, approves or lifts protection. */
export function judgeApiRequest({ endpoint, method, body }: ApiRequest): Finding | undefined {
  const path = endpoint.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/[?#].*$/, '').replace(/^\/*/, '/');
  const writes = method !== 'GET' && method !== 'HEAD';
  const text = body.texts.join('\n');
  if (/\/graphql$/.test(path) || path === '/graphql') {
    if (MERGE_MUTATIONS.test(text)) return { rule: 'pr-merge', reason: `the GraphQL request runs ${MERGE_MUTATIONS.exec(text)![1]}` };
    if (REVIEW_MUTATIONS.test(text) && (/APPROVE/.test(text) || body.unknown)) return { rule: 'pr-approve', reason: 'the GraphQL request submits an approving review' };
    if (body.unknown && writes) return { rule: 'pr-merge', reason: 'the GraphQL request comes from a file cordon cannot read, so it may merge or approve' };
    return undefined;
  }
  if (!writes) return undefined;
  if (/\/pulls\/[^/]+\/merge\/?$/.test(path) || /\/merge_requests\/[^/]+\/merge\/?$/.test(path) || /\/repos\/[^/]+\/[^/]+\/merges\/?$/.test(path)) {
    return { rule: 'pr-merge', reason: `the API request ${method} ${path} merges` };
  }
  if (/\/merge_requests\/[^/]+\/approve\/?$/.test(path)) return { rule: 'pr-approve', reason: `the API request ${method} ${path} approves a merge request` };
  if (/\/pulls\/[^/]+\/reviews(\/[^/]+\/events)?\/?$/.test(path) && (/APPROVE/.test(text) || body.unknown)) {
    return { rule: 'pr-approve', reason: `the API request ${method} ${path} submits an approving review` };
  }
  if (/\/branches\/[^/]+\/protection(\/|$)|\/rulesets(\/|$)|\/protected_branches(\/|$)/.test(path)) {
    return { rule: 'branch-protection', reason: `the API request ${method} ${path} changes branch protection` };
  }
  if (/\/git\/refs\/heads\/(main|master)\/?$/.test(path) || (/\/git\/refs\/?$/.test(path) && /refs\/heads\/(main|master)\b/.test(text))) {
    return { rule: 'push-to-default-branch', reason: `the API request ${method} ${path} moves the default branch` };
  }
  return undefined;
}

/** A body part: inline text, or `@file` read through the fs (`@-` is stdin, known only from a here-doc). */
function bodyPart(ctx: BashContext, command: EffectiveCommand, word: ArgWord, value: string, body: Body): void {
  if (runtimeWord(word)) body.unknown = true;
  if (!value.startsWith('@')) {
    body.texts.push(value);
    return;
  }
  const file = value.slice(1);
  if (file === '-') {
    if (command.stdinText === undefined) body.unknown = true;
    else body.texts.push(command.stdinText);
    return;
  }
  const text = cwdsAt(ctx, command.start).map((dir) => ctx.fs.readText(posix.resolve(dir, file), 1_000_000)).find((t) => t !== undefined);
  if (text === undefined) body.unknown = true;
  else body.texts.push(text);
}

// ---------------------------------------------------------------- gh and glab

const GH_API_VALUED = optionSet('-X', '--method', '-f', '--raw-field', '-F', '--field', '-H', '--header', '--input', '-q', '--jq', '-t', '--template', '--cache', '--hostname', '-p', '--preview');

function apiCommand(command: EffectiveCommand, ctx: BashContext, words: readonly ArgWord[]): Finding | undefined {
  const parsed = parseArgs(words, GH_API_VALUED);
  const endpoint = parsed.operands[0];
  if (!endpoint) return undefined;
  const body: Body = { texts: [], unknown: false };
  for (const option of parsed.options) {
    const field = option.value;
    if (!field || !['-f', '--raw-field', '-F', '--field'].includes(option.name)) continue;
    const value = field.value.slice(field.value.indexOf('=') + 1);
    // `-f` is always a string; only `-F` reads `@file`.
    if (value.startsWith('@') && (option.name === '-F' || option.name === '--field')) bodyPart(ctx, command, field, value, body);
    else body.texts.push(field.value);
    if (runtimeWord(field)) body.unknown = true;
  }
  for (const input of values(parsed, '--input')) bodyPart(ctx, command, input, `@${input.value}`, body);
  const explicit = values(parsed, '-X', '--method')[0]?.value.toUpperCase();
  const hasBody = body.texts.length > 0 || body.unknown;
  const method = explicit ?? (hasBody ? 'POST' : 'GET');
  if (runtimeWord(endpoint)) return method === 'GET' ? undefined : { rule: 'pr-merge', reason: `the API endpoint ${JSON.stringify(endpoint.raw)} is only known at run time and the request writes` };
  return judgeApiRequest({ endpoint: endpoint.value, method, body });
}

const GH_GLOBAL_VALUED = optionSet('-R', '--repo', '-b', '--body', '-F', '--body-file', '-t', '--title', '--match-head-commit', '--author-email', '-A', '--subject');

function gh(command: EffectiveCommand, ctx: BashContext): Finding | undefined {
  const words = command.words;
  const parsed = parseArgs(words, GH_GLOBAL_VALUED);
  const [group, action] = parsed.operands.map((w) => w.value);
  if (group === 'api') return apiCommand(command, ctx, words.slice(words.findIndex((w) => w.value === 'api') + 1));
  if (group === 'pr' && action === 'merge') return { rule: 'pr-merge', reason: 'gh pr merge merges a pull request' };
  if (group === 'pr' && action === 'review') {
    const approves = parsed.options.some((o) => o.name === '--approve' || o.name === '-a');
    if (approves) return { rule: 'pr-approve', reason: 'gh pr review --approve approves a pull request' };
  }
  if (group === 'alias' && action === 'set') {
    const expansion = parsed.operands.slice(3).map((w) => w.value).join(' ') || parsed.operands[3]?.value || '';
    if (/\bpr\s+merge\b|\bpr\s+review\b|\bapi\b/.test(expansion)) return { rule: 'pr-merge', reason: `gh alias set defines a shortcut for ${JSON.stringify(expansion)}` };
  }
  return undefined;
}

function glab(command: EffectiveCommand, ctx: BashContext): Finding | undefined {
  const words = command.words;
  const parsed = parseArgs(words, optionSet('-R', '--repo', '-m', '--message', '-d', '--description', '-t', '--title', '--sha'));
  const [group, action] = parsed.operands.map((w) => w.value);
  if (group === 'api') return apiCommand(command, ctx, words.slice(words.findIndex((w) => w.value === 'api') + 1));
  if ((group === 'mr' || group === 'merge-request') && (action === 'merge' || action === 'accept')) return { rule: 'pr-merge', reason: `glab mr ${action} merges a merge request` };
  if ((group === 'mr' || group === 'merge-request') && action === 'approve') return { rule: 'pr-approve', reason: 'glab mr approve approves a merge request' };
  return undefined;
}

// ---------------------------------------------------------------- HTTP clients

function curlRequest(command: EffectiveCommand, ctx: BashContext): ApiRequest[] {
  const parsed = parseArgs(command.words, CURL_VALUED);
  const body: Body = { texts: [], unknown: false };
  for (const option of parsed.options) {
    if (!option.value) continue;
    if (/^(-d|--data|--data-ascii|--data-binary|--json|--data-urlencode)$/.test(option.name)) bodyPart(ctx, command, option.value, option.value.value, body);
    else if (option.name === '--data-raw' || option.name === '--form-string') body.texts.push(option.value.value);
    else if (option.name === '-F' || option.name === '--form') body.texts.push(option.value.value);
    else if (option.name === '-T' || option.name === '--upload-file') bodyPart(ctx, command, option.value, `@${option.value.value}`, body);
  }
  const explicit = values(parsed, '-X', '--request')[0]?.value.toUpperCase();
  const uploads = has(parsed, '-T', '--upload-file');
  const method = explicit ?? (uploads ? 'PUT' : body.texts.length > 0 || body.unknown ? 'POST' : 'GET');
  return [...values(parsed, '--url'), ...parsed.operands].map((url) => ({ endpoint: url.value, method, body }));
}

function wgetRequest(command: EffectiveCommand, ctx: BashContext): ApiRequest[] {
  const parsed = parseArgs(command.words, WGET_VALUED);
  const body: Body = { texts: [], unknown: false };
  for (const word of values(parsed, '--post-data', '--body-data')) body.texts.push(word.value);
  for (const word of values(parsed, '--post-file', '--body-file')) bodyPart(ctx, command, word, `@${word.value}`, body);
  const method = values(parsed, '--method')[0]?.value.toUpperCase() ?? (body.texts.length > 0 || body.unknown ? 'POST' : 'GET');
  return parsed.operands.map((url) => ({ endpoint: url.value, method, body }));
}

function httpieRequest(command: EffectiveCommand, ctx: BashContext): ApiRequest[] {
  const parsed = parseArgs(command.words, HTTPIE_VALUED);
  const [first, ...rest] = parsed.operands;
  if (!first) return [];
  const explicit = /^[A-Z]+$/.test(first.value) ? first.value : undefined;
  const url = explicit ? rest.shift() : first;
  if (!url) return [];
  const body: Body = { texts: [], unknown: false };
  for (const item of rest) {
    const match = /^[^=:@]*(:=@|=@|@|:=|=)(.*)$/s.exec(item.value);
    if (!match) continue;
    if (match[1]!.endsWith('@')) bodyPart(ctx, command, item, `@${match[2]}`, body);
    else body.texts.push(item.value);
  }
  return [{ endpoint: url.value, method: explicit ?? (body.texts.length > 0 || body.unknown ? 'POST' : 'GET'), body }];
}

// ---------------------------------------------------------------- git push

const PUSH_EVERYTHING = new Set(['--all', '--mirror', '--branches']);

/** Branch names that are the default branch: main, master, and whatever `origin/HEAD` points at. */
function defaultBranches(ctx: BashContext, gitDirs: readonly string[]): Set<string> {
  const names = new Set(['main', 'master']);
  for (const dir of gitDirs) {
    const head = ctx.fs.readText(posix.join(dir, 'refs/remotes/origin/HEAD'), 4096);
    const match = head && /^ref:\s*refs\/remotes\/origin\/(\S+)/.exec(head);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** The `.git` directories above the places the command may run. */
function gitDirsAt(ctx: BashContext, starts: readonly string[]): string[] {
  const found: string[] = [];
  for (const start of starts) {
    for (let dir = start; ; dir = posix.dirname(dir)) {
      const gitDir = posix.join(dir, '.git');
      if (ctx.fs.kind(gitDir) === 'dir') {
        found.push(gitDir);
        break;
      }
      if (dir === '/') break;
    }
  }
  return found;
}

/** The branch checked out, when `.git/HEAD` says so. */
function currentBranches(ctx: BashContext, gitDirs: readonly string[]): string[] {
  return gitDirs.map((dir) => ctx.fs.readText(posix.join(dir, 'HEAD'), 4096)).flatMap((head) => {
    const match = head && /^ref:\s*refs\/heads\/(\S+)/.exec(head);
    return match ? [match[1]!] : [];
  });
}

/** Where a refspec's destination lands, as a short branch name (`+HEAD:refs/heads/main` → `main`). */
export function pushDestination(refspec: string): string {
  const spec = refspec.replace(/^\+/, '');
  const colon = spec.lastIndexOf(':');
  const dst = colon === -1 ? spec : spec.slice(colon + 1);
  return dst.replace(/^refs\//, '').replace(/^heads\//, '');
}

function gitPush(command: EffectiveCommand, ctx: BashContext): Array<{ finding: Finding; span: Span }> {
  const invocation = gitInvocation(command, ctx);
  if (!invocation || invocation.sub !== 'push') return [];
  const parsed = parseArgs(invocation.args, GIT_REMOTE_VALUED.push!);
  if (has(parsed, '-h', '--help')) return [];
  const gitDirs = gitDirsAt(ctx, invocation.gitDir ? [invocation.gitDir] : cwdsAt(ctx, command.start));
  const protectedNames = defaultBranches(ctx, gitDirs);
  const span = commandSpan(command);
  const findings: Array<{ finding: Finding; span: Span }> = [];
  const everything = parsed.options.find((o) => PUSH_EVERYTHING.has(o.name));
  if (everything) findings.push({ finding: { rule: 'push-to-default-branch', reason: `git push ${everything.name} pushes every branch, the default branch included` }, span });
  const repoGiven = values(parsed, '--repo').length > 0;
  const refspecs = repoGiven ? parsed.operands : parsed.operands.slice(1);
  const current = currentBranches(ctx, gitDirs);
  if (refspecs.length === 0 && !everything && !has(parsed, '--tags')) {
    for (const branch of current) {
      if (protectedNames.has(branch)) findings.push({ finding: { rule: 'push-to-default-branch', reason: `git push pushes the checked-out branch ${branch}, the default branch` }, span });
    }
  }
  for (const word of refspecs) {
    if (runtimeWord(word)) {
      findings.push({ finding: { rule: 'push-to-default-branch', reason: `git push to ${JSON.stringify(word.raw)}, a branch only known at run time, may push to the default branch` }, span: spanOf(word) });
      continue;
    }
    let dst = pushDestination(word.value);
    if ((dst === 'HEAD' || dst === '@') && current.length > 0) dst = current[0]!;
    const glob = dst.includes('*') && [...protectedNames].some((name) => new RegExp(`^${dst.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name));
    if (protectedNames.has(dst) || glob) {
      findings.push({ finding: { rule: 'push-to-default-branch', reason: `git push ${word.value} pushes to the default branch ${protectedNames.has(dst) ? dst : 'through a pattern'}` }, span: spanOf(word) });
    }
  }
  return findings;
}

// ---------------------------------------------------------------- the check

export const mergeApproval: BashCheck = {
  name: 'merge-approval',
  command(command, ctx) {
    if (command.dynamic) return [];
    const span = commandSpan(command);
    const hit = (finding: Finding | undefined, at: Span = span): Hit[] => (finding ? [{ category: 'merge-approval', rule: finding.rule, reason: finding.reason, span: at }] : []);
    switch (command.program) {
      case 'gh':
        return hit(gh(command, ctx));
      case 'glab':
        return hit(glab(command, ctx));
      case 'curl':
        return curlRequest(command, ctx).flatMap((request) => hit(judgeApiRequest(request)));
      case 'wget':
        return wgetRequest(command, ctx).flatMap((request) => hit(judgeApiRequest(request)));
      case 'http':
      case 'https':
      case 'xh':
      case 'xhs':
        return httpieRequest(command, ctx).flatMap((request) => hit(judgeApiRequest(request)));
      case 'git':
        return gitPush(command, ctx).flatMap(({ finding, span: at }) => hit(finding, at));
      default:
        return [];
    }
  },
};
