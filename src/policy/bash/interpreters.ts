// Interpreter code run from the command line (`python3 -c`, `node -e`, `perl -e`, heredocs, `-m` modules): what the code reaches.

import { posix } from 'node:path';
import type { PolicyCategory } from '../../config/policy-schema.js';
import type { ArgWord, EffectiveCommand } from '../bash-commands.js';
import { judgePath, type PathTool } from '../paths.js';
import type { Hit, Span } from '../verdict.js';
import { commandSpan, spanOf, type BashCheck, type BashContext } from './context.js';

export type Language = 'python' | 'js' | 'perl' | 'ruby' | 'php' | 'lua' | 'r' | 'applescript' | 'powershell' | 'tcl';

/** What an interpreter command line runs: inline code, stdin, a module, a file, or nothing at all. */
export interface Invocation {
  language: Language;
  /** Inline code (`-c`, `-e`, `eval`), joined when given several times. */
  code?: { text: string; words: ArgWord[] };
  /** Libraries the flags load before the code (`perl -MLWP::Simple`, `ruby -rsocket`, `python3 -m http.server`). */
  modules: string[];
  /** The script file operand. */
  file?: ArgWord;
  /** The code comes from standard input (`-`, `/dev/stdin`, or no operand at all). */
  readsStdin: boolean;
  /** A command line that runs nothing we judge (`node --version`, `deno test`, `bun install`). */
  inert?: boolean;
}

export function languageOf(program: string): Language | undefined {
  if (/^(python(\d+(\.\d+)?)?|pypy\d*)$/.test(program)) return 'python';
  if (/^(node|nodejs|bun|deno|tsx|ts-node|ts-node-esm|esno|vite-node)$/.test(program)) return 'js';
  if (/^perl(\d+(\.\d+)*)?$/.test(program)) return 'perl';
  if (/^(ruby|jruby|truffleruby)$/.test(program)) return 'ruby';
  if (/^php(\d+(\.\d+)?)?(-cli)?$/.test(program)) return 'php';
  if (/^(lua(\d+(\.\d+)?)?|luajit)$/.test(program)) return 'lua';
  if (program === 'Rscript' || program === 'R') return 'r';
  if (program === 'osascript') return 'applescript';
  if (/^(pwsh|powershell)(\.exe)?$/i.test(program)) return 'powershell';
  if (/^(expect|tclsh\d*(\.\d+)?|wish\d*(\.\d+)?)$/.test(program)) return 'tcl';
  return undefined;
}

/** The program a `#!` line names (`#!/usr/bin/env -S deno run` → `deno`); undefined without one. */
export function shebangProgram(text: string): string | undefined {
  const shebang = /^#!\s*(\S+)(?:[ \t]+(?:-\S+[ \t]+)*(\S+))?/.exec(text);
  if (!shebang) return undefined;
  return posix.basename(posix.basename(shebang[1]!) === 'env' ? (shebang[2] ?? '') : shebang[1]!);
}

/** The language of a script file, from its `#!` line or its extension; undefined for a shell script. */
export function languageOfFile(path: string, text: string): Language | undefined {
  const interpreter = shebangProgram(text);
  if (interpreter !== undefined) return languageOf(interpreter);
  const ext = posix.extname(path);
  const byExt: Record<string, Language> = {
    '.py': 'python', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'js', '.mts': 'js', '.cts': 'js', '.pl': 'perl',
    '.rb': 'ruby', '.php': 'php', '.lua': 'lua', '.r': 'r', '.R': 'r', '.ps1': 'powershell', '.tcl': 'tcl', '.exp': 'tcl', '.applescript': 'applescript',
  };
  return byExt[ext];
}

/** Reads an interpreter's command line. Unknown options are skipped; the first operand is the script file. */
export function invocationOf(command: EffectiveCommand): Invocation | undefined {
  const language = languageOf(command.program);
  if (!language) return undefined;
  const words = command.words;
  const out: Invocation = { language, modules: [], readsStdin: false };
  const addCode = (word: ArgWord | undefined, text = word?.value ?? ''): void => {
    if (!word) return;
    if (text === word.value) text = wordText(word);
    out.code = { text: out.code ? `${out.code.text}\n${text}` : text, words: [...(out.code?.words ?? []), word] };
  };
  const program = command.program;
  let i = 0;
  if (program === 'deno' || program === 'bun') {
    const sub = words[0]?.value;
    if (program === 'deno') {
      if (sub === 'eval') {
        const at = words.findIndex((w, k) => k > 0 && !w.value.startsWith('-'));
        addCode(words[at]);
        return out;
      }
      if (sub !== 'run') return { ...out, inert: true };
      i = 1;
    } else if (sub === 'run') i = 1;
    else if (sub && !sub.startsWith('-') && !/[./]/.test(sub)) return { ...out, inert: true };
  }
  for (; i < words.length; i++) {
    const word = words[i]!;
    const a = word.value;
    if (a === '--') { i++; break; }
    if (a === '-') { out.readsStdin = true; return out; }
    if (!a.startsWith('-') || a.length === 1) break;
    const next = words[i + 1];
    switch (language) {
      case 'python':
        if (/^-[bBdEhiIOqsSuvVxR]*c$/.test(a)) { addCode(next); return out; }
        if (a.startsWith('-c')) { addCode(word, a.slice(2)); return out; }
        if (/^-[bBdEhiIOqsSuvVxR]*m$/.test(a)) { if (next) out.modules.push(next.value); return out; }
        if (a.startsWith('-m')) { out.modules.push(a.slice(2)); return out; }
        if (a === '-W' || a === '-X' || a === '--check-hash-based-pycs') i++;
        if (a === '-V' || a === '--version' || a === '-h' || a === '--help') return { ...out, inert: true };
        break;
      case 'js':
        if (a === '-e' || a === '--eval' || a === '-p' || a === '--print' || a === '-pe') { addCode(next); return out; }
        if (a.startsWith('--eval=') || a.startsWith('--print=')) { addCode(word, a.slice(a.indexOf('=') + 1)); return out; }
        if (program === 'node' && (a === '-c' || a === '--check')) return { ...out, inert: true };
        if (a === '-r' || a === '--require' || a === '--import' || a === '--loader' || a === '--experimental-loader') {
          if (next) out.modules.push(next.value);
          i++;
        } else if (/^--(require|import|loader|experimental-loader)=/.test(a)) out.modules.push(a.slice(a.indexOf('=') + 1));
        else if (a === '--title' || a === '--env-file' || a === '--cwd' || a === '--config' || a === '-c' || a === '--conditions' || a === '-C') i++;
        if (a === '-v' || a === '--version' || a === '-h' || a === '--help') return { ...out, inert: true };
        break;
      case 'perl':
        if (/^-[a-zA-DF-Z0-9:.]*[eE]$/.test(a) && !a.startsWith('-M') && !a.startsWith('-m') && !a.startsWith('-i')) { addCode(next); i++; break; }
        if (a.startsWith('-i') && /[eE]$/.test(a) && a.length === 3) { addCode(next); i++; break; }
        if (/^-[Mm]-?$/.test(a)) { if (next) out.modules.push(next.value.replace(/=.*/, '')); i++; break; }
        if (/^-[Mm]/.test(a)) out.modules.push(a.slice(2).replace(/^-/, '').replace(/=.*/, ''));
        if (a === '-I' || a === '-x') i++;
        if (a === '-v' || a === '-V' || a === '--version' || a === '-c' || a === '-h') return { ...out, inert: true };
        break;
      case 'ruby':
        if (/^-[a-zA-Z]*e$/.test(a) && !a.startsWith('-r')) { addCode(next); i++; break; }
        if (a === '-r' || a === '-I' || a === '-C') { if (a === '-r' && next) out.modules.push(next.value); i++; break; }
        if (a.startsWith('-r')) out.modules.push(a.slice(2));
        if (a === '-v' || a === '--version' || a === '-c' || a === '-h' || a === '--help') return { ...out, inert: true };
        break;
      case 'php':
        if (a === '-r' || a === '-B' || a === '-R' || a === '-E') { addCode(next); i++; break; }
        if (a === '-S') { out.modules.push('built-in web server'); i++; break; }
        if (a === '-f') { out.file = next; return out; }
        if (a === '-c' || a === '-d' || a === '-z' || a === '-t') i++;
        if (a === '-v' || a === '--version' || a === '-l' || a === '-m' || a === '-i' || a === '-h') return { ...out, inert: true };
        break;
      case 'lua':
        if (a === '-e') { addCode(next); i++; break; }
        if (a.startsWith('-e')) { addCode(word, a.slice(2)); break; }
        if (a === '-l') { if (next) out.modules.push(next.value); i++; break; }
        if (a.startsWith('-l')) out.modules.push(a.slice(2));
        if (a === '-v') return { ...out, inert: true };
        break;
      case 'r':
        if (a === '-e') { addCode(next); i++; break; }
        if (a === '-f' || a === '--file') { out.file = next; return out; }
        if (a.startsWith('--file=')) { out.file = { ...word, value: a.slice(7) }; return out; }
        if (a === '--version') return { ...out, inert: true };
        break;
      case 'applescript':
        if (a === '-e') { addCode(next); i++; break; }
        if (a === '-l' || a === '-s') i++;
        break;
      case 'powershell': {
        const flag = a.toLowerCase();
        if (/^-(c|co|com|comm|comma|comman|command)$/.test(flag)) { addCode(words.length > i + 1 ? joinWords(words.slice(i + 1)) : undefined); return out; }
        if (/^-(e|ec|en|enc|enco|encod|encode|encoded|encodedc|encodedcommand)$/.test(flag)) { addCode(next, `[encoded] ${next?.value ?? ''}`); return out; }
        if (/^-(f|fi|fil|file)$/.test(flag)) { out.file = next; return out; }
        if (/^-(executionpolicy|ep|ex|workingdirectory|wd|configurationname|inputformat|outputformat|windowstyle|settingsfile)$/.test(flag)) i++;
        if (flag === '-v' || flag === '-version' || flag === '--version') return { ...out, inert: true };
        break;
      }
      case 'tcl':
        if (a === '-c') { addCode(next); i++; break; }
        if (a === '-f') { out.file = next; return out; }
        if (a === '-encoding') i++;
        break;
    }
  }
  if (out.code) return out;
  const operand = words[i];
  if (!operand) {
    out.readsStdin = out.modules.length === 0 || language !== 'python';
    return out;
  }
  if (operand.value === '/dev/stdin' || operand.value === '-') out.readsStdin = true;
  else out.file = operand;
  return out;
}

function joinWords(words: ArgWord[]): ArgWord {
  const first = words[0]!;
  return { value: words.map((w) => w.value).join(' '), raw: words.map((w) => w.raw).join(' '), start: first.start, dynamic: words.some((w) => w.dynamic) };
}

/** The code in a word is decided by the shell at run time: `"$(curl …)"`, `"$CODE"`, backquotes. */
function expandsAtRunTime(word: ArgWord): boolean {
  return word.dynamic && /[$`]/.test(word.raw.replace(/'[^']*'/g, ''));
}

/** Decodes the escapes of a `$'…'` string, which the parser leaves as written. */
export function decodeAnsiC(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x' || (e[0] === 'u' && e.length > 1)) return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v' } as Record<string, string>)[e] ?? e;
  });
}

/** A word's value with `$'…'` escapes decoded. */
export function wordText(word: ArgWord): string {
  return word.raw.includes("$'") ? decodeAnsiC(word.value) : word.value;
}

/** The here-doc or here-string text a command reads, with a `<<< $'…'` here-string's escapes decoded. */
export function stdinTextOf(ctx: BashContext, command: EffectiveCommand): string | undefined {
  if (command.stdinText === undefined) return undefined;
  const line = ctx.script.slice(command.start).split('\n')[0]!;
  return /<<<\s*\$'/.test(line) ? decodeAnsiC(command.stdinText) : command.stdinText;
}

/** True when the command's standard input is the previous command's output (`… | python3`). */
export function readsPipe(ctx: BashContext, command: EffectiveCommand): boolean {
  let i = command.start - 1;
  const text = ctx.script;
  while (i >= 0 && /[\s({]/.test(text[i]!)) i--;
  // `… | FOO=1 python3`: step back over assignment prefixes.
  while (command.assignments.length > 0 && i >= 0 && !/[|;&\n]/.test(text[i]!)) i--;
  if (text[i] === '&' && text[i - 1] === '|') return true;
  return text[i] === '|' && text[i - 1] !== '|';
}

export const interpreterCode: BashCheck = {
  name: 'interpreter-code',
  command(command, ctx) {
    if (command.dynamic) return [];
    const invocation = invocationOf(command);
    if (!invocation || invocation.inert) return [];
    const span = commandSpan(command);
    const name = command.program;
    const hits: Hit[] = [];
    for (const module of invocation.modules) hits.push(...moduleHits(module, name, span));
    if (invocation.code) {
      const runTime = invocation.code.words.find(expandsAtRunTime);
      if (runTime) hits.push({ category: 'arbitrary-code', rule: 'interpreter-dynamic-code', reason: `${name} runs code that is only known at run time (${clip(runTime.raw)})`, span: spanOf(runTime) });
      hits.push(...codeHits(ctx, invocation.code.text, invocation.language, span, `${name} code`));
    } else if (invocation.readsStdin) {
      const stdin = stdinTextOf(ctx, command);
      if (stdin !== undefined) hits.push(...codeHits(ctx, stdin, invocation.language, span, `${name} code on stdin`));
      else if (readsPipe(ctx, command)) hits.push({ category: 'arbitrary-code', rule: 'interpreter-dynamic-code', reason: `${name} runs whatever code is piped into it`, span });
    } else if (invocation.file && /^(https?|ftp|jsr|npm):/.test(invocation.file.value)) {
      hits.push({ category: 'network', rule: 'interpreter-network', reason: `${name} runs code fetched from ${clip(invocation.file.value)}`, span: spanOf(invocation.file) });
    } else if (invocation.file && /^[<>]\(|^\$\(|`/.test(invocation.file.raw)) {
      hits.push({ category: 'arbitrary-code', rule: 'interpreter-dynamic-code', reason: `${name} runs a script that only exists at run time (${clip(invocation.file.raw)})`, span: spanOf(invocation.file) });
    }
    return hits;
  },
};

/** Python modules run with `-m` that open sockets; and libraries loaded by flags (`-MLWP::Simple`, `-rsocket`). */
const NETWORK_MODULES = /^(http\.server|SimpleHTTPServer|CGIHTTPServer|smtpd|smtplib|ftplib|telnetlib|poplib|imaplib|nntplib|urllib(\..*)?|http\.client|xmlrpc\..*|webbrowser|aiohttp.*|httpx|requests|socketserver|socket|asyncio\..*|pip\._vendor.*|LWP.*|IO::Socket.*|Net::.*|HTTP::.*|Socket|socket|net\/.*|open-uri|uri|https?|net|dgram|dns|tls|http2|built-in web server|luasocket|socket\..*)$/;

function moduleHits(module: string, program: string, span: Span): Hit[] {
  if (NETWORK_MODULES.test(module)) {
    return [{ category: 'network', rule: 'interpreter-network', reason: `${program} loads ${module}, which opens network connections`, span }];
  }
  return [];
}

interface CodeRules {
  network: RegExp[];
  environment: RegExp[];
  process: RegExp[];
  dynamic: RegExp[];
  /** Calls that write, delete or rename files: the regex ends at the call's `(`; `arg` is the destination operand. */
  writes: Array<{ call: RegExp; arg: number | 'last'; mode?: number | 'perl' }>;
}

/** Text spelled one character code at a time (`chr(99)+chr(117)`, `''.join(map(chr, …))`); a single `chr()` is not. */
const CHR_JOIN = /\bchr\s*\(?[^()\n]{0,40}\)?\s*[+.]\s*chr\b|\bjoin\s*\([^\n]{0,80}\bchr\b|\bmap\s*\(?\s*(\{\s*)?chr\b/;

// Shared by every language: URLs handed to a call, decoders of hidden payloads.
const COMMON_DYNAMIC = [/\bbase64\b/i, /\bb64decode\b/, /\batob\s*\(/, /\bfromCharCode\b/, /\bunhexlify\b/, /\bfromhex\b/, /\brot_?13\b/i, /\bFromBase64String\b/, /\bdecode_base64\b/];

const RULES: Record<Language, CodeRules> = {
  python: {
    network: [/\burllib\d?\b/, /\brequests\b/, /\bhttp\.client\b/, /\bhttplib2?\b/, /\bsocket\b/, /\bftplib\b/, /\bsmtplib\b/, /\btelnetlib\b/, /\bhttpx\b/, /\baiohttp\b/, /\bparamiko\b/, /\bxmlrpc\b/, /\bwebbrowser\b/, /\bhttp\.server\b/, /\bsocketserver\b/, /\bpoplib\b/, /\bimaplib\b/],
    environment: [/\benviron\b/, /\bgetenv\b/, /\benvironb\b/],
    process: [/\bsubprocess\b/, /\bos\s*\.\s*(system|popen|exec\w*|spawn\w*|fork\w*|posix_spawn\w*)\b/, /\bpty\b/, /\bcommands\s*\.\s*getoutput/, /\bos\s*\.\s*set(e?[ug]id|res[ug]id)\b/, /\bctypes\b/, /\bmultiprocessing\b/],
    dynamic: [/(^|[^.\w])(eval|exec|compile)\s*\(/, /\b__import__\b/, /\bgetattr\s*\(/, /\bimportlib\b/, /\b__builtins__\b/, /\bglobals\s*\(\s*\)/, /\bcodecs\b/, /\bzlib\b/, /\bmarshal\b/, /\bpickle\b/, CHR_JOIN, /\bbinascii\b/, /\bbytes\.fromhex\b/],
    writes: [
      { call: /(^|[^.\w])open\s*\(/, arg: 0, mode: 1 },
      { call: /\.\s*(write_text|write_bytes|touch|unlink|rmdir|mkdir|chmod|symlink_to|hardlink_to)\s*\(/, arg: -1 },
      { call: /\bos\s*\.\s*(remove|unlink|rmdir|removedirs|makedirs|mkdir|chmod|chown|truncate|mkfifo|utime)\s*\(/, arg: 0 },
      { call: /\bos\s*\.\s*(rename|replace|symlink|link)\s*\(/, arg: 'last' },
      { call: /\bshutil\s*\.\s*(rmtree|chown)\s*\(/, arg: 0 },
      { call: /\bshutil\s*\.\s*(copy|copy2|copyfile|copytree|move|copymode|copystat)\s*\(/, arg: 1 },
    ],
  },
  js: {
    network: [/\bfetch\s*\(/, /\brequire\s*\(\s*['"`](node:)?(https?|http2|net|dgram|dns|tls|undici|axios|node-fetch|got|ws)(\/[\w/]*)?['"`]\s*\)/, /\bimport\s*\(\s*['"`](node:)?(https?|http2|net|dgram|dns|tls)['"`]/, /\bfrom\s+['"`](node:)?(https?|http2|net|dgram|dns|tls)['"`]/, /\bXMLHttpRequest\b/, /\bWebSocket\b/, /\bEventSource\b/, /\bDeno\s*\.\s*(connect|listen|resolveDns)\b/, /\bBun\s*\.\s*(connect|listen|serve)\b/, /\bsendBeacon\b/],
    environment: [/\bprocess\s*\.\s*env\b/, /\bprocess\s*\[\s*['"`]env['"`]\s*\]/, /\bDeno\s*\.\s*env\b/, /\bBun\s*\.\s*env\b/, /\bimport\.meta\.env\b/, /\bprocess\.binding\b/],
    process: [/\bchild_process\b/, /\b(execSync|execFileSync|spawnSync|execFile)\s*\(/, /(^|[^.\w])(exec|spawn|fork)\s*\(/, /\bBun\s*\.\s*(spawn|spawnSync|\$)/, /\bDeno\s*\.\s*(Command|run)\b/, /\bprocess\s*\.\s*(dlopen|kill|setuid|setgid)\b/, /\bworker_threads\b/, /\bprocess\.binding\b/],
    dynamic: [/(^|[^.\w])eval\s*\(/, /\bnew\s+Function\b/, /(^|[^.\w])Function\s*\(/, /\bvm\s*\.\s*(runIn\w*|Script|compileFunction)/, /\brequire\s*\(\s*(?!['"`][^'"`$]*['"`]\s*\))/, /\bimport\s*\(\s*(?!['"`][^'"`$]*['"`]\s*\))/, /\bBuffer\s*\.\s*from\s*\([^)]{0,300}['"`](base64|hex|base64url)['"`]/, /\brequire\s*\(\s*['"`](node:)?vm['"`]\s*\)/, /\bconstructor\s*\.\s*constructor\b/, /\bsetTimeout\s*\(\s*['"`]/],
    writes: [
      { call: /(^|[^\w])(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|rmSync|rm|rmdirSync|rmdir|unlinkSync|unlink|mkdirSync|mkdir|truncateSync|truncate|chmodSync|chmod|chownSync|chown|utimesSync|mkdtempSync|writeTextFile|writeTextFileSync|remove|removeSync|outputFile|outputFileSync)\s*\(/, arg: 0 },
      { call: /(^|[^\w])(copyFileSync|copyFile|cpSync|cp|renameSync|rename|symlinkSync|symlink|linkSync|link)\s*\(/, arg: 1 },
      { call: /\bBun\s*\.\s*write\s*\(/, arg: 0 },
      { call: /(^|[^\w])openSync\s*\(/, arg: 0, mode: 1 },
    ],
  },
  perl: {
    network: [/\bLWP\b/, /\bIO::Socket\b/, /\bNet::\w+/, /\bHTTP::(Tiny|Request)\b/, /\buse\s+Socket\b/, /\bsocket\s*\(/, /\bgetprint\b/, /\bgetstore\b/, /\bMojo::UserAgent\b/],
    environment: [/%ENV\b/, /\$ENV\s*\{/, /\bgetenv\b/],
    process: [/\bsystem\b/, /`[^`]*`/, /\bqx\s*[^\w\s]/, /(^|[^\w$])exec\b/, /\bfork\b/, /\bopen\s*\(?[^;\n]{0,200}['"]\s*\|/, /\bopen\s*\(?[^;\n]{0,200}['"]\s*-\|/, /['"]\|\s*\w/, /\bIPC::(Open[23]|Run)\b/, /\bsyscall\b/, /\$[<>]\s*=\s*0/],
    dynamic: [/\beval\s*(?!\{)\S/, /\bpack\s*\(?\s*['"][Hh]/, /\bunpack\b/, /\bMIME::Base64\b/, CHR_JOIN, /\bCompress::/, /\bdo\s+['"$]/, /\brequire\s+\$/],
    writes: [
      { call: /\bopen\s*\(/, arg: 'last', mode: 'perl' },
      { call: /\b(unlink|rmdir|mkdir|chmod|chown|truncate|utime)\s*\(/, arg: 'last' },
      { call: /\b(rename|symlink|link)\s*\(/, arg: 'last' },
    ],
  },
  ruby: {
    network: [/\bnet\/\w+/, /\bNet::\w+/, /\bopen-uri\b/, /\bURI\s*\.\s*open\b/, /\b(TCP|UDP|UNIX)?Socket\b/, /['"]socket['"]/, /\bFaraday\b/, /\bHTTParty\b/, /\bRestClient\b/, /\bOpen3\b[^\n]{0,200}https?:/],
    environment: [/\bENV\b/, /\bgetenv\b/],
    process: [/\bsystem\b/, /`[^`]*`/, /%x\s*[^\w\s]/, /(^|[^\w.])exec\b/, /\bspawn\b/, /\bfork\b/, /\bIO\s*\.\s*popen\b/, /\bOpen3\b/, /\bKernel\s*\.\s*(system|exec|spawn|`)/, /\bPTY\b/, /\bProcess\s*\.\s*(spawn|exec|kill|uid)/, /\bsyscall\b/, /\bopen\s*\(\s*['"]\|/],
    dynamic: [/(^|[^.\w])eval\b/, /\b(instance|class|module)_eval\b/, /\bsend\s*\(/, /\bpublic_send\b/, /\bconstantize\b/, /\bunpack1?\s*\(\s*['"]m/, /\bZlib\b/, /\bMarshal\b/, /\.chr\b/, /\bObject\s*\.\s*const_get\b/],
    writes: [
      { call: /\b(File|IO)\s*\.\s*(write|binwrite|delete|unlink|truncate|chmod|chown|mkfifo|utime)\s*\(/, arg: 0 },
      { call: /\b(File|IO)\s*\.\s*(rename|symlink|link)\s*\(/, arg: 1 },
      { call: /\bFile\s*\.\s*(open|new)\s*\(/, arg: 0, mode: 1 },
      { call: /\bFileUtils\s*\.\s*(rm|rm_r|rm_rf|rm_f|rmdir|remove|touch|mkdir|mkdir_p|chmod|chown)\s*\(/, arg: 0 },
      { call: /\bFileUtils\s*\.\s*(mv|cp|cp_r|ln|ln_s|ln_sf|copy|move|install)\s*\(/, arg: 1 },
      { call: /\bDir\s*\.\s*(mkdir|rmdir|delete|unlink)\s*\(/, arg: 0 },
    ],
  },
  php: {
    network: [/\bfsockopen\b/, /\bcurl_(init|exec)\b/, /\bstream_socket_(client|server)\b/, /\bsocket_(create|connect)\b/, /\bmail\s*\(/, /\bget_headers\b/, /\bdns_get_record\b/, /\bgethostbyname\b/],
    environment: [/\$_ENV\b/, /\$_SERVER\b/, /\bgetenv\b/],
    process: [/\b(system|exec|shell_exec|passthru|popen|proc_open|pcntl_exec|pcntl_fork)\s*\(/, /`[^`]*`/, /\bposix_set(e?[ug]id)\b/],
    dynamic: [/(^|[^.\w])eval\s*\(/, /\bassert\s*\(/, /\bcreate_function\b/, /\bpreg_replace\s*\([^,]{0,200}\/e/, /\bgzinflate\b/, /\bgzuncompress\b/, /\bstr_rot13\b/, /\bhex2bin\b/, CHR_JOIN, /\bcall_user_func/, /\$\w+\s*\(/, /\binclude\b/, /\brequire(_once)?\b/],
    writes: [
      { call: /\b(file_put_contents|unlink|rmdir|mkdir|touch|chmod|chown|tempnam)\s*\(/, arg: 0 },
      { call: /\b(rename|copy|symlink|link)\s*\(/, arg: 1 },
      { call: /\bfopen\s*\(/, arg: 0, mode: 1 },
    ],
  },
  lua: {
    network: [/\bsocket\b/, /\bhttp\s*\.\s*request\b/, /\bhttps\b/, /\bluasocket\b/],
    environment: [/\bgetenv\b/],
    process: [/\bos\s*\.\s*execute\b/, /\bio\s*\.\s*popen\b/, /\bposix\b/],
    dynamic: [/\bloadstring\b/, /(^|[^.\w])load\s*\(/, /\bdofile\b/, /\bloadfile\b/, /\bstring\s*\.\s*char\b/, /\bstring\s*\.\s*dump\b/],
    writes: [
      { call: /\bio\s*\.\s*open\s*\(/, arg: 0, mode: 1 },
      { call: /\bos\s*\.\s*remove\s*\(/, arg: 0 },
      { call: /\bos\s*\.\s*rename\s*\(/, arg: 1 },
      { call: /\bio\s*\.\s*output\s*\(/, arg: 0 },
    ],
  },
  r: {
    network: [/\bdownload\.file\b/, /(^|[^.\w])url\s*\(/, /\bhttr2?\b/, /\bcurl::/, /\bRCurl\b/, /\bsocketConnection\b/, /\bmake\.socket\b/, /\bbrowseURL\b/],
    environment: [/\bSys\s*\.\s*getenv\b/],
    process: [/\bsystem2?\s*\(/, /(^|[^.\w])shell\s*\(/, /\bprocessx\b/, /\bpipe\s*\(/, /\bSys\s*\.\s*setenv\b/],
    dynamic: [/\beval\s*\(\s*parse\b/, /\bparse\s*\(\s*text\b/, /\bbase64enc\b/, /\brawToChar\b/, /\bintToUtf8\b/, /\bdo\.call\b/, /\bsource\s*\(/],
    writes: [
      { call: /\b(write\.csv|write\.table|saveRDS)\s*\(/, arg: 'last' },
      { call: /\bfile\.(remove|create|rename|copy|append|symlink)\s*\(/, arg: 'last' },
      { call: /\b(unlink|dir\.create)\s*\(/, arg: 0 },
    ],
  },
  applescript: {
    network: [/\bopen\s+location\b/, /\bURL\b/],
    environment: [/\bsystem\s+attribute\b/, /\benvironment\b/],
    process: [/\bdo\s*shell\s*script\b/i, /\bdoShellScript\b/, /\bTerminal\b/, /\bdo\s+script\b/, /\bSystem\s+Events\b/],
    dynamic: [/\brun\s+script\b/, /\bload\s+script\b/],
    writes: [{ call: /\bwrite\b/, arg: 0 }],
  },
  powershell: {
    network: [/\b(Invoke-WebRequest|iwr|Invoke-RestMethod|irm|Start-BitsTransfer|Test-NetConnection|Resolve-DnsName|Send-MailMessage)\b/i, /\bNet\.(WebClient|Sockets|Http)/i, /\bSystem\.Net\b/i, /\b(curl|wget)\b/i],
    environment: [/\$env:/i, /\benv:/i, /\bGetEnvironmentVariable\b/i, /\bGet-ChildItem\s+env:/i],
    process: [/\b(Start-Process|saps|Invoke-Item|ii)\b/i, /\bSystem\.Diagnostics\.Process\b/i, /(^|[;|{]\s*)&\s*['"$(]/, /\bcmd(\.exe)?\b/i, /\b(bash|sh)\b/],
    dynamic: [/\b(Invoke-Expression|iex|Invoke-Command|icm|Add-Type)\b/i, /\[scriptblock\]::Create/i, /\[encoded\]/, /\[char\]/i, /-join\b/i],
    writes: [{ call: /\b(Set-Content|Add-Content|Out-File|New-Item|Remove-Item|Copy-Item|Move-Item|Rename-Item|sc|ac|ni|rm|del|rmdir|cp|mv)\b/i, arg: 0 }],
  },
  tcl: {
    network: [/\bsocket\b/, /\bhttp::geturl\b/, /\bpackage\s+require\s+(http|tls)\b/],
    environment: [/\benv\s*\(/, /::env\b/],
    process: [/(^|[;\[{\s])exec\s/, /(^|[;\[{\s])spawn\s/, /\bopen\s+["{]?\|/, /\binteract\b/],
    dynamic: [/(^|[;\[{\s])(eval|uplevel|subst)\s/, /\bbinary\s+decode\b/, /\bsource\s/],
    writes: [
      { call: /\bopen\s+/, arg: 0, mode: 1 },
      { call: /\bfile\s+(delete|rename|copy|mkdir|link)\s+/, arg: 'last' },
    ],
  },
};

/** How far past a call's name its arguments are read; keeps large script files linear. */
const MAX_CALL_TEXT = 2000;

/** A process-starting call whose command is a literal we can judge as Bash (`os.system('curl …')`, `` `cat .env` ``). */
const SPAWNED_COMMANDS: Partial<Record<Language, RegExp[]>> = {
  python: [/\bos\s*\.\s*(?:system|popen)\s*\(\s*/, /\bsubprocess\s*\.\s*\w+\s*\(\s*/, /\bpty\s*\.\s*spawn\s*\(\s*/],
  js: [/\b(?:execSync|execFileSync|spawnSync|exec|spawn|execFile)\s*\(\s*/, /\bBun\s*\.\s*spawn(?:Sync)?\s*\(\s*/],
  perl: [/\bsystem\s*\(?\s*/, /(?:^|[^\w$])exec\s*\(?\s*/, /\bqx\s*/],
  ruby: [/\bsystem\s*\(?\s*/, /(?:^|[^\w.])exec\s*\(?\s*/, /\bspawn\s*\(?\s*/, /\bIO\s*\.\s*popen\s*\(\s*/, /\bOpen3\s*\.\s*\w+\s*\(\s*/, /%x\s*/],
  php: [/\b(?:system|exec|shell_exec|passthru|popen|proc_open)\s*\(\s*/],
  lua: [/\bos\s*\.\s*execute\s*\(?\s*/, /\bio\s*\.\s*popen\s*\(?\s*/],
  r: [/\bsystem2?\s*\(\s*/, /(?:^|[^.\w])shell\s*\(\s*/],
  applescript: [/\bdo\s*shell\s*script\s+/i, /\bdoShellScript\s*\(\s*/],
  tcl: [],
};

/**
 * Judges interpreter code: network, environment, processes, file writes, secret files, and code that
 * hides itself. Commands the code starts from literal strings are judged as Bash too, so
 * `os.system('curl …')` reports what curl reaches.
 */
export function codeHits(ctx: BashContext, code: string, language: Language, span: Span, label: string): Hit[] {
  const rules = RULES[language];
  const hits: Hit[] = [];
  const found = (category: PolicyCategory, rule: string, what: string): void => {
    hits.push({ category, rule, reason: `${label} ${what}`, span });
  };
  hits.push(...spawnedCommandHits(ctx, code, language, span, label));
  const first = (patterns: RegExp[]): string | undefined => {
    for (const pattern of patterns) {
      const match = pattern.exec(code);
      if (match) return match[0].trim().replace(/^[^\w$%`&[]+/, '');
    }
    return undefined;
  };
  const network = first(rules.network) ?? urlCall(code);
  if (network) found('network', 'interpreter-network', `uses ${clip(network)}, which reaches the network`);
  const environment = first(rules.environment);
  if (environment) found('secret-access', 'interpreter-environment', `reads the environment (${clip(environment)}), where the API keys are`);
  const process = first(rules.process);
  if (process) found('arbitrary-code', 'interpreter-process', `starts other programs (${clip(process)})`);
  const dynamic = first([...rules.dynamic, ...COMMON_DYNAMIC]);
  if (dynamic) found('arbitrary-code', 'interpreter-dynamic-code', `builds or decodes code at run time (${clip(dynamic)})`);
  hits.push(...writeHits(ctx, code, rules, span, label));
  hits.push(...secretLiteralHits(ctx, code, span, label));
  return hits;
}

/** A URL handed to anything but a print or a parser: `file_get_contents("https://…")`, `download.file("http://…")`. */
function urlCall(code: string): string | undefined {
  for (const match of code.matchAll(/['"]((?:https?|ftp|wss?|gopher):\/\/[^'"\s]{0,200})['"]/g)) {
    // The callee is the name just before the literal; look back a short, fixed distance only.
    const before = /([\w.:$>-]{1,60})\s*\(?\s*$/.exec(code.slice(Math.max(0, match.index - 64), match.index));
    if (!before) continue;
    const callee = before[1]!.split(/[.:>-]/).pop() ?? '';
    if (/^(print|println|printf|puts|echo|say|log|info|warn|error|write|URL|URI|urlparse|urlsplit|parse|message|cat)$/i.test(callee)) continue;
    return `${before[1]}(${match[1]})`;
  }
  return undefined;
}

function spawnedCommandHits(ctx: BashContext, code: string, language: Language, span: Span, label: string): Hit[] {
  const hits: Hit[] = [];
  const texts: string[] = [];
  for (const pattern of SPAWNED_COMMANDS[language] ?? []) {
    for (const match of code.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))) {
      const rest = code.slice(match.index + match[0].length, match.index + match[0].length + MAX_CALL_TEXT);
      const list = /^\[([^\]]*)\]/.exec(rest);
      if (list) {
        const items = [...list[1]!.matchAll(/(['"])((?:\\.|(?!\1).)*)\1/g)].map((m) => shellQuote(unescape(m[2]!)));
        if (items.length > 0) texts.push(items.join(' '));
        continue;
      }
      const literal = leadingLiteral(rest);
      if (literal !== undefined) texts.push(literal);
    }
  }
  if (language === 'perl' || language === 'ruby' || language === 'php') {
    for (const match of code.matchAll(/`([^`]*)`/g)) texts.push(match[1]!);
  }
  if (language === 'tcl') {
    for (const match of code.matchAll(/(?:^|[;\[{\n]\s*|\s)(?:exec|spawn)\s+([^;\]\n}]*)/g)) texts.push(match[1]!);
  }
  for (const text of texts) hits.push(...ctx.judgeNested(text, `${label} runs \`${clip(text)}\``, span));
  return hits;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function unescape(text: string): string {
  return text.replace(/\\(n|t|\\|'|"|\/)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** The string literal a text starts with (`'…'`, `"…"`, `{…}` after qx), unescaped; undefined when it is not one. */
function leadingLiteral(text: string): string | undefined {
  const match = /^(['"`])((?:\\.|(?!\1)[^\\])*)\1/.exec(text) ?? /^[{(]([^{}()]*)[})]/.exec(text);
  if (!match) return undefined;
  return unescape(match[2] ?? match[1]!);
}

/** The literal value of a whole argument expression, when it is one plain string. */
function literalArgument(arg: string): string | undefined {
  const match = /^(?:[rRbBuU]{0,2})(['"`])((?:\\.|(?!\1)[^\\])*)\1$/.exec(arg.trim());
  if (!match) return undefined;
  const value = match[2]!;
  // Interpolation makes the value a run-time one: `${x}`, `#{x}`, `$x` in double quotes of perl/php/ruby.
  if (/\$\{|#\{/.test(value) || (match[1] === '"' && /\$[A-Za-z_{]/.test(value))) return undefined;
  return unescape(value);
}

/** Splits a call's argument list (the text after its `(`) at top-level commas, up to the closing parenthesis. */
export function callArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      current += c;
      if (c === '\\') { current += text[i + 1] ?? ''; i++; }
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') { quote = c; current += c; continue; }
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) break;
      depth--;
    }
    if (c === ',' && depth === 0) { args.push(current.trim()); current = ''; continue; }
    if ((c === ';' || c === '\n') && depth === 0) break;
    current += c;
  }
  if (current.trim()) args.push(current.trim());
  return args;
}

function writeHits(ctx: BashContext, code: string, rules: CodeRules, span: Span, label: string): Hit[] {
  const hits: Hit[] = [];
  for (const spec of rules.writes) {
    for (const match of code.matchAll(new RegExp(spec.call.source, `${spec.call.flags.replace('g', '')}g`))) {
      const rest = code.slice(match.index + match[0].length, match.index + match[0].length + MAX_CALL_TEXT);
      const args = spec.call.source.endsWith('\\(') ? callArguments(rest) : rest.split(/[\s;]+/).filter(Boolean).slice(0, 3);
      const what = match[0].trim().replace(/^[^\w]+/, '').replace(/\s*\($/, '');
      let literal: string | undefined;
      let target: string | undefined;
      if (spec.mode === 'perl') {
        // open(FH, '>', PATH) or open(FH, ">PATH"); reading modes do not count.
        const mode = args[1] ?? '';
        if (!/^['"]\s*(\+?>|\+<|\|)|\|\s*['"]$/.test(mode)) continue;
        target = args.length === 2 ? mode.replace(/^(['"])\s*[+<>|]+\s*/, '$1') : args[2];
      } else {
        if (spec.mode !== undefined && !writesByMode(args, spec.mode, match[0])) continue;
        // `Path('x').write_text(…)`: the path is the receiver's argument.
        target = spec.arg === -1 ? receiverPath(code.slice(0, match.index)) : args[spec.arg === 'last' ? args.length - 1 : spec.arg];
      }
      if (target !== undefined) literal = literalArgument(target) ?? bareWord(target, match[0]);
      if (literal === undefined) {
        hits.push({ category: 'write-scope', rule: 'interpreter-write', reason: `${label} writes with ${what} to a path only known at run time`, span });
        continue;
      }
      hits.push(...judgeLiteralPath(ctx, literal, 'Write', span, `${label} writes ${literal} with ${what}`));
    }
  }
  return hits;
}

/** Tcl and PowerShell name files as bare words. */
function bareWord(target: string, call: string): string | undefined {
  if (call.endsWith('(')) return undefined;
  return /^[\w./~-]+$/.test(target) && !target.startsWith('-') ? target : undefined;
}

function receiverPath(before: string): string | undefined {
  const match = /\(\s*((['"])[^'"]*\2)\s*\)\s*$/.exec(before);
  return match?.[1];
}

/** `open(p, 'w')`, `fopen(p, "a")`, `File.open(p, 'w')`, Tcl `open p w`: only writing modes count. */
function writesByMode(args: string[], modeIndex: number, call: string): boolean {
  if (/\bopen\s+$/.test(call)) return /^(w|a|r\+|w\+|a\+|wb|ab)$|WRONLY|RDWR/.test((args[1] ?? '').replace(/["{}]/g, ''));
  const modeArg = args.find((a) => /^(mode|flags)\s*[=:]/.test(a))?.replace(/^(mode|flags)\s*[=:]\s*/, '') ?? args[modeIndex];
  if (modeArg === undefined) return false;
  const mode = literalArgument(modeArg);
  // An options object (`{ encoding: 'utf8' }`) is not a mode; anything else unknown may be one.
  if (mode === undefined) return !/^\s*\{/.test(modeArg);
  return /[wax+]/.test(mode);
}

/** Quoted strings in the code that name a secret file (`open('.env')`, `readFileSync('~/.ssh/id_rsa')`). */
function secretLiteralHits(ctx: BashContext, code: string, span: Span, label: string): Hit[] {
  const hits: Hit[] = [];
  const seen = new Set<string>();
  for (const match of code.matchAll(/(['"`])([~./\w@+-][^'"`\s$]{0,200})\1/g)) {
    const value = match[2]!;
    if (seen.has(value) || /:\/\//.test(value) || !/[./]/.test(value)) continue;
    seen.add(value);
    for (const hit of judgeLiteralPath(ctx, value, 'Read', span, `${label} reads ${value}`)) {
      if (hit.category === 'secret-access') hits.push(hit);
    }
  }
  return hits;
}

/** Judges a path written literally in code or in an argument, relative to the hook's cwd. */
export function judgeLiteralPath(ctx: BashContext, value: string, tool: PathTool, span: Span, what: string): Hit[] {
  const expanded = value === '~' || value.startsWith('~/') ? ctx.home + value.slice(1) : value;
  const path = posix.resolve(ctx.cwd, expanded);
  const judgement = judgePath(ctx.policy, { tool, path, cwd: ctx.cwd, home: ctx.home }, ctx.fs);
  if (judgement.decision === 'allow') return [];
  return [{ category: judgement.category, rule: judgement.rule, reason: `${what}: ${judgement.reason}`, span }];
}

export function clip(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
