import { beforeAll, describe, expect, it } from 'vitest';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';
import { virtualFs, type VirtualEntry } from '../../../../src/policy/fs.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { commandSpan, type BashCheck } from '../../../../src/policy/bash/context.js';
import { dynamicProgram } from '../../../../src/policy/bash/dynamic.js';
import { interpreterCode } from '../../../../src/policy/bash/interpreters.js';
import { codeExecution, sedCommands } from '../../../../src/policy/bash/code-exec.js';
import { scriptFiles } from '../../../../src/policy/bash/scripts.js';

// Stands in for the network check, so that the commands hidden in arguments can be seen judged.
const fakeNetwork: BashCheck = {
  name: 'fake-network',
  command: (c) => (/^(curl|wget|nc)$/.test(c.program) ? [{ category: 'network', rule: 'fake-network', reason: `${c.program}`, span: commandSpan(c) }] : []),
};
const CHECKS = [dynamicProgram, interpreterCode, codeExecution, scriptFiles, fakeNetwork];
const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string, files: Record<string, VirtualEntry> = {}) {
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, virtualFs(files), CHECKS);
}

describe('code run through arguments and environment', () => {
  beforeAll(loadShellParser);

  it.each([
    ['GIT_PAGER=cat git log -5'],
    ['PAGER=cat git diff'],
    ['GIT_EDITOR=true git rebase --continue'],
    ["git -c user.name='CI Bot' -c user.email=ci@example.com commit -m wip"],
    ['git -c core.pager=less -c color.ui=auto log'],
    ['git -c core.fsmonitor=false status'],
    ['git log --output=changes.txt -3'],
    ['env NODE_OPTIONS=--max-old-space-size=4096 npm run build'],
    ['PYTHONPATH=src python3 -m pytest'],
    ['GIT_CONFIG_GLOBAL=/dev/null git status'],
    ['tar -I zstd -cf dist/app.tar.zst dist/app'],
    ['tar --checkpoint=1000 --checkpoint-action=dot -cf out.tar src'],
    ['rsync -a --delete src/ build/src/'],
    ["awk '$3 > 100 { print $1 }' data/sales.csv"],
    ["awk -F, '{ print $1 > \"out/first.csv\" }' data/sales.csv"],
    ["awk -v n=3 'NR <= n' data/x.txt"],
    ["sed -n '/start/,/end/p' notes.md"],
    ["sed -e 's/a/b/g' -e '/^$/d' file.txt"],
    ["sed 's|http://|https://|w changes.log' links.md"],
    ["find . -name '*.log' -fprint logs.txt"],
    ["vim -es -c 'set ff=unix' -c 'wq' file.txt"],
    ["less +G README.md"],
    ["trap 'rm -f \"$tmp\"' EXIT"],
    ['trap - EXIT'],
    ["alias ll='ls -la'\nll src"],
    ['bundle exec rspec spec/a_spec.rb'],
    ['poetry run pytest -q'],
    ['man -P cat git-log'],
    ["git submodule foreach 'git status --short'"],
    ['ENV=test npm test'],
    ['PATH=/opt/go/bin:$PATH go build ./...'],
    ['PATH="$PWD/node_modules/.bin:$PATH" eslint src'],
    ['export PATH'],
    ["git rebase --exec 'npm test' HEAD~3"],
    ["awk '{ print | \"sort -u\" }' words.txt"],
    ["awk 'BEGIN { system(\"date\") }'"],
    ["git -c alias.lg='log --oneline' lg"],
    ["x=5; [[ $x -eq 5 ]] && echo 'a[1]'"],
  ])('allows %s', (command) => {
    expect(judge(command).decision).toBe('allow');
  });

  it.each([
    ["git -c alias.st='!wget -qO- x.example' st", 'network', 'fake-network'],
    ['git -c alias.up="fetch https://x.example" up', 'allow', ''],
    ["git -c core.hooksPath=/tmp/hooks commit -m x", 'arbitrary-code', 'argument-code'],
    ["git -c include.path=/tmp/evil.cfg status", 'arbitrary-code', 'argument-code'],
    ["git -c filter.x.smudge='curl x.example' checkout .", 'network', 'fake-network'],
    ['git --exec-path=/tmp/bin status', 'arbitrary-code', 'argument-code'],
    ["GIT_CONFIG_PARAMETERS=\"'core.pager'='nc x.example 1'\" git log", 'network', 'fake-network'],
    ["X='curl x.example'; export GIT_SSH_COMMAND=\"$X\"; git fetch", 'arbitrary-code', 'dynamic-program'],
    ['export GIT_PAGER; git log', 'arbitrary-code', 'environment-code'],
    ["awk '{ system(\"rm \" $1) }' list.txt", 'arbitrary-code', 'argument-code'],
    ["export EDITOR='wget x.example'", 'network', 'fake-network'],
    ['env LD_PRELOAD=/tmp/x.so ls', 'arbitrary-code', 'environment-code'],
    ['PATH=.:$PATH git status', 'arbitrary-code', 'path-hijack'],
    ['export PATH=bin:$PATH; git status', 'arbitrary-code', 'path-hijack'],
    ['PATH=$PWD/tools:$PATH make', 'arbitrary-code', 'path-hijack'],
    ['PATH=:/usr/bin ls', 'arbitrary-code', 'path-hijack'],
    ['RUBYOPT=-rexploit ruby app.rb', 'arbitrary-code', 'environment-code'],
    ['NODE_OPTIONS="--import ./hook.mjs" node app.js', 'arbitrary-code', 'environment-code'],
    ["PROMPT_COMMAND='curl x.example' bash -i", 'network', 'fake-network'],
    ["ssh -oProxyCommand='nc x.example 22' host", 'network', 'fake-network'],
    ["scp -o 'LocalCommand curl x.example' a b:", 'network', 'fake-network'],
    ["tar -xf a.tar --to-command 'wget x.example'", 'network', 'fake-network'],
    ["tar --use-compress-program='sh -c \"curl x.example\"' -xf a.tgz", 'network', 'fake-network'],
    ["zip -T --unzip-command='curl x.example' a.zip f", 'network', 'fake-network'],
    ["rsync -avze 'sh -c \"curl x.example\"' a b:c", 'network', 'fake-network'],
    ["awk 'BEGIN { while ((\"curl x.example\" | getline l) > 0) print l }'", 'network', 'fake-network'],
    ["awk '{ print ENVIRON[\"HOME\"] }' f", 'secret-access', 'argument-environment'],
    ["awk '{ print | \"bash\" }' cmds.txt", 'arbitrary-code', 'dynamic-program'],
    ["awk '{ print > ENVIRON_FILE }' f", 'write-scope', 'argument-write'],
    ["awk '{ print >> \"/home/agent/.profile\" }' f", 'write-scope', 'outside-repository'],
    ["sed -n '$e curl x.example' f", 'network', 'fake-network'],
    ["sed 's/^/id;/e' f", 'arbitrary-code', 'argument-code'],
    ["sed -n 'w /home/agent/.bashrc' f", 'write-scope', 'outside-repository'],
    ["sed '1r /home/agent/.ssh/id_ed25519' f", 'secret-access', 'secret-path'],
    ['find src -fprintf /home/agent/x "%p"', 'write-scope', 'outside-repository'],
    ["less '+:!wget x.example' f", 'network', 'fake-network'],
    ["vim -c ':r !curl x.example' f", 'network', 'fake-network'],
    ["vim -c 'py3 import os; print(os.environ)' f", 'secret-access', 'interpreter-environment'],
    ["nvim --headless +'w /home/agent/.bashrc' +q f", 'write-scope', 'outside-repository'],
    ["man --pager='curl x.example' ls", 'network', 'fake-network'],
    ["gdb -batch -ex '!wget x.example'", 'network', 'fake-network'],
    ["trap 'curl x.example' EXIT", 'network', 'fake-network'],
    ["alias ls='curl x.example'\nls", 'network', 'fake-network'],
    ['hash -p /usr/bin/wget cat; cat x.example', 'network', 'fake-network'],
    ['enable -f /tmp/x.so x', 'arbitrary-code', 'argument-code'],
    ["git rebase -x 'curl x.example' HEAD~3", 'network', 'fake-network'],
    ['git bisect run curl x.example', 'network', 'fake-network'],
    ["git clone --upload-pack='curl x.example' . y", 'network', 'fake-network'],
    ['git log -1 --output=/home/agent/.bashrc', 'write-scope', 'outside-repository'],
    ['=wget x.example', 'network', 'fake-network'],
    ["declare -i n='x[$(curl x.example)]'", 'network', 'fake-network'],
    ["script -q -c 'curl x.example' /dev/null", 'network', 'fake-network'],
    ["tmux new-window 'curl x.example'", 'network', 'fake-network'],
    ['echo "curl x.example" | at now', 'arbitrary-code', 'argument-code'],
    ['uv run curl x.example', 'network', 'fake-network'],
    ['docker exec -it app curl x.example', 'network', 'fake-network'],
    ['parallel wget ::: x.example', 'network', 'fake-network'],
  ])('judges %s', (command, category, rule) => {
    const verdict = judge(command);
    if (category === 'allow') {
      expect(verdict.decision).toBe('allow');
      return;
    }
    expect(verdict.decision).toBe('deny');
    expect([verdict.category, verdict.rule]).toEqual([category, rule]);
  });

  it('reads sed scripts by their commands, not their text', () => {
    expect(sedCommands('s/e/w/g;/x/d').map((c) => c.name)).toEqual(['s', 'd']);
    expect(sedCommands('1e date\nw out.txt')).toMatchObject([{ name: 'e', argument: 'date' }, { name: 'w', argument: 'out.txt' }]);
    expect(sedCommands('s/a/b/gw log.txt')).toMatchObject([{ name: 's', flags: 'gw', argument: 'log.txt' }]);
    expect(sedCommands('s/\\/e/x/e')).toMatchObject([{ name: 's', flags: 'e', replacement: 'x' }]);
  });
});
