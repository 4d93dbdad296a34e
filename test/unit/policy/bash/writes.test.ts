// Files written by Bash commands: redirections and file-writing programs against the write scope and protected paths.

import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { fileWrites, readArgs, sedWriteFiles } from '../../../../src/policy/bash/writes.js';
import { virtualFs, type VirtualEntry } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string, files: Record<string, VirtualEntry> = {}, cwd = '/repo') {
  return judgeBash(policy, { command, cwd, home: '/home/agent' }, virtualFs(files), [fileWrites]);
}

describe('file-writes: denied', () => {
  it.each([
    // redirections
    ['printf "set -x\\n" >> ~/.bash_profile', 'write-scope', 'outside-repository'],
    ['ls > /var/tmp/listing', 'write-scope', 'outside-repository'],
    ['echo "[core]" > .git/config', 'protected-path', 'protected-path'],
    ['echo ok 2> .husky/pre-commit', 'protected-path', 'protected-path'],
    ['date &>> docs/CLAUDE.md', 'protected-path', 'protected-path'],
    ['cat x >| .gitlab-ci.yml', 'protected-path', 'protected-path'],
    ['echo x >& .mcp.json', 'protected-path', 'protected-path'],
    ['exec 2> ../escape.log', 'write-scope', 'outside-repository'],
    ['cd .claude && echo "{}" > settings.json', 'protected-path', 'protected-path'],
    ['echo x > "$OUT_FILE"', 'write-scope', 'unresolved-write-target'],
    ['bash -c "echo hi > ~/.profile"', 'write-scope', 'outside-repository'],
    ['echo x > libs/nested/.git/hooks/pre-push', 'protected-path', 'protected-path'],
    // programs
    ['ls | tee -a /etc/motd', 'write-scope', 'outside-repository'],
    ['sed -Ei "s/a/b/" .vscode/tasks.json', 'protected-path', 'protected-path'],
    ['sed -e "s/a/b/" --in-place=.orig AGENTS.md', 'protected-path', 'protected-path'],
    ['sed -n "/key/w /home/agent/notes" src/a.ts', 'write-scope', 'outside-repository'],
    ['ruby -i.bak -pe "gsub(/x/, %q(y))" .claude/commands/x.md', 'protected-path', 'protected-path'],
    ['perl -I lib -0pi -e "s/a/b/" .github/dependabot.yml', 'protected-path', 'protected-path'],
    ['ruby -r set -pi -e "x" .mcp.json', 'protected-path', 'protected-path'],
    ['cp --target-directory=/usr/local/bin tools/node', 'write-scope', 'outside-repository'],
    ['cp -r templates/.devcontainer ./', 'protected-path', 'protected-path'],
    ['mv docs/notes.md ../notes.md', 'write-scope', 'outside-repository'],
    ['mv .husky/pre-commit docs/', 'protected-path', 'protected-path'],
    ['install -Dm755 bin/tool /home/agent/bin/tool', 'write-scope', 'outside-repository'],
    ['ln -s /etc/passwd src/passwd', 'write-scope', 'outside-repository'],
    ['rsync -av --delete build/ /srv/www/', 'write-scope', 'outside-repository'],
    ['tar xzf vendor.tgz -C /opt', 'write-scope', 'outside-repository'],
    ['tar -xf bundle.tar --directory=.github', 'protected-path', 'protected-path'],
    ['cd .. && tar -xf repo/bundle.tar', 'write-scope', 'outside-repository'],
    ['tar -czf /home/agent/out.tgz src', 'write-scope', 'outside-repository'],
    ['unzip -q assets.zip -d /home/agent/assets', 'write-scope', 'outside-repository'],
    ['dd if=/dev/urandom of=../blob bs=1k count=1', 'write-scope', 'outside-repository'],
    ['truncate --size=0 .github/CODEOWNERS', 'protected-path', 'protected-path'],
    ['touch /home/agent/.hushlogin', 'write-scope', 'outside-repository'],
    ['mkdir -p .claude/agents', 'protected-path', 'protected-path'],
    ['patch -p1 -d .github < fix.patch', 'protected-path', 'protected-path'],
    ['vim -es -c "wq" cordon.yml', 'protected-path', 'protected-path'],
    ['chmod 600 .git/hooks/post-merge', 'protected-path', 'protected-path'],
    ['chmod -x .husky/pre-commit', 'protected-path', 'protected-path'],
    ['chattr +i CLAUDE.md', 'protected-path', 'protected-path'],
    ['sort -u -o /home/agent/.ssh/config hosts.txt', 'secret-access', 'secret-path'],
    ['uniq -d input.txt /etc/issue', 'write-scope', 'outside-repository'],
    ['split -b 1m big.bin /home/agent/part-', 'write-scope', 'outside-repository'],
    ['curl -sSLo /usr/local/bin/tool https://example.com/tool', 'write-scope', 'outside-repository'],
    ['wget -q -O ~/.local/bin/x https://example.com/x', 'write-scope', 'outside-repository'],
    ['openssl req -new -x509 -out /etc/ssl/x.crt', 'write-scope', 'outside-repository'],
    ['gzip /home/agent/.bash_history', 'write-scope', 'outside-repository'],
    ['find src -name "*.ts" -fls ../listing.txt', 'write-scope', 'outside-repository'],
    ['find .husky -type f -exec sed -i "s/x/y/" {} \\;', 'protected-path', 'protected-path'],
    ['gawk \'{ print $0 >> "/home/agent/.profile" }\' x.txt', 'write-scope', 'outside-repository'],
    ['crontab /repo/jobs.cron', 'write-scope', 'crontab'],
    ['rm AGENTS.md', 'protected-path', 'protected-path'],
    ['unlink ../sibling/file', 'write-scope', 'outside-repository'],
    // git
    ['git config user.name bot', 'protected-path', 'protected-path'],
    ['git config --unset core.hooksPath', 'protected-path', 'protected-path'],
    ['git config set core.editor vim', 'protected-path', 'protected-path'],
    ['git -C packages/api config commit.gpgsign false', 'protected-path', 'protected-path'],
    ['git config --global user.email x@example.com', 'write-scope', 'outside-repository'],
    ['git config --system core.pager cat', 'write-scope', 'outside-repository'],
    ['git config -f .gitmodules.local x.y z', 'allow', ''],
    ['git remote add upstream https://example.com/x.git', 'protected-path', 'protected-path'],
    ['git checkout HEAD~3 -- .claude/settings.json', 'protected-path', 'protected-path'],
    ['git restore -s main CLAUDE.md', 'protected-path', 'protected-path'],
    ['git rm -r .devcontainer', 'protected-path', 'protected-path'],
    ['git mv .github/workflows/ci.yml ci.yml', 'protected-path', 'protected-path'],
    ['git diff --output=/home/agent/diff.txt', 'write-scope', 'outside-repository'],
    ['git format-patch -o ../patches HEAD~2', 'write-scope', 'outside-repository'],
    ['git worktree add ../hotfix', 'write-scope', 'outside-repository'],
    // tool and agent configuration
    ['npm config set ignore-scripts false', 'secret-access', 'secret-path'],
    ['pnpm config set registry https://example.com --location project', 'secret-access', 'secret-path'],
    ['pip3 config --global set global.timeout 60', 'write-scope', 'outside-repository'],
    ['claude mcp add -s project files -- node server.js', 'protected-path', 'protected-path'],
    ['claude config set -g theme dark', 'write-scope', 'outside-repository'],
    ['claude -p "fix the build" --dangerously-skip-permissions', 'protected-path', 'agent-tampering'],
    ['claude --bare -p hello', 'protected-path', 'agent-tampering'],
    ['claude --permission-mode bypassPermissions -p hi', 'protected-path', 'agent-tampering'],
  ] as const)('%s', (command, category, rule) => {
    const verdict = judge(command);
    if (category === 'allow') {
      expect(verdict.decision).toBe('allow');
      return;
    }
    expect(verdict.decision).toBe('deny');
    expect(verdict.category).toBe(category);
    expect(verdict.rule).toBe(rule);
    expect(verdict.span).toBeDefined();
  });

  it('judges a redirection through a symlink by where it lands', () => {
    const verdict = judge('echo x > docs/wf/ci.yml', { '/repo/docs/wf': { symlink: '/repo/.github/workflows' } });
    expect(verdict).toMatchObject({ decision: 'deny', category: 'protected-path' });
  });

  it('judges the hook cwd', () => {
    expect(judge('echo x > deploy.yml', {}, '/repo/.github/workflows')).toMatchObject({ decision: 'deny', category: 'protected-path' });
  });
});

describe('file-writes: allowed', () => {
  it.each([
    'npm test > /dev/null 2>&1',
    'make 2>&1 | tee build.log',
    'echo done >&2',
    'exec 3>&-',
    'echo x > /dev/stderr',
    'cat > src/util.ts <<\'EOF\'\nexport const x = 1;\nEOF',
    'echo "echo hi > ~/.bashrc" > docs/example.md',
    'git commit -m "write to ~/.bashrc and .git/config"',
    'grep -rn ".github/workflows" src > report.txt',
    'sed -i "s/old/new/g" src/*.ts',
    'sed -n "1,20p" CLAUDE.md',
    'sed "s/w x/y/" src/a.ts',
    'perl -ne "print if /x/" AGENTS.md',
    'cp CLAUDE.md docs/claude-notes.md',
    'cp .github/workflows/ci.yml docs/ci-copy.yml',
    'mv build/out.js dist/',
    'install -d dist/bin',
    'ln -s ../lib/index.ts src/index.ts',
    'rsync -a --exclude node_modules src/ build/src/',
    'tar -xzf fixtures.tgz -C test/tmp',
    'tar -tvf fixtures.tgz',
    'unzip -l fixtures.zip',
    'zip -r dist/app.zip dist/app',
    'touch src/new.ts && mkdir -p src/new',
    'chmod +x scripts/*.sh',
    'chmod -R u+w build',
    'sort -o data/sorted.txt data/raw.txt',
    'uniq data/raw.txt data/unique.txt',
    'curl -o vendor/x.tgz https://example.com/x.tgz',
    'find . -name "*.log" -fprint logs/list.txt',
    'find src -name "*.ts" -exec sed -i "s/a/b/" {} +',
    'awk \'{ print > "out/" $1 ".txt" }\' data.txt',
    'awk \'NR > 1 { print $2 }\' data.csv',
    'rm -f *.log',
    'rm build/tmp.txt',
    'crontab -l',
    'git config --get user.email',
    'git config --list --show-origin',
    'git config user.email',
    'git config get user.name',
    'git remote -v',
    'git remote show origin',
    'git checkout -b feature/x',
    'git checkout -- src/a.ts',
    'git restore --staged .github/workflows/ci.yml',
    'git rm --cached .env.example',
    'git log -1 --output=notes/last-commit.txt',
    'npm config get registry',
    'pip config list',
    'claude mcp list',
    'claude -p "summarise the diff"',
    'gzip -c data/big.json > data/big.json.gz',
    'for f in src/*.ts; do sed -i "s/a/b/" "$f"; done',
  ])('%s', (command) => {
    expect(judge(command)).toMatchObject({ decision: 'allow' });
  });
});

describe('helpers', () => {
  it('reads short groups, attached values and long options', () => {
    const words = ['-xzf', 'a.tgz', '-Cdir', '--file=b', '--', '-c'].map((value, i) => ({ value, raw: value, start: i * 10, dynamic: false }));
    const args = readArgs(words, ['f', 'C', 'file']);
    expect([...args.flags]).toEqual(expect.arrayContaining(['x', 'z', 'f', 'C', 'file']));
    expect(args.values.get('f')?.map((w) => w.value)).toEqual(['a.tgz']);
    expect(args.values.get('C')?.map((w) => [w.value, w.start])).toEqual([['dir', 22]]);
    expect(args.values.get('file')?.map((w) => w.value)).toEqual(['b']);
    expect(args.operands.map((w) => w.value)).toEqual(['-c']);
  });

  it.each([
    ['w out.txt', ['out.txt']],
    ['/re/w out.txt', ['out.txt']],
    ['s/a/b/gw out.txt', ['out.txt']],
    ['1,5p', []],
    ['s/now here/x/', []],
  ])('sed script %s writes %j', (script, files) => {
    expect(sedWriteFiles(script)).toEqual(files);
  });
});
