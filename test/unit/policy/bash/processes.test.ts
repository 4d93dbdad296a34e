import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { processControl } from '../../../../src/policy/bash/processes.js';
import { virtualFs } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const fs = virtualFs({ '/repo/src/index.ts': 'export {}' });
const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string) {
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, fs, [processControl]);
}

describe('process control', () => {
  it.each([
    ['kill 31337', 'kill'],
    ['kill -HUP 1', 'kill'],
    ['kill -- -1', 'kill'],
    ['kill -9 -1', 'kill'],
    ['kill -n 9 1', 'kill'],
    ['kill $$', 'kill'],
    ['PID=4821; kill $PID', 'kill'],
    ['node a.js & PID=$!; PID=1; kill $PID', 'kill'],
    ['node a.js & PID=$!; for PID in 1 2; do :; done; kill $PID', 'kill'],
    ['kill "$(cat server.pid)"', 'kill'],
    ['node a.js & kill %1 4821', 'kill'],
    ['ps -eo pid | tail -n1 | xargs kill', 'kill'],
    ['kill', 'kill'],
    ['pkill -u runner', 'kill'],
    ['killall -q node', 'kill'],
    ['env killall5', 'kill'],
    ['fuser -k 8080/tcp', 'kill'],
    ['strace -fp 42', 'ptrace'],
    ['ltrace -p 42', 'ptrace'],
    ['gdb -batch -p 42', 'ptrace'],
    ['gdb ./server 4242', 'ptrace'],
    ['gdb -ex "attach 1" -batch', 'ptrace'],
    ['perf record -p 1 -g', 'ptrace'],
    ['py-spy dump --pid 1', 'ptrace'],
    ['renice +10 4821', 'priority'],
    ['ionice -c3 -p 1', 'priority'],
    ['systemctl reboot', 'power'],
    ['systemctl --no-block poweroff', 'power'],
    ['init 6', 'power'],
    ['nohup shutdown -r +1', 'power'],
    ['echo o > /proc/sysrq-trigger', 'power'],
  ])('%s → %s', (command, rule) => {
    const verdict = judge(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.category).toBe('process-control');
    expect(verdict.rule).toBe(rule);
  });

  it.each([
    'npm run dev & sleep 3; npm run e2e; kill %1',
    'vite preview & npx playwright test; kill %%',
    'python3 -m http.server 8000 & sleep 1; curl -s localhost:8000; kill $!',
    'node server.js & SERVER_PID=$!\nnpx vitest run\nkill -TERM "$SERVER_PID"',
    'npm start & API="$!"; npm test; kill ${API}',
    'node a.js & node b.js & sleep 1; kill $(jobs -p)',
    'kill -0 4821',
    'kill -l',
    'strace -f -o trace.txt npm test',
    'ionice -c3 make -j4',
    'nice -n 10 npm test',
    'systemctl status docker',
    'echo "kill -9 -1 reboots nothing"',
    'grep -rn "pkill" scripts/',
    'git commit -m "stop calling shutdown in tests"',
  ])('allows %s', (command) => {
    expect(judge(command).decision).toBe('allow');
  });

  it('points at the pid that is not a job of this command', () => {
    const command = 'node a.js & kill %1 4821';
    expect(judge(command).span).toEqual({ start: command.indexOf('4821'), end: command.length });
  });
});
