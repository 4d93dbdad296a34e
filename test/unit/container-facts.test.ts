// Tables for the container helpers: mount parsing, credential paths, docker run flags, Dockerfile stages and names.

import { beforeAll, describe, expect, it } from 'vitest';
import {
  createdUsers,
  dockerRunFlags,
  expandVariables,
  finalChain,
  hasReference,
  isRootUser,
  isSecretName,
  mountHazard,
  parseAssignments,
  parseMountString,
  parseVolumeSpec,
  secretFile,
} from '../../src/audit/container-facts.js';
import { parseDockerfile } from '../../src/parse/dockerfile.js';
import { loadShellParser } from '../../src/parse/shell.js';

beforeAll(async () => {
  await loadShellParser();
});

describe('parseVolumeSpec', () => {
  it.each([
    ['~/.ssh:/root/.ssh:ro', { source: '~/.ssh', target: '/root/.ssh' }],
    ['${HOME:-/root}/.aws:/home/node/.aws', { source: '${HOME:-/root}/.aws', target: '/home/node/.aws' }],
    ['C:\\Users\\me:/host', { source: 'C:\\Users\\me', target: '/host' }],
    ['./src:/app', { source: './src', target: '/app' }],
    ['named-volume:/data', undefined],
    ['/anonymous', undefined],
  ])('%s', (spec, expected) => {
    expect(parseVolumeSpec(spec)).toEqual(expected);
  });
});

describe('parseMountString', () => {
  it('reads source/src, target/dst and type', () => {
    expect(parseMountString('source=${localEnv:HOME}/.kube,target=/home/node/.kube,type=bind,consistency=cached')).toEqual({ source: '${localEnv:HOME}/.kube', target: '/home/node/.kube', type: 'bind' });
    expect(parseMountString('type=bind,src=/var/run/docker.sock,dst=/var/run/docker.sock,readonly')).toEqual({ source: '/var/run/docker.sock', target: '/var/run/docker.sock', type: 'bind' });
  });
});

describe('mountHazard', () => {
  it.each([
    ['~', 'home'],
    ['$HOME/', 'home'],
    ['${localEnv:HOME}${localEnv:USERPROFILE}', 'home'],
    ['/home/runner', 'home'],
    ['/home', 'home'],
    ['/root', 'home'],
    ['~/.ssh', 'credentials'],
    ['${localEnv:HOME}/.aws/credentials', 'credentials'],
    ['$HOME/.config', 'credentials'],
    ['/Users/me/.config/gcloud', 'credentials'],
    ['~/.claude', 'credentials'],
    ['/var/run/docker.sock', 'socket'],
    ['//var/run/docker.sock', 'socket'],
    ['/run/user/1000/podman/podman.sock', 'socket'],
    ['/', 'hostRoot'],
    ['~/projects/app', undefined],
    ['~/.gitconfig', undefined],
    ['./.ssh', undefined],
    ['/srv/data', undefined],
    ['${localWorkspaceFolder}', undefined],
  ])('%s → %s', (source, kind) => {
    expect(mountHazard(source)?.kind).toBe(kind);
  });
});

describe('dockerRunFlags', () => {
  it('resolves aliases, attached values, next-element values and one-element "flag value" strings', () => {
    const flags = dockerRunFlags(['--privileged', '-v', '/a:/b', '--net=host', '-v/c:/d', '--cap-add SYS_ADMIN', '-it', '--security-opt', 'seccomp=unconfined'], ['runArgs']);
    expect(flags.map((flag) => [flag.name, flag.value, flag.route.at(-1)])).toEqual([
      ['--privileged', undefined, 0],
      ['--volume', '/a:/b', 2],
      ['--network', 'host', 3],
      ['--volume', '/c:/d', 4],
      ['--cap-add', 'SYS_ADMIN', 5],
      ['-it', undefined, 6],
      ['--security-opt', 'seccomp=unconfined', 8],
    ]);
  });
});

describe('Dockerfile facts', () => {
  it('follows the final stage back through the stages it builds on', () => {
    const chain = finalChain(parseDockerfile('FROM node:20 AS base\nUSER node\nFROM golang AS build\nFROM base AS final\nRUN true\n'));
    expect(chain.map((stage) => stage.image)).toEqual(['node:20', 'base']);
  });

  it('finds users created with useradd and adduser, across continuations and blank lines', () => {
    const chain = finalChain(parseDockerfile('FROM debian\nRUN groupadd -r app && \\\n\n    useradd -r -g app -m app\nRUN adduser --disabled-password --gecos "" agent\n'));
    expect(createdUsers(chain)).toEqual(['app', 'agent']);
  });

  it('parses ENV and ARG assignments, quoted and legacy', () => {
    expect(parseAssignments('ENV', 'A=1 B="two words" C=x\\ y')).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two words' },
      { name: 'C', value: 'x y' },
    ]);
    expect(parseAssignments('ENV', 'TOKEN some value')).toEqual([{ name: 'TOKEN', value: 'some value' }]);
    expect(parseAssignments('ARG', 'NPM_TOKEN')).toEqual([{ name: 'NPM_TOKEN', value: undefined }]);
  });

  it('expands variables and gives up on unknown ones', () => {
    const vars = new Map([['USERNAME', 'root']]);
    expect(expandVariables('${USERNAME}:0', vars)).toBe('root:0');
    expect(expandVariables('${OTHER:-node}', vars)).toBe('node');
    expect(expandVariables('$OTHER', vars)).toBeUndefined();
  });

  it.each([
    ['root', true],
    ['0', true],
    ['0:0', true],
    ['root:staff', true],
    ['1000:0', false],
    ['node', false],
    ['rootless', false],
  ])('isRootUser(%s) = %s', (user, root) => {
    expect(isRootUser(user)).toBe(root);
  });
});

describe('secret names, references and files', () => {
  it.each([
    ['ANTHROPIC_API_KEY', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['NPM_TOKEN', true],
    ['DB_PASSWORD', true],
    ['NPM_TOKEN_FILE', false],
    ['GITHUB_TOKEN_URL', false],
    ['MAX_TOKENS', false],
    ['NODE_ENV', false],
  ])('isSecretName(%s) = %s', (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });

  it.each([
    ['${ANTHROPIC_API_KEY}', true],
    ['${localEnv:GH_TOKEN}', true],
    ['Bearer $TOKEN', true],
    ['pa$$word-literal', false],
    ['sk-ant-literal', false],
  ])('hasReference(%s) = %s', (value, reference) => {
    expect(hasReference(value)).toBe(reference);
  });

  it.each([
    ['.env', true],
    ['./config/.env.production', true],
    ['.env.example', false],
    ['.envrc', false],
    ['id_ed25519', true],
    ['id_ed25519.pub', false],
    ['.ssh/', true],
    ['~/.aws/credentials', true],
    ['.npmrc', true],
    ['certs/server.key', true],
    ['package.json', false],
  ])('secretFile(%s) is %s', (path, secret) => {
    expect(secretFile(path) !== undefined).toBe(secret);
  });
});
