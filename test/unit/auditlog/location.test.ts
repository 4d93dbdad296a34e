// defaultLogPath: where the log goes by default, and its refusal of paths the agent could edit.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLogError } from '../../../src/auditlog/errors.js';
import { defaultLogPath, logPath, type Env } from '../../../src/auditlog/location.js';

let root: string;
let repo: string;
let home: string;

beforeEach(() => {
  // realpath: on macOS the temporary directory itself sits behind a symlink.
  root = realpathSync(mkdtempSync(join(tmpdir(), 'cordon-location-')));
  repo = join(root, 'repo');
  home = join(root, 'home');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
  mkdirSync(home);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function refusal(env: Env, cwd: string): string {
  try {
    defaultLogPath(env, cwd);
  } catch (error) {
    if (error instanceof AuditLogError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('defaultLogPath: where', () => {
  it.each([
    ['CORDON_LOG first', { CORDON_LOG: '/ABS/logs/a.jsonl', XDG_STATE_HOME: '/ABS/xdg' }, 'logs/a.jsonl'],
    ['CORDON_LOG with ~', { CORDON_LOG: '~/a.jsonl' }, 'home/a.jsonl'],
    ['then XDG_STATE_HOME', { XDG_STATE_HOME: '/ABS/xdg' }, 'xdg/cordon/audit.jsonl'],
    ['a relative XDG_STATE_HOME is ignored', { XDG_STATE_HOME: 'xdg' }, 'home/.local/state/cordon/audit.jsonl'],
    ['then HOME', {}, 'home/.local/state/cordon/audit.jsonl'],
  ])('%s', (_name, env, expected) => {
    const resolved = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value.replace('/ABS', root)]));
    expect(defaultLogPath({ HOME: home, ...resolved }, repo)).toBe(join(root, expected));
  });
});

describe('defaultLogPath: refuses the work tree', () => {
  it('a CORDON_LOG inside the repository, absolute or relative', () => {
    expect(refusal({ HOME: home, CORDON_LOG: join(repo, 'audit.jsonl') }, repo)).toBe('log-in-repository');
    expect(refusal({ HOME: home, CORDON_LOG: 'audit.jsonl' }, repo)).toBe('log-in-repository');
    expect(refusal({ HOME: home, CORDON_LOG: 'not/yet/there.jsonl' }, repo)).toBe('log-in-repository');
  });

  it('the whole work tree, not only cwd', () => {
    expect(refusal({ HOME: home, CORDON_LOG: join(repo, 'other.jsonl') }, join(repo, 'src', 'deep'))).toBe('log-in-repository');
    expect(refusal({ HOME: home, CORDON_LOG: join(root, 'outside.jsonl') }, join(repo, 'src', 'deep'))).toBe('accepted');
  });

  it('a HOME or XDG_STATE_HOME inside the repository', () => {
    expect(refusal({ HOME: join(repo, 'home') }, repo)).toBe('log-in-repository');
    expect(refusal({ HOME: home, XDG_STATE_HOME: join(repo, 'state') }, repo)).toBe('log-in-repository');
  });

  it('a path that reaches the repository through a symlink', () => {
    symlinkSync(join(repo, 'src'), join(root, 'link'));
    expect(refusal({ HOME: home, CORDON_LOG: join(root, 'link', 'audit.jsonl') }, repo)).toBe('log-in-repository');
    // `..` after the link goes up from the link's target, as the kernel does: into the repository.
    expect(refusal({ HOME: home, CORDON_LOG: `${join(root, 'link')}/../audit.jsonl` }, repo)).toBe('log-in-repository');
    // The same spelled without the link is outside.
    expect(refusal({ HOME: home, CORDON_LOG: `${join(root, 'home')}/../audit.jsonl` }, repo)).toBe('accepted');
  });

  it('a worktree whose .git is a file', () => {
    const worktree = join(root, 'worktree');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), 'gitdir: ../repo/.git/worktrees/w\n');
    expect(refusal({ HOME: home, CORDON_LOG: join(worktree, 'a.jsonl') }, worktree)).toBe('log-in-repository');
  });

  it('cwd itself when it is in no repository', () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    expect(refusal({ HOME: home, CORDON_LOG: join(plain, 'a.jsonl') }, plain)).toBe('log-in-repository');
    expect(refusal({ HOME: home }, plain)).toBe('accepted');
  });
});

describe('logPath', () => {
  it('takes an explicit --log as given, inside the repository too', () => {
    expect(logPath('audit.jsonl', { HOME: home }, repo)).toBe(join(repo, 'audit.jsonl'));
    expect(logPath(undefined, { HOME: home }, repo)).toBe(join(home, '.local', 'state', 'cordon', 'audit.jsonl'));
  });
});
