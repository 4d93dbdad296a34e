// Programs that print a stored credential on request: CLI tokens, credential helpers, keychains, secret stores, decrypted files.

import type { EffectiveCommand } from '../bash-commands.js';
import { commandSpan, type BashCheck } from './context.js';

interface CredentialRule {
  programs: readonly string[];
  /** Operands (subcommands) that must appear in this order, next to each other; empty for any. */
  subcommand: readonly string[];
  /** A further condition on the arguments. */
  when?: (args: readonly string[], operands: readonly string[]) => boolean;
  /** What the command prints, for the reason. */
  prints: string;
}

const has = (...flags: string[]) => (args: readonly string[]): boolean => args.some((a) => flags.includes(a.split('=')[0]!));
const operandAfter = (word: string, test: RegExp) => (_: readonly string[], operands: readonly string[]): boolean => {
  const at = operands.indexOf(word);
  return at !== -1 && test.test(operands[at + 1] ?? '');
};
const SENSITIVE_KEY = /token|secret|passw|credential|auth|extraheader|private|cookie|_key|key_id|apikey/i;

const RULES: readonly CredentialRule[] = [
  { programs: ['gh'], subcommand: ['auth', 'token'], prints: 'the GitHub token' },
  { programs: ['gh', 'glab'], subcommand: ['auth', 'status'], when: has('-t', '--show-token'), prints: 'the token' },
  { programs: ['gh'], subcommand: ['auth', 'git-credential'], prints: 'git credentials' },
  { programs: ['glab'], subcommand: ['config', 'get'], when: operandAfter('get', SENSITIVE_KEY), prints: 'a token' },
  { programs: ['git'], subcommand: ['credential'], when: (_, o) => ['fill', 'get'].includes(o[o.indexOf('credential') + 1] ?? ''), prints: 'stored git credentials' },
  { programs: ['git'], subcommand: [], when: (_, o) => /^credential-/.test(o[0] ?? '') && o.includes('get'), prints: 'stored git credentials' },
  { programs: ['git'], subcommand: ['config'], when: gitConfigReadsSecret, prints: 'git configuration that holds credentials (actions/checkout keeps the token as http.*.extraheader)' },
  { programs: ['aws'], subcommand: ['configure', 'export-credentials'], prints: 'AWS credentials' },
  { programs: ['aws'], subcommand: ['configure', 'get'], when: operandAfter('get', SENSITIVE_KEY), prints: 'an AWS credential' },
  { programs: ['aws'], subcommand: ['sts'], when: operandAfter('sts', /^(get-session-token|assume-role.*|get-federation-token)$/), prints: 'temporary AWS credentials' },
  { programs: ['aws'], subcommand: ['ecr'], when: operandAfter('ecr', /^get-(login-password|authorization-token)$/), prints: 'a registry password' },
  { programs: ['aws'], subcommand: ['codeartifact', 'get-authorization-token'], prints: 'a registry token' },
  { programs: ['aws'], subcommand: ['secretsmanager', 'get-secret-value'], prints: 'a secret value' },
  { programs: ['aws'], subcommand: ['ssm'], when: (a, o) => /^get-parameters?(-by-path)?$/.test(o[o.indexOf('ssm') + 1] ?? '') && has('--with-decryption')(a), prints: 'decrypted parameters' },
  { programs: ['aws'], subcommand: ['sso', 'get-role-credentials'], prints: 'AWS credentials' },
  { programs: ['gcloud'], subcommand: ['auth'], when: (_, o) => o.some((w) => /^print-(access|identity|refresh)-token$/.test(w)), prints: 'a Google Cloud token' },
  { programs: ['gcloud'], subcommand: ['secrets', 'versions', 'access'], prints: 'a secret value' },
  { programs: ['gcloud'], subcommand: ['config', 'config-helper'], prints: 'a Google Cloud token' },
  { programs: ['az'], subcommand: ['account', 'get-access-token'], prints: 'an Azure token' },
  { programs: ['az'], subcommand: ['keyvault', 'secret'], when: operandAfter('secret', /^(show|download)$/), prints: 'a Key Vault secret' },
  { programs: ['az'], subcommand: ['storage', 'account', 'keys', 'list'], prints: 'storage account keys' },
  { programs: ['az'], subcommand: ['acr', 'login'], when: has('--expose-token'), prints: 'a registry token' },
  { programs: ['kubectl', 'oc'], subcommand: ['config', 'view'], when: has('--raw', '--flatten'), prints: 'cluster credentials' },
  { programs: ['kubectl', 'oc'], subcommand: [], when: (_, o) => ['get', 'edit'].some((verb) => operandAfter(verb, /^secrets?(\/|,|$)|(^|,)secrets?(,|$)/)(_, o)), prints: 'Kubernetes secrets' },
  { programs: ['kubectl', 'oc'], subcommand: ['create', 'token'], prints: 'a service account token' },
  { programs: ['npm', 'pnpm', 'yarn'], subcommand: [], when: (_, o) => operandAfter('get', SENSITIVE_KEY)(_, o) && (o[0] === 'get' || o[0] === 'config'), prints: 'a registry token' },
  { programs: ['terraform', 'tofu'], subcommand: ['state'], when: operandAfter('state', /^(pull|show)$/), prints: 'the state, which holds secrets' },
  { programs: ['terraform', 'tofu'], subcommand: ['output'], when: has('-json', '-raw', '--json', '--raw'), prints: 'outputs, sensitive ones included' },
  { programs: ['terraform', 'tofu'], subcommand: ['show'], when: has('-json', '--json'), prints: 'the state, which holds secrets' },
  { programs: ['terraform', 'tofu'], subcommand: ['console'], prints: 'any value of the state' },
  { programs: ['sops'], subcommand: [], when: (a, o) => has('-d', '--decrypt')(a) || ['decrypt', 'exec-env', 'exec-file', 'edit'].includes(o[0] ?? ''), prints: 'decrypted secrets' },
  { programs: ['ansible-vault'], subcommand: [], when: (_, o) => ['view', 'decrypt', 'edit'].includes(o[0] ?? ''), prints: 'decrypted secrets' },
  { programs: ['vault', 'bao'], subcommand: [], when: (_, o) => /^(read|login)$/.test(o[0] ?? '') || operandAfter('kv', /^get$/)(_, o) || operandAfter('token', /^(lookup|create)$/)(_, o) || operandAfter('print', /^token$/)(_, o), prints: 'a secret or token from Vault' },
  { programs: ['security'], subcommand: [], when: (_, o) => /^(find-(generic|internet)-password|dump-keychain|export)$/.test(o[0] ?? ''), prints: 'keychain secrets' },
  { programs: ['secret-tool'], subcommand: [], when: (_, o) => ['lookup', 'search'].includes(o[0] ?? ''), prints: 'keyring secrets' },
  { programs: ['pass', 'gopass'], subcommand: [], when: (_, o) => !['ls', 'list', 'init', 'generate', 'insert', 'rm', 'mv', 'cp', 'git', 'find', 'help', 'version'].includes(o[0] ?? 'ls'), prints: 'a stored password' },
  { programs: ['op'], subcommand: [], when: (_, o) => o[0] === 'read' || o[0] === 'inject' || operandAfter('item', /^get$/)(_, o) || operandAfter('document', /^get$/)(_, o), prints: 'a 1Password secret' },
  { programs: ['bw'], subcommand: [], when: (_, o) => o[0] === 'get' || o[0] === 'export' || operandAfter('list', /^items$/)(_, o), prints: 'a Bitwarden secret' },
  { programs: ['lpass'], subcommand: ['show'], prints: 'a LastPass secret' },
  { programs: ['keyring'], subcommand: ['get'], prints: 'a keyring secret' },
  { programs: ['kwallet-query'], subcommand: [], when: has('-r', '--read-password'), prints: 'a wallet password' },
  { programs: ['heroku'], subcommand: [], when: (_, o) => o[0] === 'auth:token' || o[0] === 'config' || o[0] === 'config:get', prints: 'a Heroku token or config vars' },
  { programs: ['doppler', 'infisical'], subcommand: [], when: (_, o) => ['secrets', 'export'].includes(o[0] ?? ''), prints: 'stored secrets' },
  { programs: ['chamber'], subcommand: [], when: (_, o) => ['read', 'export', 'env'].includes(o[0] ?? ''), prints: 'stored secrets' },
  { programs: ['vercel'], subcommand: ['env', 'pull'], prints: 'project secrets' },
  { programs: ['gpg', 'gpg2'], subcommand: [], when: has('--export-secret-keys', '--export-secret-subkeys', '-d', '--decrypt'), prints: 'private keys or decrypted data' },
];

export const credentialCommands: BashCheck = {
  name: 'credential-commands',
  command(command) {
    if (command.dynamic) return [];
    const rule = matchingRule(command);
    if (!rule) return [];
    const shown = [command.program, ...rule.subcommand].join(' ');
    return [{ category: 'secret-access', rule: 'credential-command', reason: `${shown} prints ${rule.prints}`, span: commandSpan(command) }];
  },
};

function matchingRule(command: EffectiveCommand): CredentialRule | undefined {
  const program = command.program;
  if (/^docker-credential-/.test(program)) {
    return ['get', 'list'].includes(command.args[0] ?? '') ? { programs: [program], subcommand: [command.args[0]!], prints: 'registry credentials' } : undefined;
  }
  const args = command.args;
  const operands = args.filter((a) => !a.startsWith('-'));
  return RULES.find((rule) => rule.programs.includes(program) && follows(operands, rule.subcommand) && (rule.when?.(args, operands) ?? true));
}

/** The subcommand words appear together in the operands (global options' values may come before them). */
function follows(operands: readonly string[], subcommand: readonly string[]): boolean {
  if (subcommand.length === 0) return true;
  for (let i = 0; i + subcommand.length <= operands.length && i <= 2; i++) {
    if (subcommand.every((word, j) => operands[i + j] === word)) return true;
  }
  return false;
}

/** Sample keys a credential lives under in git's configuration. */
const SECRET_GIT_KEYS = [
  'http.https://github.com/.extraheader',
  'http.extraheader',
  'credential.helper',
  'credential.https://github.com.username',
  'github.token',
  'user.password',
  'url.https://x-access-token:ghs_0@github.com/.insteadof',
];

/** `git config --list`, `--get-regexp` that can match a credential key, `--get http.….extraheader`. */
function gitConfigReadsSecret(args: readonly string[], operands: readonly string[]): boolean {
  const at = operands.indexOf('config');
  const next = operands[at + 1];
  if (has('-l', '--list')(args) || next === 'list') return true;
  const regexp = args.findIndex((a) => a === '--get-regexp');
  if (regexp !== -1) {
    const pattern = args[regexp + 1] ?? '';
    try {
      return SECRET_GIT_KEYS.some((key) => new RegExp(pattern, 'i').test(key));
    } catch {
      return true;
    }
  }
  const get = args.findIndex((a) => a === '--get' || a === '--get-all' || a === '--get-urlmatch' || a === 'get');
  // `git config KEY` with no value reads KEY as well.
  const key = get !== -1 ? (args[get + 1] ?? '') : operands.length === at + 2 && !args.some((a) => /^--(unset|add|replace|rename|remove)/.test(a)) ? (next ?? '') : '';
  return SENSITIVE_KEY.test(key) || /^credential\./i.test(key);
}
