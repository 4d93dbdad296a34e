// Network clients in Bash: every host a command would reach must be on allowed-hosts; loopback, private and metadata addresses never are.

import { posix } from 'node:path';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import type { Hit, Span } from '../verdict.js';
import { hostAllowed } from '../web.js';
import { commandSpan, cwdsAt, spanOf, variablesAt, type BashCheck, type BashContext } from './context.js';

/** A host a command names, with the word it came from. */
interface HostRef {
  host: string;
  word: ArgWord | undefined;
}

/** What a command line reaches: hosts to check, things cordon cannot resolve, and reasons that deny outright. */
export interface Reach {
  hosts: HostRef[];
  /** Each entry is one sentence saying why the destination cannot be known before run time. */
  unknown: Array<{ reason: string; word?: ArgWord | undefined }>;
  /** Denied whatever the allowlist says (listeners, mail relays); rule id and sentence. */
  always: Array<{ rule: string; reason: string }>;
}

function emptyReach(): Reach {
  return { hosts: [], unknown: [], always: [] };
}

// ---------------------------------------------------------------- options

interface Option {
  name: string;
  value: ArgWord | undefined;
  word: ArgWord;
}

interface ParsedArgs {
  options: Option[];
  operands: ArgWord[];
}

/**
 * getopt-style parsing: `--name=value`, `--name value`, `-xVALUE`, `-x value`, `-abc` clusters, `--`.
 * Only names in `valued` take a value. An option wrongly taken for a flag leaves its value as an operand,
 * which is judged as a destination: stricter, never looser.
 */
export function parseArgs(words: readonly ArgWord[], valued: ReadonlySet<string>, stopAtFirstOperand = false): ParsedArgs {
  const options: Option[] = [];
  const operands: ArgWord[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const a = word.value;
    if (a === '--') {
      operands.push(...words.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) {
        options.push({ name: a.slice(0, eq), value: part(word, eq + 1), word });
      } else if (valued.has(a)) {
        options.push({ name: a, value: words[i + 1], word });
        i++;
      } else options.push({ name: a, value: undefined, word });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const name = `-${a[j]}`;
        if (!valued.has(name)) {
          options.push({ name, value: undefined, word });
          continue;
        }
        if (j + 1 < a.length) options.push({ name, value: part(word, j + 1), word });
        else {
          options.push({ name, value: words[i + 1], word });
          i++;
        }
        break;
      }
      continue;
    }
    operands.push(word);
    if (stopAtFirstOperand) {
      operands.push(...words.slice(i + 1));
      break;
    }
  }
  return { options, operands };
}

/** The tail of a word from `from` on, as a word of its own (`--url=X` → `X`). */
function part(word: ArgWord, from: number): ArgWord {
  return { value: word.value.slice(from), raw: word.raw, start: word.start, dynamic: word.dynamic };
}

export function optionSet(...names: string[]): ReadonlySet<string> {
  return new Set(names);
}

export function has(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

export function values(parsed: ParsedArgs, ...names: string[]): ArgWord[] {
  return parsed.options.filter((o) => names.includes(o.name) && o.value).map((o) => o.value!);
}

/** Run time decides the word's text: a parameter expansion or a command substitution outside single quotes. */
export function runtimeWord(word: ArgWord): boolean {
  if (!word.dynamic) return false;
  const unquoted = word.raw.replace(/'[^']*'/g, '');
  return /`|\$[({A-Za-z_0-9@*#?!$-]/.test(unquoted);
}

// ---------------------------------------------------------------- destinations

type Destination = { host: string } | { local: true } | { unknown: string };

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * The host of a URL or of a bare `host[:port][/path]`, parsed the way a client would and refusing
 * anything two parsers could read differently (backslashes, several `@`, spaces).
 */
export function urlDestination(text: string, defaultScheme = 'http'): Destination {
  const match = SCHEME.exec(text);
  const scheme = (match?.[1] ?? defaultScheme).toLowerCase();
  if (scheme === 'file') return { local: true };
  const rest = match ? text.slice(match[0].length) : text;
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  if (/[\\\s]/.test(authority) || (authority.match(/@/g) ?? []).length > 1) return { unknown: `the address ${JSON.stringify(text)} is ambiguous` };
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  return hostDestination(hostPort);
}

/** `host`, `host:port`, `[v6]:port`, `user@host`: the host part. */
export function hostDestination(text: string): Destination {
  let host = text.slice(text.lastIndexOf('@') + 1);
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close === -1) return { unknown: `the address ${JSON.stringify(text)} does not parse` };
    host = host.slice(0, close + 1);
  } else if ((host.match(/:/g) ?? []).length === 1) host = host.slice(0, host.indexOf(':'));
  else if (host.includes(':')) host = `[${host}]`;
  if (host === '') return { unknown: `the address ${JSON.stringify(text)} names no host` };
  return { host };
}

type HostClass = { kind: 'public'; name: string } | { kind: 'loopback' | 'private' | 'metadata'; name: string } | { kind: 'invalid' };

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.internal']);
const METADATA_IPS = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

/** The host as the network sees it (punycode, dotted IPv4) and what kind of address it is. */
export function classifyHost(raw: string): HostClass {
  let name: string;
  try {
    name = new URL(`http://${raw}/`).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return { kind: 'invalid' };
  }
  if (name.startsWith('[')) name = name.slice(1, -1);
  if (name === '') return { kind: 'invalid' };
  const v4 = ipv4Of(name);
  if (METADATA_NAMES.has(name) || METADATA_IPS.has(name) || (v4 && METADATA_IPS.has(v4))) return { kind: 'metadata', name };
  if (name === 'localhost' || name.endsWith('.localhost')) return { kind: 'loopback', name };
  if (v4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    if (a === 127 || a === 0) return { kind: 'loopback', name };
    if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b < 128)) return { kind: 'private', name };
    return { kind: 'public', name };
  }
  if (name.includes(':')) {
    if (name === '::1' || name === '::') return { kind: 'loopback', name };
    if (/^f[cd]/.test(name) || /^fe[89ab]/.test(name)) return { kind: 'private', name };
  }
  return { kind: 'public', name };
}

/** Dotted IPv4 for an IPv4 host or an IPv4-mapped IPv6 one. */
function ipv4Of(name: string): string | undefined {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return name;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(name);
  if (!mapped) return undefined;
  const hi = parseInt(mapped[1]!, 16);
  const lo = parseInt(mapped[2]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

function addDestination(reach: Reach, destination: Destination, word: ArgWord | undefined): void {
  if ('host' in destination) reach.hosts.push({ host: destination.host, word });
  else if ('unknown' in destination) reach.unknown.push({ reason: destination.unknown, word });
}

/** Adds a URL-ish word; a word run time decides is an unknown destination. */
function addUrl(reach: Reach, word: ArgWord, defaultScheme = 'http'): void {
  if (runtimeWord(word)) reach.unknown.push({ reason: `the address ${JSON.stringify(word.raw)} is only known at run time`, word });
  else addDestination(reach, urlDestination(word.value, defaultScheme), word);
}

function addHost(reach: Reach, word: ArgWord, text = word.value): void {
  if (runtimeWord(word)) reach.unknown.push({ reason: `the host ${JSON.stringify(word.raw)} is only known at run time`, word });
  else addDestination(reach, text.includes('://') ? urlDestination(text) : hostDestination(text), word);
}

// ---------------------------------------------------------------- clients

export const CURL_VALUED = optionSet(
  ...'-A -b -c -C -d -D -e -E -F -H -K -m -o -P -Q -r -T -t -u -U -w -x -X -y -Y -z'.split(' '),
  ...[
    'url', 'data', 'data-raw', 'data-binary', 'data-ascii', 'data-urlencode', 'json', 'form', 'form-string', 'header', 'proxy-header', 'user',
    'proxy-user', 'user-agent', 'referer', 'cookie', 'cookie-jar', 'output', 'output-dir', 'upload-file', 'request', 'max-time', 'connect-timeout',
    'config', 'proxy', 'preproxy', 'socks4', 'socks4a', 'socks5', 'socks5-hostname', 'resolve', 'connect-to', 'doh-url', 'interface', 'cacert',
    'capath', 'cert', 'key', 'cert-type', 'key-type', 'pass', 'ciphers', 'limit-rate', 'max-filesize', 'retry', 'retry-delay', 'retry-max-time',
    'range', 'write-out', 'dump-header', 'trace', 'trace-ascii', 'stderr', 'time-cond', 'continue-at', 'quote', 'mail-from', 'mail-rcpt',
    'mail-auth', 'oauth2-bearer', 'aws-sigv4', 'variable', 'local-port', 'dns-servers', 'unix-socket', 'abstract-unix-socket', 'noproxy', 'proto',
    'proto-redir', 'max-redirs', 'speed-limit', 'speed-time', 'netrc-file', 'ftp-port', 'url-query', 'etag-save', 'etag-compare', 'hsts', 'alt-svc',
    'parallel-max', 'rate', 'create-file-mode', 'expand-url', 'expand-data', 'expand-header',
  ].map((n) => `--${n}`),
);

function curl(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, CURL_VALUED);
  for (const config of values(parsed, '-K', '--config')) reach.unknown.push({ reason: `curl reads its options and URLs from ${JSON.stringify(config.value)}`, word: config });
  for (const word of values(parsed, '--resolve', '--connect-to')) reach.unknown.push({ reason: `curl's --resolve/--connect-to ${JSON.stringify(word.value)} changes where it connects`, word });
  for (const word of values(parsed, '-x', '--proxy', '--preproxy', '--socks4', '--socks4a', '--socks5', '--socks5-hostname', '--doh-url')) addUrl(reach, word);
  const urls = [...values(parsed, '--url', '--expand-url'), ...parsed.operands];
  for (const url of urls) {
    if (url.value.startsWith('@')) reach.unknown.push({ reason: `curl reads URLs from ${JSON.stringify(url.value.slice(1))}`, word: url });
    else addUrl(reach, url);
  }
}

export const WGET_VALUED = optionSet(
  ...'-o -a -e -i -B -O -t -T -w -P -U -Q -l -A -R -D -I -X'.split(' '),
  ...[
    'output-file', 'append-output', 'execute', 'input-file', 'base', 'config', 'bind-address', 'tries', 'output-document', 'wait', 'waitretry',
    'timeout', 'dns-timeout', 'connect-timeout', 'read-timeout', 'limit-rate', 'quota', 'user', 'password', 'http-user', 'http-password',
    'proxy-user', 'proxy-password', 'header', 'post-data', 'post-file', 'body-data', 'body-file', 'method', 'referer', 'user-agent', 'load-cookies',
    'save-cookies', 'certificate', 'private-key', 'ca-certificate', 'ca-directory', 'directory-prefix', 'level', 'accept', 'reject', 'domains',
    'exclude-domains', 'include-directories', 'exclude-directories', 'default-page', 'ftp-user', 'ftp-password', 'max-redirect',
  ].map((n) => `--${n}`),
);

function wget(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, WGET_VALUED);
  for (const word of values(parsed, '-i', '--input-file', '-e', '--execute', '--config')) {
    reach.unknown.push({ reason: `wget takes URLs or settings from ${JSON.stringify(word.value)}`, word });
  }
  for (const url of parsed.operands) addUrl(reach, url);
}

export const HTTPIE_VALUED = optionSet('-a', '-A', '-o', '-p', '-s', ...['auth', 'auth-type', 'session', 'session-read-only', 'output', 'proxy', 'verify', 'cert', 'cert-key', 'ssl', 'ciphers', 'timeout', 'max-redirects', 'print', 'pretty', 'style', 'format-options', 'boundary', 'unix-socket'].map((n) => `--${n}`));

function httpie(program: string, words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, HTTPIE_VALUED);
  if (has(parsed, '--offline')) return;
  for (const proxy of values(parsed, '--proxy')) addUrl(reach, part(proxy, proxy.value.indexOf(':') + 1));
  const [first, second] = parsed.operands;
  const url = first && /^[A-Z]+$/.test(first.value) ? second : first;
  if (!url) return;
  // `:3000/x` is httpie's shorthand for localhost.
  if (url.value.startsWith(':')) reach.hosts.push({ host: 'localhost', word: url });
  else addUrl(reach, url, program === 'https' || program === 'xhs' ? 'https' : 'http');
}

const NC_VALUED = optionSet(
  ...'-p -s -w -i -x -X -e -c -q -O -I -T -V -M -m -g -G -W'.split(' '),
  ...['exec', 'sh-exec', 'lua-exec', 'proxy', 'proxy-type', 'proxy-auth', 'source', 'source-port', 'wait', 'idle-timeout', 'output', 'hex-dump', 'append-output', 'allow', 'allowfile', 'deny', 'denyfile', 'max-conns', 'ssl-cert', 'ssl-key', 'ssl-trustfile', 'ssl-ciphers', 'ssl-servername', 'ssl-alpn'].map((n) => `--${n}`),
);

function netcat(program: string, words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, NC_VALUED);
  if (has(parsed, '-l', '--listen')) {
    reach.always.push({ rule: 'network-listener', reason: `${program} -l opens a listening socket` });
    return;
  }
  if (has(parsed, '-U', '--unixsock')) return;
  for (const proxy of values(parsed, '-x', '--proxy')) addHost(reach, proxy);
  const host = parsed.operands[0];
  if (host) addHost(reach, host);
  else if (!has(parsed, '-h', '--help', '--version')) reach.unknown.push({ reason: `${program} without a host operand` });
}

const SOCAT_NETWORK = /^(TCP[46]?|UDP[46]?|SCTP[46]?|DCCP[46]?|UDPLITE[46]?|OPENSSL|SSL|SOCKS4A?|SOCKS5|PROXY|TCP[46]?-CONNECT|SCTP-CONNECT|UDP[46]?-(SENDTO|DATAGRAM)|IP[46]?-(SENDTO|DATAGRAM)|OPENSSL-CONNECT|PROXY-CONNECT)$/i;
const SOCAT_LISTEN = /(LISTEN|-L|RECV|RECVFROM|-SERVER|ACCEPT)$/i;

function socat(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, optionSet('-b', '-t', '-T', '-lf', '-lp'));
  for (const word of parsed.operands) {
    if (runtimeWord(word)) {
      reach.unknown.push({ reason: `the socat address ${JSON.stringify(word.raw)} is only known at run time`, word });
      continue;
    }
    const address = word.value.split(',')[0]!;
    const colon = address.indexOf(':');
    const type = colon === -1 ? address : address.slice(0, colon);
    if (SOCAT_LISTEN.test(type)) {
      reach.always.push({ rule: 'network-listener', reason: `socat ${type} opens a listening socket` });
      continue;
    }
    if (!SOCAT_NETWORK.test(type)) continue;
    // SOCKS and PROXY addresses name the proxy first, then the target; both are reached.
    const fields = splitHostFields(address.slice(colon + 1));
    const hosts = /^(SOCKS|PROXY)/i.test(type) ? fields.slice(0, 2) : fields.slice(0, 1);
    if (hosts.length === 0) reach.unknown.push({ reason: `socat ${type} without a host`, word });
    for (const host of hosts) addDestination(reach, hostDestination(host), word);
  }
}

/** `host:port`, `[v6]:port`, `proxy:host:port` split on colons outside brackets. */
function splitHostFields(text: string): string[] {
  return (text.match(/\[[^\]]*\]|[^:]+/g) ?? []).filter((f) => !/^\d+$/.test(f));
}

const SSH_VALUED = optionSet(...'-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B'.split(' '));

/** `-o HostName=` and friends redirect a connection whatever the destination says. */
function sshOptions(program: string, parsed: ParsedArgs, reach: Reach): boolean {
  let renamed = false;
  for (const config of values(parsed, '-F')) reach.unknown.push({ reason: `${program} -F reads hosts and proxies from ${JSON.stringify(config.value)}`, word: config });
  for (const jump of values(parsed, '-J')) for (const host of jump.value.split(',')) addHost(reach, jump, host.replace(/^ssh:\/\//, ''));
  for (const option of values(parsed, '-o')) {
    const match = /^\s*([A-Za-z]+)\s*[=\s]\s*(.*)$/.exec(option.value);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (key === 'hostname') {
      renamed = true;
      addHost(reach, option, value);
    } else if (key === 'proxyjump') for (const host of value.split(',')) addHost(reach, option, host.replace(/^ssh:\/\//, ''));
    else if (key === 'proxycommand' && value.toLowerCase() !== 'none') reach.unknown.push({ reason: `${program} -o ProxyCommand decides where it connects`, word: option });
  }
  return renamed;
}

function ssh(program: string, words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, SSH_VALUED, true);
  if (has(parsed, '-V', '-G')) return;
  if (sshOptions(program, parsed, reach)) return;
  for (const forward of values(parsed, '-W')) addHost(reach, forward);
  const destination = parsed.operands[0];
  if (destination) addHost(reach, destination);
  else reach.unknown.push({ reason: `${program} without a destination` });
}

function scp(program: string, words: readonly ArgWord[], reach: Reach): void {
  const valued = program === 'sftp' ? optionSet(...'-B -b -c -D -F -i -J -l -o -P -R -S -s -X'.split(' ')) : optionSet(...'-c -D -F -i -J -l -o -P -S -X'.split(' '));
  const parsed = parseArgs(words, valued);
  if (sshOptions(program, parsed, reach)) return;
  const remotes = parsed.operands.filter((w) => runtimeWord(w) || remoteSpec(w.value) !== undefined);
  if (program === 'sftp' && parsed.operands[0] && !remotes.includes(parsed.operands[0])) remotes.push(parsed.operands[0]);
  for (const word of remotes) {
    if (runtimeWord(word)) reach.unknown.push({ reason: `the ${program} operand ${JSON.stringify(word.raw)} is only known at run time`, word });
    else addHost(reach, word, remoteSpec(word.value) ?? word.value);
  }
}

/** The host of an scp/rsync-style remote operand (`[user@]host:path`, `host::module`, `scheme://…`), or undefined for a local path. */
export function remoteSpec(text: string): string | undefined {
  const scheme = SCHEME.exec(text);
  if (scheme) return scheme[1]!.toLowerCase() === 'file' ? undefined : text;
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const slash = text.indexOf('/');
  if (slash !== -1 && slash < colon) return undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    return close === -1 ? text : text.slice(0, close + 1);
  }
  return text.slice(0, colon);
}

const RSYNC_VALUED = optionSet(
  '-e', '-f', '-T', '-B', '-M',
  ...[
    'rsh', 'rsync-path', 'filter', 'exclude', 'include', 'exclude-from', 'include-from', 'files-from', 'log-file', 'log-file-format', 'password-file',
    'port', 'temp-dir', 'partial-dir', 'backup-dir', 'suffix', 'compare-dest', 'copy-dest', 'link-dest', 'chmod', 'chown', 'block-size', 'timeout',
    'contimeout', 'bwlimit', 'out-format', 'iconv', 'max-size', 'min-size', 'max-delete', 'modify-window', 'info', 'debug', 'usermap', 'groupmap',
    'remote-option', 'sockopts', 'address', 'outbuf', 'checksum-choice', 'compress-choice', 'compress-level', 'skip-compress', 'stop-after',
    'stop-at', 'write-batch', 'only-write-batch', 'read-batch', 'protocol',
  ].map((n) => `--${n}`),
);

function rsync(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, RSYNC_VALUED);
  for (const word of parsed.operands) {
    if (runtimeWord(word)) {
      reach.unknown.push({ reason: `the rsync operand ${JSON.stringify(word.raw)} is only known at run time`, word });
      continue;
    }
    const remote = remoteSpec(word.value);
    if (remote !== undefined) addHost(reach, word, remote);
  }
}

/** Programs whose operands are hosts (the first, or all of them). */
const HOST_OPERAND: Record<string, { valued: ReadonlySet<string>; all?: boolean; needsHost?: boolean }> = {
  telnet: { valued: optionSet('-l', '-n', '-e', '-b', '-S', '-k', '-X'), needsHost: true },
  ftp: { valued: optionSet('-P', '-s', '-T', '-r', '-q'), needsHost: true },
  tftp: { valued: optionSet('-m', '-R', '-l', '-w'), needsHost: true },
  lftp: { valued: optionSet('-u', '-p', '-e', '-c', '-f'), needsHost: true },
  mosh: { valued: optionSet('-p', '--ssh', '--port', '--server', '--client', '--predict', '--family'), needsHost: true },
  autossh: { valued: SSH_VALUED, needsHost: true },
  ping: { valued: optionSet(...'-c -i -I -l -m -M -p -Q -s -S -t -T -w -W -F'.split(' ')), all: true, needsHost: true },
  ping6: { valued: optionSet(...'-c -i -I -l -m -M -p -Q -s -S -t -T -w -W -F'.split(' ')), all: true, needsHost: true },
  fping: { valued: optionSet('-c', '-C', '-b', '-B', '-i', '-p', '-r', '-t', '-f', '-I', '-S', '-O'), all: true, needsHost: true },
  traceroute: { valued: optionSet(...'-f -g -i -m -N -p -t -w -q -z -s -A -M -O -V'.split(' ')), needsHost: true },
  traceroute6: { valued: optionSet(...'-f -g -i -m -N -p -t -w -q -z -s'.split(' ')), needsHost: true },
  tracepath: { valued: optionSet('-l', '-m', '-p'), needsHost: true },
  mtr: { valued: optionSet('-c', '-i', '-s', '-a', '-f', '-m', '-P', '-L', '-Q', '-G', '-o', '-B'), needsHost: true },
  arping: { valued: optionSet('-c', '-w', '-I', '-s'), needsHost: true },
  nping: { valued: optionSet('-c', '-p', '--dest-port', '--data-string', '--rate', '--delay'), all: true, needsHost: true },
  hping3: { valued: optionSet('-c', '-i', '-p', '-s', '-d', '-E'), needsHost: true },
  whois: { valued: optionSet('-h', '-p', '-T', '-s', '-i', '-t', '-v', '-q'), all: true, needsHost: true },
};

const DNS_TYPES = new Set(
  'A AAAA ANY AXFR IXFR CAA CNAME DNAME DNSKEY DS HINFO HTTPS MX NAPTR NS NSEC NSEC3 PTR RRSIG SOA SPF SRV SSHFP SVCB TLSA TXT URI IN CH HS'.split(' '),
);

/** DNS lookups: every name asked for reaches the name servers of its domain, which is how data leaves through DNS. */
function dns(program: string, words: readonly ArgWord[], reach: Reach): void {
  const valued = program === 'host' ? optionSet('-t', '-W', '-c', '-N', '-R', '-m') : program === 'nslookup' ? optionSet() : optionSet('-b', '-c', '-f', '-k', '-p', '-q', '-t', '-x', '-y');
  const parsed = parseArgs(words, valued);
  for (const file of values(parsed, '-f')) reach.unknown.push({ reason: `${program} reads the names to look up from ${JSON.stringify(file.value)}`, word: file });
  const names = [...values(parsed, '-q', '-x'), ...parsed.operands.filter((w) => !w.value.startsWith('+') && !DNS_TYPES.has(w.value.toUpperCase()))];
  if (names.length === 0 && !has(parsed, '-h', '-v', '--help', '--version')) reach.unknown.push({ reason: `${program} without a name reads names from its input` });
  for (const word of names) addHost(reach, word, word.value.replace(/^@/, ''));
}

function openssl(words: readonly ArgWord[], reach: Reach): void {
  const sub = words[0]?.value;
  const rest = words.slice(1);
  if (sub === 's_server') {
    reach.always.push({ rule: 'network-listener', reason: 'openssl s_server opens a listening socket' });
    return;
  }
  if (sub !== 's_client' && sub !== 's_time' && sub !== 'ocsp') return;
  let found = false;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i]!.value;
    const value = rest[i + 1];
    if (['-connect', '-host', '-proxy', '-url'].includes(flag) && value) {
      found = true;
      addHost(reach, value);
      i++;
    } else if (!flag.startsWith('-') && (i === 0 || !rest[i - 1]!.value.startsWith('-'))) {
      found = true;
      addHost(reach, rest[i]!);
    }
  }
  if (!found && sub !== 'ocsp') reach.hosts.push({ host: 'localhost', word: undefined });
}

/** Database clients: a `-h`/`--host` option, a connection URI, or a `host=` connection string; none means the local socket. */
function database(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, optionSet('-h', '--host', '-u', '-U', '-p', '-P', '-d', '-c', '-f', '-e', '-a', '-n', '-D', '--uri', '--dbname', '--user', '--port', '--password', '--command', '--file'));
  for (const host of values(parsed, '-h', '--host')) addHost(reach, host);
  // SQL text (`-c`, `-e`) may quote URLs; only the connection arguments name servers.
  for (const word of [...values(parsed, '-d', '--dbname', '--uri'), ...parsed.operands]) {
    if (runtimeWord(word) && /(^|\s)host=|:\/\//.test(word.value)) reach.unknown.push({ reason: `the connection string ${JSON.stringify(word.raw)} is only known at run time`, word });
    else if (/^[a-z][a-z0-9+]*:\/\//i.test(word.value)) addUrl(reach, word);
    else for (const match of word.value.matchAll(/(?:^|\s)(?:host|hostaddr)=([^\s]+)/g)) addHost(reach, word, match[1]!);
  }
}

function smb(words: readonly ArgWord[], reach: Reach): void {
  const parsed = parseArgs(words, optionSet('-L', '-I', '-U', '-W', '-c', '-D', '-p', '-A', '-s', '-O', '-T', '-n', '-R', '-m'));
  for (const word of values(parsed, '-L', '-I')) addHost(reach, word, word.value.replace(/^(\/\/|\\\\)/, ''));
  for (const word of parsed.operands) {
    const match = /^(?:\/\/|\\\\)([^/\\]+)/.exec(word.value);
    if (match) addHost(reach, word, match[1]!);
  }
  if (reach.hosts.length === 0 && reach.unknown.length === 0) reach.unknown.push({ reason: 'smbclient without a //host/share' });
}

const MAIL_PROGRAMS = new Set(['mail', 'mailx', 'sendmail', 'mutt', 'msmtp', 'ssmtp', 'swaks', 'neomutt', 's-nail']);

/** Programs that exist to move data over the network and whose destinations cordon does not try to parse. */
const ALWAYS_NETWORK = new Set([
  'nmap', 'masscan', 'zmap', 'ngrok', 'cloudflared', 'bore', 'chisel', 'frpc', 'lt', 'localtunnel', 'tailscale', 'websocat', 'wscat', 'grpcurl',
  'kcat', 'kafkacat', 'mosquitto_pub', 'mosquitto_sub', 'snmpget', 'snmpwalk', 'snmpset', 'ldapsearch', 'ldapmodify', 'proxychains', 'proxychains4',
  'torsocks', 'tsocks', 'tor', 'stunnel', 'corkscrew', 'iperf', 'iperf3', 'speedtest', 'speedtest-cli', 'youtube-dl', 'yt-dlp', 'gallery-dl', 'axel',
  'curlie', 'http-prompt', 'ncftp', 'ncftpput', 'ncftpget', 'rclone', 's3cmd', 'azcopy', 'mc', 'transfer', 'croc', 'magic-wormhole', 'wormhole',
  'rdesktop', 'xfreerdp', 'vncviewer', 'irssi', 'weechat', 'mqtt', 'nats', 'sqlcmd', 'cqlsh', 'clickhouse-client', 'links', 'elinks', 'w3m', 'lynx',
  'browsh', 'aria2c', 'sshfs', 'rsh', 'rlogin', 'rcp', 'remmina', 'xh', 'xhs',
]);

/** Cloud and cluster CLIs: they reach their provider's APIs (or a cluster) whatever the arguments say. */
const CLOUD_CLIS = new Set([
  'aws', 'gcloud', 'gsutil', 'bq', 'az', 'kubectl', 'oc', 'helm', 'doctl', 'linode-cli', 'hcloud', 'scw', 'flyctl', 'fly', 'heroku', 'vercel',
  'netlify', 'firebase', 'wrangler', 'supabase', 'railway', 'eksctl', 'terraform', 'tofu', 'terragrunt', 'pulumi', 'ibmcloud', 'aliyun', 'oci',
  'jf', 'jfrog', 'kubectx', 'k9s', 'stern', 'argocd', 'vault', 'consul', 'nomad', 'packer', 'serverless', 'sls', 'amplify', 'cdk', 'sam', 'copilot',
  'skopeo', 'crane', 'oras', 'ansible', 'ansible-playbook',
]);

/** Subcommands of those CLIs that stay on this machine. */
const CLOUD_LOCAL: Record<string, readonly string[]> = {
  terraform: ['fmt', 'validate', 'version', 'graph', '-version', '-help'],
  tofu: ['fmt', 'validate', 'version', 'graph', '-version', '-help'],
  helm: ['lint', 'template', 'create', 'package', 'version', 'env', 'completion'],
  kubectl: ['completion', 'kustomize'],
  pulumi: ['version'],
  packer: ['fmt', 'validate', 'version'],
  ansible: ['--version'],
  'ansible-playbook': ['--syntax-check', '--version'],
};

/** A local subcommand (`terraform fmt`) or a flag that keeps the CLI offline (`--syntax-check`, `kubectl version --client`). */
function cloudStaysLocal(program: string, words: readonly ArgWord[]): boolean {
  const local = CLOUD_LOCAL[program] ?? [];
  const subcommand = words.find((w) => !w.value.startsWith('-'))?.value;
  if (subcommand !== undefined && local.includes(subcommand)) return true;
  if (words.some((w) => w.value.startsWith('-') && local.includes(w.value))) return true;
  return program === 'kubectl' && subcommand === 'version' && words.some((w) => w.value.startsWith('--client'));
}

const HELP_ONLY = new Set(['--version', '-v', '-V', 'version', '--help', '-h', 'help']);

/** `npm publish`, `docker push` and the like: uploads to a registry. Keyed by program, then the subcommand path. */
const PUBLISH: Record<string, readonly string[]> = {
  npm: ['publish', 'unpublish', 'deprecate', 'dist-tag', 'owner', 'access', 'login', 'adduser', 'token', 'star', 'team', 'org', 'hook'],
  pnpm: ['publish'],
  yarn: ['publish', 'npm publish', 'npm login'],
  bun: ['publish'],
  lerna: ['publish'],
  changeset: ['publish'],
  twine: ['upload', 'register'],
  poetry: ['publish'],
  flit: ['publish'],
  hatch: ['publish'],
  uv: ['publish'],
  pdm: ['publish'],
  cargo: ['publish', 'yank', 'owner', 'login'],
  gem: ['push', 'yank', 'owner', 'signin'],
  docker: ['push', 'login'],
  podman: ['push', 'login'],
  buildah: ['push', 'login'],
  nerdctl: ['push', 'login'],
  mvn: ['deploy'],
  nuget: ['push'],
  dotnet: ['nuget push'],
  pod: ['trunk push'],
  vsce: ['publish'],
  ovsx: ['publish'],
  dart: ['pub publish'],
  flutter: ['pub publish'],
  mix: ['hex.publish'],
  lein: ['deploy'],
  goreleaser: ['release'],
  conan: ['upload'],
  sbt: ['publish'],
  'semantic-release': [''],
  np: [''],
};

function publishes(program: string, words: readonly ArgWord[]): boolean {
  const routes = PUBLISH[program];
  if (!routes) return false;
  const plain = words.filter((w) => !w.value.startsWith('-')).map((w) => w.value);
  if (words.some((w) => w.value === '--dry-run')) return false;
  return routes.some((route) => {
    if (route === '') return !words.some((w) => HELP_ONLY.has(w.value));
    const parts = route.split(' ');
    // Build tools take goals anywhere (`mvn -B clean deploy`); CLIs take the subcommand first.
    if (program === 'mvn' || program === 'sbt') return plain.some((p) => p === route || p.startsWith(`${route}:`));
    return parts.every((p, i) => plain[i] === p);
  });
}

function gradlePublishes(words: readonly ArgWord[]): boolean {
  return words.some((w) => /^(:?[\w-]+:)*publish\w*$/.test(w.value) && !/ToMavenLocal$/.test(w.value));
}

// ---------------------------------------------------------------- gh, glab, git

const GH_LOCAL = new Set(['help', 'version', '--version', '--help', '-h', 'completion', 'config', 'alias', 'extension list', 'ext list']);

function forge(command: EffectiveCommand, ctx: BashContext, words: readonly ArgWord[], reach: Reach, defaultHost: string, envName: string): void {
  const first = words[0]?.value ?? 'help';
  const two = `${first} ${words[1]?.value ?? ''}`;
  if (GH_LOCAL.has(first) || GH_LOCAL.has(two)) return;
  // GH_HOST=… on the command, or assigned or exported earlier in the script, picks another server.
  const prefix = command.assignments.find((a) => a.startsWith(`${envName}=`))?.slice(envName.length + 1);
  const hosts = prefix !== undefined ? [prefix] : (variablesAt(ctx, command.start).get(envName) ?? []);
  const valued = optionSet('--hostname', '-R', '--repo', '-X', '--method', '-f', '-F', '-H', '--header', '--jq', '-q', '-t', '--template', '--input', '--field', '--raw-field', '--cache', '-b', '--body', '--title');
  const hostnames = parseArgs(words, valued).options.filter((o) => o.name === '--hostname' && o.value);
  for (const host of hosts) addDestination(reach, host.includes('://') ? urlDestination(host) : hostDestination(host), undefined);
  for (const option of hostnames) addHost(reach, option.value!);
  if (hosts.length === 0 && hostnames.length === 0) reach.hosts.push({ host: defaultHost, word: undefined });
}

/** A git remote given on the command line: a URL, an scp-like `host:path`, a local path, or a remote's name. */
type GitRemote = { url: string; word: ArgWord } | { name: string; word: ArgWord | undefined } | { local: true };

function gitRemote(word: ArgWord | undefined): GitRemote {
  if (!word) return { name: '', word };
  const text = word.value;
  if (runtimeWord(word)) return { url: text, word };
  if (SCHEME.test(text) || /^[^/:]+:/.test(text) || text.startsWith('ext::') || text.includes('::')) return { url: text, word };
  if (text.startsWith('/') || text.startsWith('.') || text.startsWith('~') || text.includes('/')) return { local: true };
  return { name: text, word };
}

/** The URLs of git remotes, read from the repository's `.git/config` (and `~/.gitconfig` for rewrites). */
interface GitConfig {
  remotes: Map<string, string[]>;
  rewrites: boolean;
  found: boolean;
}

function gitConfigAt(ctx: BashContext, at: number, gitDir: string | undefined): GitConfig {
  const remotes = new Map<string, string[]>();
  let rewrites = false;
  let found = false;
  const starts = gitDir ? [gitDir] : cwdsAt(ctx, at);
  const texts: string[] = [];
  for (const start of starts) {
    for (let dir = start; ; dir = posix.dirname(dir)) {
      const text = ctx.fs.readText(posix.join(dir, '.git', 'config'), 1_000_000);
      if (text !== undefined) {
        texts.push(text);
        found = true;
        break;
      }
      if (dir === '/') break;
    }
  }
  const global = ctx.fs.readText(posix.join(ctx.home, '.gitconfig'), 1_000_000);
  if (global !== undefined) texts.push(global);
  for (const text of texts) {
    let section = '';
    for (const line of text.split(/\r?\n/)) {
      const header = /^\s*\[\s*([A-Za-z0-9.-]+)(?:\s+"([^"]*)")?\s*\]/.exec(line);
      if (header) {
        section = header[2] === undefined ? header[1]!.toLowerCase() : `${header[1]!.toLowerCase()} ${header[2]}`;
        continue;
      }
      const entry = /^\s*([A-Za-z0-9-]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (!entry) continue;
      const key = entry[1]!.toLowerCase();
      if (section.startsWith('url ') && (key === 'insteadof' || key === 'pushinsteadof')) rewrites = true;
      if (section.startsWith('remote ') && (key === 'url' || key === 'pushurl')) {
        const name = section.slice('remote '.length);
        remotes.set(name, [...(remotes.get(name) ?? []), entry[2]!.replace(/^"(.*)"$/, '$1')]);
      }
    }
  }
  return { remotes, rewrites, found };
}

const GIT_GLOBAL_VALUED = optionSet('-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--exec-path', '--super-prefix');

/** Subcommands that talk to a remote, and how their options take values. */
export const GIT_REMOTE_VALUED: Record<string, ReadonlySet<string>> = {
  clone: optionSet('-o', '--origin', '-b', '--branch', '-u', '--upload-pack', '--reference', '--reference-if-able', '--separate-git-dir', '--depth', '--shallow-since', '--shallow-exclude', '-c', '--config', '-j', '--jobs', '--filter', '--template', '--bundle-uri', '--server-option'),
  fetch: optionSet('--depth', '--deepen', '--shallow-since', '--shallow-exclude', '--upload-pack', '-j', '--jobs', '--negotiation-tip', '--refmap', '-o', '--server-option', '--filter', '--recurse-submodules-default'),
  pull: optionSet('--depth', '--deepen', '--shallow-since', '--shallow-exclude', '--upload-pack', '-j', '--jobs', '-s', '--strategy', '-X', '--strategy-option', '-o', '--server-option', '--negotiation-tip'),
  push: optionSet('--repo', '-o', '--push-option', '--receive-pack', '--exec'),
  'ls-remote': optionSet('--upload-pack', '-o', '--server-option', '--sort'),
};

export interface GitInvocation {
  sub: string;
  args: ArgWord[];
  /** `-c` settings given before the subcommand. */
  settings: string[];
  gitDir: string | undefined;
}

/** `git [-C dir] [-c k=v] sub args…` split into its parts. */
export function gitInvocation(command: EffectiveCommand, ctx: BashContext): GitInvocation | undefined {
  const words = command.words;
  const settings: string[] = [];
  let gitDir: string | undefined;
  let i = 0;
  for (; i < words.length; i++) {
    const a = words[i]!.value;
    if (!a.startsWith('-')) break;
    const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    const inline = a.includes('=') && a.startsWith('--') ? a.slice(a.indexOf('=') + 1) : undefined;
    const value = inline ?? (GIT_GLOBAL_VALUED.has(name) ? words[++i]?.value : undefined);
    if (name === '-c' || name === '--config-env') settings.push(value ?? '');
    if (name === '-C' && value) gitDir = posix.resolve(gitDir ?? ctx.cwd, value);
  }
  const sub = words[i]?.value;
  if (sub === undefined) return undefined;
  return { sub, args: words.slice(i + 1), settings, gitDir };
}

function git(command: EffectiveCommand, ctx: BashContext, reach: Reach): void {
  const invocation = gitInvocation(command, ctx);
  if (!invocation) return;
  const { sub, args } = invocation;
  const remotes: GitRemote[] = [];
  let allRemotes = false;
  switch (sub) {
    case 'clone':
    case 'fetch':
    case 'pull':
    case 'push':
    case 'ls-remote': {
      const parsed = parseArgs(args, GIT_REMOTE_VALUED[sub]!);
      if (has(parsed, '-h', '--help')) return;
      if (sub === 'clone') {
        remotes.push(gitRemote(parsed.operands[0]));
        for (const setting of values(parsed, '-c', '--config')) invocation.settings.push(setting.value);
      } else if ((sub === 'fetch' || sub === 'pull') && has(parsed, '--all', '--multiple')) {
        allRemotes = has(parsed, '--all');
        for (const word of parsed.operands) remotes.push(gitRemote(word));
      } else {
        const repo = [...values(parsed, '--repo'), ...parsed.operands][0];
        remotes.push(gitRemote(repo));
      }
      break;
    }
    case 'archive': {
      const parsed = parseArgs(args, optionSet('--remote', '--exec', '-o', '--output', '--format', '--prefix'));
      const remote = values(parsed, '--remote')[0];
      if (!remote) return;
      remotes.push(gitRemote(remote));
      break;
    }
    case 'send-email':
    case 'imap-send':
    case 'request-pull':
      reach.always.push({ rule: 'network-client', reason: `git ${sub} sends mail or contacts a server cordon cannot check` });
      return;
    case 'daemon':
    case 'instaweb':
      reach.always.push({ rule: 'network-listener', reason: `git ${sub} serves the repository on a listening socket` });
      return;
    case 'submodule': {
      const action = args.find((w) => !w.value.startsWith('-'))?.value;
      if (action === 'add') {
        const parsed = parseArgs(args.slice(args.findIndex((w) => w.value === 'add') + 1), optionSet('-b', '--branch', '--name', '--reference', '--depth'));
        remotes.push(gitRemote(parsed.operands[0]));
      } else if (action === 'update') {
        reach.unknown.push({ reason: `git submodule ${action} fetches from the URLs in .gitmodules` });
        return;
      } else return;
      break;
    }
    case 'remote': {
      const action = args[0]?.value;
      if (action === 'update') allRemotes = true;
      // `-n` keeps show and prune to what is cached locally.
      else if ((action === 'show' || action === 'prune') && !args.some((w) => w.value === '-n')) {
        for (const word of args.slice(1).filter((w) => !w.value.startsWith('-'))) remotes.push(gitRemote(word));
      } else return;
      break;
    }
    case 'lfs': {
      const action = args[0]?.value;
      if (!['fetch', 'pull', 'push', 'clone'].includes(action ?? '')) return;
      remotes.push(gitRemote(args.slice(1).find((w) => !w.value.startsWith('-'))));
      break;
    }
    case 'svn':
    case 'p4':
      if (['clone', 'fetch', 'dcommit', 'rebase', 'init', 'submit', 'sync'].includes(args[0]?.value ?? '')) reach.unknown.push({ reason: `git ${sub} ${args[0]!.value} talks to a server cordon cannot check` });
      return;
    default:
      return;
  }
  judgeGitRemotes(command, ctx, invocation, remotes, allRemotes, reach);
}

function judgeGitRemotes(command: EffectiveCommand, ctx: BashContext, invocation: GitInvocation, remotes: GitRemote[], allRemotes: boolean, reach: Reach): void {
  const rewriting = invocation.settings.some((s) => /^(url\.|remote\.|http\.proxy|https\.proxy|core\.gitproxy|protocol\.)/i.test(s));
  const rewritingEnv = command.assignments.some((a) => /^(GIT_CONFIG_|GIT_PROXY_COMMAND|GIT_SSH|GIT_SSH_COMMAND|ALL_PROXY|all_proxy|HTTPS?_PROXY|https?_proxy)/.test(a));
  if (rewriting || rewritingEnv) {
    reach.unknown.push({ reason: `git ${invocation.sub} runs with settings that change where it connects` });
    return;
  }
  let config: GitConfig | undefined;
  const load = (): GitConfig => (config ??= gitConfigAt(ctx, command.start, invocation.gitDir));
  const urls: Array<{ url: string; word: ArgWord | undefined }> = [];
  for (const remote of remotes) {
    if ('local' in remote) continue;
    if ('url' in remote) {
      urls.push({ url: remote.url, word: remote.word });
      continue;
    }
    const { remotes: known } = load();
    // Without a remote, git picks the branch's upstream or origin; every configured remote is judged, which is never looser.
    if (remote.name === '' && known.size > 0) {
      for (const list of known.values()) for (const url of list) urls.push({ url, word: undefined });
      continue;
    }
    const found = remote.name ? known.get(remote.name) : undefined;
    if (!found) {
      const what = remote.name ? `the remote ${JSON.stringify(remote.name)}` : 'the default remote';
      reach.unknown.push({ reason: `git ${invocation.sub} reaches ${what}, whose URL cordon cannot establish`, word: remote.word });
      continue;
    }
    for (const url of found) urls.push({ url, word: remote.word });
  }
  if (allRemotes) {
    const { remotes: known } = load();
    if (known.size === 0) reach.unknown.push({ reason: `git ${invocation.sub} reaches every remote, and cordon cannot establish their URLs` });
    for (const list of known.values()) for (const url of list) urls.push({ url, word: undefined });
  }
  if (urls.length > 0 && (remotes.some((r) => 'name' in r) || allRemotes) && load().rewrites) {
    reach.unknown.push({ reason: 'git config rewrites remote URLs (url.*.insteadOf)' });
    return;
  }
  for (const { url, word } of urls) {
    if (word && runtimeWord(word)) reach.unknown.push({ reason: `the git remote ${JSON.stringify(word.raw)} is only known at run time`, word });
    else if (url.includes('::') && !SCHEME.test(url)) reach.unknown.push({ reason: `the git remote ${JSON.stringify(url)} runs a remote helper`, word });
    else if (SCHEME.test(url)) addDestination(reach, urlDestination(url), word);
    else if (/^[^/:]+:/.test(url)) addDestination(reach, hostDestination(url.slice(0, url.indexOf(':'))), word);
  }
}

// ---------------------------------------------------------------- the check

const PROXY_VARIABLES = /^(https?_proxy|HTTPS?_PROXY|all_proxy|ALL_PROXY|ftp_proxy|FTP_PROXY)=(.+)$/s;

/** What one command reaches; undefined when the program is not a network client. */
export function reachOf(command: EffectiveCommand, ctx: BashContext, program = command.program): Reach | undefined {
  const words = command.words;
  const reach = emptyReach();
  if (words.length === 1 && HELP_ONLY.has(words[0]!.value) && program !== 'git') return undefined;
  switch (program) {
    case 'curl':
      curl(words, reach);
      break;
    case 'wget':
    case 'wget2':
      wget(words, reach);
      break;
    case 'http':
    case 'https':
    case 'xh':
    case 'xhs':
      httpie(program, words, reach);
      break;
    case 'nc':
    case 'ncat':
    case 'netcat':
    case 'nc.openbsd':
    case 'nc.traditional':
      netcat(program, words, reach);
      break;
    case 'socat':
      socat(words, reach);
      break;
    case 'ssh':
      ssh(program, words, reach);
      break;
    case 'scp':
    case 'sftp':
      scp(program, words, reach);
      break;
    case 'rsync':
      rsync(words, reach);
      break;
    case 'dig':
    case 'drill':
    case 'host':
    case 'nslookup':
    case 'delv':
      dns(program, words, reach);
      break;
    case 'getent':
      if (!/^a?hosts(v[46])?$/.test(words[0]?.value ?? '')) return undefined;
      for (const word of words.slice(1)) addHost(reach, word);
      break;
    case 'openssl':
      openssl(words, reach);
      break;
    case 'psql':
    case 'pg_dump':
    case 'pg_dumpall':
    case 'pg_restore':
    case 'pgbench':
    case 'mysql':
    case 'mariadb':
    case 'mysqldump':
    case 'redis-cli':
    case 'mongo':
    case 'mongosh':
    case 'mongodump':
    case 'mongoexport':
      database(words, reach);
      break;
    case 'smbclient':
    case 'smbget':
    case 'rpcclient':
      smb(words, reach);
      break;
    case 'gawk':
    case 'awk':
      if (!words.some((w) => /\/inet[46]?\/(tcp|udp)\//.test(w.value))) return undefined;
      reach.unknown.push({ reason: `${program} opens a socket through its /inet special files` });
      break;
    case 'gh':
      forge(command, ctx, words, reach, 'api.github.com', 'GH_HOST');
      break;
    case 'glab':
      forge(command, ctx, words, reach, 'gitlab.com', 'GITLAB_HOST');
      break;
    case 'hub':
      reach.hosts.push({ host: 'github.com', word: undefined }, { host: 'api.github.com', word: undefined });
      break;
    case 'git':
      git(command, ctx, reach);
      break;
    case 'gradle':
    case 'gradlew':
      if (gradlePublishes(words)) reach.always.push({ rule: 'network-publish', reason: `${program} publish uploads artifacts to a registry` });
      break;
    default:
      if (HOST_OPERAND[program]) hostOperands(program, words, reach);
      else if (MAIL_PROGRAMS.has(program)) {
        if (words.length > 0) reach.always.push({ rule: 'network-client', reason: `${program} sends mail through a server cordon cannot check` });
      } else if (ALWAYS_NETWORK.has(program)) reach.always.push({ rule: 'network-client', reason: `${program} is a network client whose destination cordon does not parse` });
      else if (CLOUD_CLIS.has(program)) {
        if (!cloudStaysLocal(program, words)) reach.always.push({ rule: 'network-cloud-cli', reason: `${program} talks to its cloud provider's API` });
      } else if (publishes(program, words)) {
        reach.always.push({ rule: 'network-publish', reason: `${program} ${words.find((w) => !w.value.startsWith('-'))?.value ?? ''} uploads to a registry`.replace(/ {2,}/g, ' ') });
      } else return undefined;
  }
  for (const assignment of command.assignments) {
    const proxy = PROXY_VARIABLES.exec(assignment);
    if (proxy) addDestination(reach, urlDestination(proxy[2]!), undefined);
  }
  if (command.via.includes('xargs') && reach.always.length === 0) reach.unknown.push({ reason: 'xargs adds arguments read from its input' });
  return reach;
}

/** Every program name `reachOf` knows, for following a client copied or linked under another name. */
const CLIENT_NAMES = new Set([
  'curl', 'wget', 'wget2', 'http', 'https', 'xh', 'xhs', 'nc', 'ncat', 'netcat', 'nc.openbsd', 'nc.traditional', 'socat', 'ssh', 'scp', 'sftp', 'rsync',
  'dig', 'drill', 'host', 'nslookup', 'delv', 'openssl', 'psql', 'mysql', 'redis-cli', 'mongosh', 'smbclient', 'gawk', 'gh', 'glab', 'hub', 'git',
  ...Object.keys(HOST_OPERAND), ...MAIL_PROGRAMS, ...ALWAYS_NETWORK, ...CLOUD_CLIS,
]);

const COPIERS = new Set(['cp', 'ln', 'mv', 'install', 'rsync']);

/**
 * The network client a command really runs when an earlier command copied or linked it under another
 * name (`cp /usr/bin/curl ./c && ./c …`).
 */
export function renamedClient(command: EffectiveCommand, ctx: BashContext): string | undefined {
  if (!command.path.includes('/') && !ctx.parsed.commands.some((c) => c.start < command.start && COPIERS.has(c.program))) return undefined;
  const runs = new Set(cwdsAt(ctx, command.start).map((dir) => posix.resolve(dir, command.path)));
  for (const copy of ctx.parsed.commands) {
    if (copy.start >= command.start) break;
    if (!COPIERS.has(copy.program)) continue;
    const operands = copy.words.filter((w) => !w.value.startsWith('-'));
    const target = operands[operands.length - 1];
    if (!target || operands.length < 2) continue;
    for (const source of operands.slice(0, -1)) {
      const lookedUp = /^\$\((?:command\s+-v|which|type\s+-P)\s+([\w.+-]+)\s*\)$/.exec(source.value);
      const name = lookedUp ? lookedUp[1]! : posix.basename(source.value);
      if (!CLIENT_NAMES.has(name)) continue;
      for (const dir of cwdsAt(ctx, copy.start)) {
        const dest = posix.resolve(dir, target.value);
        if (runs.has(dest) || runs.has(posix.join(dest, name))) return name;
      }
    }
  }
  return undefined;
}

function hostOperands(program: string, words: readonly ArgWord[], reach: Reach): void {
  const spec = HOST_OPERAND[program]!;
  const parsed = parseArgs(words, spec.valued);
  if (program === 'lftp' && has(parsed, '-e', '-c', '-f')) {
    reach.unknown.push({ reason: 'lftp runs commands that can open any site' });
    return;
  }
  if (program === 'autossh' && sshOptions(program, parsed, reach)) return;
  const hosts = spec.all ? parsed.operands : parsed.operands.slice(0, 1);
  if (hosts.length === 0 && spec.needsHost) reach.unknown.push({ reason: `${program} without a host reads its destination from its input` });
  for (const word of hosts) addHost(reach, word);
}

/** Turns what a command reaches into hits: unknown destinations, special addresses, hosts not on the allowlist. */
export function reachHits(program: string, reach: Reach, ctx: BashContext, span: Span): Hit[] {
  const hits: Hit[] = [];
  for (const always of reach.always) hits.push({ category: 'network', rule: always.rule, reason: always.reason, span });
  for (const unknown of reach.unknown) {
    hits.push({ category: 'network', rule: 'network-unknown-host', reason: `${program} reaches a host cordon cannot establish: ${unknown.reason}`, span: unknown.word ? spanOf(unknown.word) : span });
  }
  for (const { host, word } of reach.hosts) {
    const at = word ? spanOf(word) : span;
    const kind = classifyHost(host);
    if (kind.kind === 'invalid') hits.push({ category: 'network', rule: 'network-unknown-host', reason: `${program} reaches ${JSON.stringify(host)}, which is not a valid host name`, span: at });
    else if (kind.kind === 'metadata') hits.push({ category: 'network', rule: 'network-metadata', reason: `${program} reaches the cloud metadata endpoint ${kind.name}`, span: at });
    else if (kind.kind !== 'public') hits.push({ category: 'network', rule: 'network-local-address', reason: `${program} reaches the ${kind.kind} address ${kind.name}, which is never allowed`, span: at });
    else if (!hostAllowed(kind.name, ctx.policy.allowedHosts)) hits.push({ category: 'network', rule: 'network-host-not-allowed', reason: `${program} reaches ${kind.name}, which is not on allowed-hosts`, span: at });
  }
  return hits;
}

export const networkClient: BashCheck = {
  name: 'network',
  command(command, ctx) {
    if (command.dynamic) return [];
    const program = renamedClient(command, ctx) ?? command.program;
    const reach = reachOf(command, ctx, program);
    if (!reach) return [];
    return reachHits(program, reach, ctx, commandSpan(command));
  },
  redirect(redirect) {
    // bash itself opens a socket for these names; the grammar keeps the target as written.
    const target = redirect.target.value;
    const normal = target.startsWith('/') ? posix.normalize(target) : target;
    const match = /^\/dev\/(tcp|udp)\/([^/]*)\//.exec(normal);
    if (!match) return [];
    return [{ category: 'network', rule: 'network-dev-tcp', reason: `the redirection to /dev/${match[1]}/${match[2]} opens a network socket from bash itself`, span: spanOf(redirect.target) }];
  },
};
