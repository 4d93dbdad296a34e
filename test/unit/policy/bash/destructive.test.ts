// Destructive Bash commands: recursive deletes, git history rewrites, disk tools, recursive permission changes, fork bombs.

import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { effectiveCommands } from '../../../../src/policy/bash-commands.js';
import { destructiveCommands, forkBombs, worldWritable } from '../../../../src/policy/bash/destructive.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { fileWrites } from '../../../../src/policy/bash/writes.js';
import { virtualFs, type VirtualEntry } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string, cwd = '/repo', files: Record<string, VirtualEntry> = {}) {
  return judgeBash(policy, { command, cwd, home: '/home/agent' }, virtualFs(files), [destructiveCommands]);
}

describe('destructive-commands: denied', () => {
  it.each([
    ['rm -Rfv /var/lib', 'recursive-delete'],
    ['rm --force --recursive -- ~/projects', 'recursive-delete'],
    ['rm -r -f ../', 'recursive-delete'],
    ['rm -rf ./', 'recursive-delete'],
    ['rm -rf ./*', 'recursive-delete'],
    ['rm -rf /repo/', 'recursive-delete'],
    ['rm -rf .git/objects', 'recursive-delete'],
    ['rm -rf "$TARGET"', 'recursive-delete'],
    ['rm -rf "$(git rev-parse --show-toplevel)"', 'recursive-delete'],
    ['rm -rf lib/../../etc', 'recursive-delete'],
    ['cd /home && rm -rf agent', 'recursive-delete'],
    ['git ls-files -o | xargs rm -r', 'recursive-delete'],
    ['sh -c "rm -fr \\$HOME"', 'recursive-delete'],
    ['find /home/agent -name "*.log" -delete', 'recursive-delete'],
    ['find . -delete', 'recursive-delete'],
    ['find -type f -exec rm -f {} +', 'recursive-delete'],
    ['find ../.. -maxdepth 2 -execdir rm -rf {} \\;', 'recursive-delete'],
    ['find .git -type f -delete', 'recursive-delete'],
    ['git push origin HEAD --force', 'force-push'],
    ['git push -fu origin feature', 'force-push'],
    ['git push --force-with-lease=main:abc origin main', 'force-push'],
    ['git push origin +HEAD:main', 'force-push'],
    ['git push origin :refs/heads/release', 'force-push'],
    ['git push -d origin old', 'force-push'],
    ['git -C packages/api push --mirror backup', 'force-push'],
    ['git reset --hard HEAD~1', 'hard-reset'],
    ['git reset abc123 --hard', 'hard-reset'],
    ['git clean -dxf', 'clean-ignored'],
    ['git clean -f -X', 'clean-ignored'],
    ['git reflog delete HEAD@{1}', 'history-rewrite'],
    ['git gc --prune=all', 'history-rewrite'],
    ['git filter-repo --path secrets.txt --invert-paths', 'history-rewrite'],
    ['git update-ref --delete refs/heads/main', 'history-rewrite'],
    ['mkfs -t ext4 /dev/nvme0n1p1', 'disk-format'],
    ['blkdiscard /dev/sdb', 'disk-format'],
    ['parted /dev/sda rm 1', 'disk-format'],
    ['chmod -R a+w src', 'world-writable'],
    ['chmod --recursive 0777 .', 'world-writable'],
    ['chmod -R 755 /usr/local', 'recursive-permissions'],
    ['chown -R agent ~/', 'recursive-permissions'],
    [':(){ :|:& };:', 'fork-bomb'],
    ['bomb() { bomb | bomb & }; bomb', 'fork-bomb'],
    ['function f { f & f; }; f', 'fork-bomb'],
    ['bash -c \'x(){ x|x& };x\'', 'fork-bomb'],
  ])('%s → %s', (command, rule) => {
    const verdict = judge(command);
    expect(verdict).toMatchObject({ decision: 'deny', category: 'destructive', rule });
    expect(verdict.span).toBeDefined();
  });

  it('denies deleting a directory that holds the working directory', () => {
    expect(judge('rm -rf ..', '/repo/packages/web')).toMatchObject({ decision: 'deny', rule: 'recursive-delete' });
    expect(judge('rm -rf .', '/repo/packages/web')).toMatchObject({ decision: 'deny', rule: 'recursive-delete' });
  });

  it('denies a delete that a symlinked parent takes outside the repository', () => {
    expect(judge('rm -rf cache/data', '/repo', { '/repo/cache': { symlink: '/home/agent/.cache' } })).toMatchObject({ decision: 'deny', rule: 'recursive-delete' });
  });

  it('reports dd onto a disk as destructive through the write check', () => {
    const verdict = judgeBash(policy, { command: 'dd if=img.iso of=/dev/sdb bs=4M', cwd: '/repo', home: '/home/agent' }, virtualFs({}), [fileWrites]);
    expect(verdict).toMatchObject({ decision: 'deny', category: 'destructive', rule: 'disk-overwrite' });
  });
});

describe('destructive-commands: allowed', () => {
  it.each([
    'rm -rf dist node_modules/.cache',
    'rm -rf build/*',
    'rm -r src/legacy test/legacy',
    'rm -rf "$PWD/dist"',
    'rm -f /tmp/nothing-recursive-here',
    'OUT=dist; rm -rf "$OUT"',
    'for d in dist coverage; do rm -rf "$d"; done',
    'find . -name "*.pyc" -delete',
    'find src -type d -name __snapshots__ -exec rm -rf {} +',
    'find dist -delete',
    'git push origin feature/x',
    'git push -u origin HEAD',
    'git reset --hard',
    'git reset --hard HEAD',
    'git reset --soft HEAD~2',
    'git clean -fd',
    'git clean -ndx',
    'git reflog',
    'git gc',
    'git update-ref refs/heads/tmp HEAD',
    'git branch -d merged',
    'echo "rm -rf / and git push --force are blocked"',
    'git commit -m "drop git reset --hard origin/main from docs"',
    'chmod -R u+w dist',
    'chmod 777 tmp/socket',
    'chown -R agent build',
    'mkfs.ext4 -F test/fixtures/disk.img',
    'walk() { for d in "$1"/*; do [ -d "$d" ] && walk "$d" | sort; done; }; walk src',
    'log() { echo "$*" | tee -a build.log; }; log start',
  ])('%s', (command) => {
    expect(judge(command)).toMatchObject({ decision: 'allow' });
  });
});

describe('helpers', () => {
  it.each([
    ['777', true], ['0666', true], ['1777', true], ['755', false], ['0644', false],
    ['o+w', true], ['a+rwx', true], ['u+w,go-w', false], ['+w', false], ['o-w', false],
  ])('worldWritable(%s) is %s', (mode, expected) => {
    expect(worldWritable(mode)).toBe(expected);
  });

  it('finds fork bombs by their self-calls', () => {
    const text = 'f() { f | f & }; f';
    expect(forkBombs(text, effectiveCommands(text).commands)).toEqual(['f']);
    const plain = 'f() { echo f | grep f; }; f';
    expect(forkBombs(plain, effectiveCommands(plain).commands)).toEqual([]);
  });
});
