import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { privilege, setsIdBit } from '../../../../src/policy/bash/privilege.js';
import { virtualFs } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const fs = virtualFs({ '/repo/src/index.ts': 'export {}' });
const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement' } }), '/repo');

function judge(command: string) {
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, fs, [privilege]);
}

describe('setsIdBit', () => {
  it.each([
    ['u+s', true],
    ['g=rwxs', true],
    ['a+rs', true],
    ['go-w,u+s', true],
    ['+s', true],
    ['4755', true],
    ['02775', true],
    ['6711', true],
    ['u-s', false],
    ['+x', false],
    ['1777', false],
    ['755', false],
    ['o+t', false],
  ])('%s → %s', (mode, expected) => {
    expect(setsIdBit(mode)).toBe(expected);
  });
});

describe('privilege escalation', () => {
  it.each([
    ['sudo -n -l', 'run-as-other-user'],
    ['env LANG=C sudo make install', 'run-as-other-user'],
    ['timeout 5 su - deploy', 'run-as-other-user'],
    ['doas -u www id', 'run-as-other-user'],
    ['setpriv --reuid=0 id', 'run-as-other-user'],
    ['newgrp docker', 'run-as-other-user'],
    ['chmod -R 4755 out/', 'setuid'],
    ['chmod a+rs bin/tool', 'setuid'],
    ['install -m 6755 build/tool bin/tool', 'setuid'],
    ['chown 0:0 bin/tool', 'setuid'],
    ['setcap cap_setuid+ep bin/tool', 'setuid'],
    ['unshare -Urm bash', 'namespaces'],
    ['chroot /mnt/root /bin/sh', 'namespaces'],
    ['mount -t tmpfs none /repo/tmp', 'mount'],
    ['modprobe -r apparmor', 'kernel-module'],
    ['sysctl kernel.yama.ptrace_scope=0', 'kernel-settings'],
    ['sysctl -p /repo/sysctl.conf', 'kernel-settings'],
    ['ufw disable', 'firewall'],
    ['ip route add default via 10.0.0.1', 'network-config'],
    ['adduser agent sudo', 'account'],
    ['chpasswd < users.txt', 'account'],
    ['systemctl --user enable --now agent.service', 'service-control'],
    ['systemctl daemon-reload', 'service-control'],
    ['service nginx restart', 'service-control'],
    ['launchctl load ~/Library/LaunchAgents/x.plist', 'service-control'],
    ['docker ps', 'container-daemon'],
    ['docker compose up -d', 'container-daemon'],
    ['podman run -v /:/host alpine', 'container-daemon'],
    ['socat - UNIX-CONNECT:/run/containerd/containerd.sock', 'container-daemon'],
    ['curl -s http://localhost:2375/images/json', 'container-daemon'],
    ['DOCKER_HOST=tcp://10.0.0.5:2376 make deploy', 'container-daemon'],
    ['echo "agent ALL=(ALL) NOPASSWD: ALL" | tee /etc/sudoers.d/agent', 'privilege-file'],
    ['echo /repo/evil.so > /etc/ld.so.preload', 'privilege-file'],
    ['codex exec --dangerously-bypass-approvals-and-sandbox "fix it"', 'nested-agent'],
    ['claude -p "summarise the diff"', 'nested-agent'],
    ['CLAUDE_CONFIG_DIR=/tmp/c claude -p hi', 'nested-agent'],
  ])('%s → %s', (command, rule) => {
    const verdict = judge(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.category).toBe('privilege');
    expect(verdict.rule).toBe(rule);
  });

  it.each([
    'chmod +x scripts/build.sh',
    'chmod -R u+w,go-w dist',
    'chmod 1777 tmp-cache',
    'chmod u-s bin/tool',
    'chown -R $(id -u) dist',
    'install -m 755 build/tool dist/tool',
    'mount',
    'sysctl -n kernel.osrelease',
    'iptables -L -n',
    'ip addr show',
    'systemctl status nginx',
    'systemctl is-active --quiet docker',
    'service --status-all',
    'docker --version',
    'claude --version',
    'echo "use sudo -u deploy to restart"',
    'grep -rn "docker.sock" docs/',
    'git log --grep="chmod u+s"',
    "cat > Dockerfile <<'EOF'\nFROM alpine\nRUN chmod u+s /bin/x && useradd app\nEOF",
    'cat /etc/passwd',
    'echo ok > build/sudoers.txt',
  ])('allows %s', (command) => {
    expect(judge(command).decision).toBe('allow');
  });
});
