// Benchmarks `cordon run`: start-up overhead of `cordon run -- true` against bare `true` and `srt -- true`, and proxy throughput of a 100 MB download against a direct one, in the same run.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, table } from './lib.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).bin.cordon);
const SRT = join(REPO, 'node_modules', '.bin', 'srt');
const TARGET_OVERHEAD_MS = 150;
const TARGET_SRT_FRACTION = 1 / 3;
const TARGET_THROUGHPUT = 0.8;
const BLOB_BYTES = 100 * 1024 * 1024;

function parseArgs(argv) {
  const options = { runs: 20, warmup: 3, downloads: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = Number(argv[i + 1]);
    if (!['--runs', '--warmup', '--downloads'].includes(flag) || !Number.isInteger(value) || value < 0) {
      throw new Error(`usage: node bench/run.mjs [--runs N] [--warmup N] [--downloads N] (got ${JSON.stringify(flag)})`);
    }
    options[flag.slice(2)] = value;
    i++;
  }
  return options;
}

function timed(command, args, options) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  return { ms, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: median(values), p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)], min: sorted[0] };
}

/**
 * A loopback server answering GET /blob with BLOB_BYTES of zeros, in a child process: the timed runs
 * block this process, and a server in it could not answer them.
 */
async function blobServer() {
  const source = `
    const chunk = Buffer.alloc(1024 * 1024);
    const server = require('http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(${BLOB_BYTES}) });
      let sent = 0;
      const pump = () => {
        while (sent < ${BLOB_BYTES}) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
  `;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((done, fail) => {
    child.stdout.once('data', (data) => done(Number(String(data).trim())));
    child.once('exit', () => fail(new Error('the blob server exited')));
  });
  return { port, close: () => child.kill() };
}

/** curl's own transfer time, so process and sandbox start-up stay out of the throughput figure. */
function curlSeconds(result) {
  if (result.status !== 0) throw new Error(`curl failed (${result.status}): ${result.stderr.trim()}`);
  const [time, size] = result.stdout.trim().split(' ').map(Number);
  if (size !== BLOB_BYTES) throw new Error(`curl received ${size} bytes, expected ${BLOB_BYTES}`);
  return time;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run npm run build first (npm run bench:run does)`);
  const scratch = mkdtempSync(join(os.tmpdir(), 'cordon-bench-run-'));
  const server = await blobServer();
  try {
    const repo = join(scratch, 'repo');
    mkdirSync(repo);
    execFileSync('git', ['-C', repo, 'init', '-q']);
    const port = server.port;
    writeFileSync(join(repo, 'cordon.yml'), `version: 1\nsandbox:\n  allowed-domains: ["127.0.0.1"]\n  allow-private: ["127.0.0.1"]\n`);
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: scratch, CORDON_LOG: join(scratch, 'audit.jsonl') };
    const record = join(scratch, 'record.json');
    const cordon = ['run', '--record', record, '--', 'true'];
    const srtAvailable = existsSync(SRT) && spawnSync(SRT, ['--', 'true'], { cwd: repo, env }).status === 0;

    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), ${options.warmup} warm-up + ${options.runs} interleaved runs each`);
    if (!srtAvailable) console.log(`srt: not runnable here (${SRT}; it needs bubblewrap, socat and ripgrep): its column is left out`);

    const variants = { true: ['true', []], cordon: [process.execPath, [CLI, ...cordon]], ...(srtAvailable ? { srt: [SRT, ['--', 'true']] } : {}) };
    const check = (name, result) => {
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}: ${result.stderr.trim()}`);
    };
    for (let i = 0; i < options.warmup; i++) for (const [name, [cmd, args]] of Object.entries(variants)) check(name, timed(cmd, args, { cwd: repo, env }));
    const times = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    const names = Object.keys(variants);
    for (let i = 0; i < options.runs; i++) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(i + k) % names.length];
        const [cmd, args] = variants[name];
        const result = timed(cmd, args, { cwd: repo, env });
        check(name, result);
        times[name].push(result.ms);
      }
    }
    const s = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, stats(values)]));
    const ms = (value) => `${value.toFixed(1)} ms`;
    console.log('');
    console.log(
      table([
        ['command', 'median', 'p95', 'min', 'overhead (median - true)'],
        ...names.map((name) => [name === 'true' ? 'true' : `${name} -- true`, ms(s[name].median), ms(s[name].p95), ms(s[name].min), name === 'true' ? '' : ms(s[name].median - s.true.median)]),
      ]),
    );
    const limits = JSON.parse(readFileSync(record, 'utf8')).limits;
    console.log(`limits in force during the cordon runs: ${limits.mechanism}`);

    // Throughput: curl inside the sandbox through the proxy (and the bridge) against curl on the host.
    const url = `http://127.0.0.1:${port}/blob`;
    const curl = ['-s', '-o', '/dev/null', '-w', '%{time_total} %{size_download}'];
    const direct = [];
    const proxied = [];
    for (let i = 0; i < options.downloads; i++) {
      direct.push(curlSeconds(timed('curl', ['--noproxy', '*', ...curl, url], { env })));
      proxied.push(curlSeconds(timed(process.execPath, [CLI, 'run', '--record', record, '--', 'curl', '--noproxy', '', '--proxy', 'http://127.0.0.1:3128', ...curl, url], { cwd: repo, env })));
    }
    const mbps = (seconds) => BLOB_BYTES / 1024 / 1024 / seconds;
    const directRate = mbps(median(direct));
    const proxiedRate = mbps(median(proxied));
    console.log('');
    console.log(
      table([
        ['100 MB download from loopback', 'median time', 'throughput'],
        ['direct (curl on the host)', `${median(direct).toFixed(3)} s`, `${directRate.toFixed(0)} MiB/s`],
        ['through cordon run (bridge + proxy)', `${median(proxied).toFixed(3)} s`, `${proxiedRate.toFixed(0)} MiB/s`],
      ]),
    );

    const overhead = s.cordon.median - s.true.median;
    const rows = [['metric', 'value', 'target', 'result']];
    rows.push(['cordon run start-up overhead (median)', ms(overhead), `<= ${TARGET_OVERHEAD_MS} ms`, overhead <= TARGET_OVERHEAD_MS ? 'PASS' : 'MISS']);
    if (s.srt) {
      const srtOverhead = s.srt.median - s.true.median;
      const fraction = overhead / srtOverhead;
      rows.push(['overhead / srt overhead', `${fraction.toFixed(2)} (srt ${ms(srtOverhead)})`, `<= ${TARGET_SRT_FRACTION.toFixed(2)}`, fraction <= TARGET_SRT_FRACTION ? 'PASS' : 'MISS']);
    }
    const ratio = proxiedRate / directRate;
    rows.push(['proxied / direct throughput', `${(ratio * 100).toFixed(0)} %`, `>= ${TARGET_THROUGHPUT * 100} %`, ratio >= TARGET_THROUGHPUT ? 'PASS' : 'MISS']);
    console.log('');
    console.log(table(rows));
  } finally {
    server.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench:run: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
