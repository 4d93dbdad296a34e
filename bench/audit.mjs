// Benchmarks `cordon audit` on a generated, deterministic repository of agent workflows and Claude settings, and reports wall time and peak memory against targets.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, mulberry32, table } from './lib.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cordon.js');
const TIME = '/usr/bin/time';
const SEED = 0xc0d0;
const TARGET_MS = 2000;
const TARGET_MB = 300;
const TARGET_CORES = 2;

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const options = { files: 1000, runs: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--keep') options.keep = true;
    else if (flag === '--files' || flag === '--runs') {
      const raw = inline ?? argv[++i];
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} needs a positive integer (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`);
      options[flag.slice(2)] = value;
    } else if (flag === '--help' || flag === '-h') {
      process.stdout.write('usage: node bench/audit.mjs [--files N] [--runs N] [--keep]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)} (expected --files N, --runs N, --keep)`);
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Deterministic generation

/** Helpers over the shared seeded generator. */
function prng(seed) {
  const next = mulberry32(seed);
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    hex: (n) => Array.from({ length: n }, () => Math.floor(next() * 16).toString(16)).join(''),
    some: (items, lo, hi) => {
      const pool = [...items];
      const out = [];
      const count = Math.min(pool.length, lo + Math.floor(next() * (hi - lo + 1)));
      while (out.length < count) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      return out;
    },
  };
}

const ALLOW = ['Read', 'Edit', 'Write', 'Glob', 'Grep', 'LS', 'Bash(git diff:*)', 'Bash(git log:*)', 'Bash(git status)', 'Bash(npm test:*)', 'Bash(npm run lint)', 'Bash(npx tsc --noEmit)', 'Bash(gh pr view:*)', 'Bash(gh issue comment:*)', 'WebFetch(domain:docs.github.com)', 'mcp__github__get_issue'];
const DENY = ['Bash(curl:*)', 'Bash(wget:*)', 'Bash(rm -rf:*)', 'Bash(git push:*)', 'Read(./.env)', 'Read(./.env.*)', 'Read(./secrets/**)', 'WebFetch', 'Bash(ssh:*)'];
const UNTRUSTED = ['github.event.issue.title', 'github.event.issue.body', 'github.event.comment.body', 'github.event.pull_request.title', 'github.event.pull_request.body', 'github.head_ref', 'github.event.review.body'];
const TRUSTED = ['github.repository', 'github.run_id', 'github.event.pull_request.number', 'github.event.issue.number', 'github.sha', 'github.actor'];
const TRIGGERS = {
  trusted: [
    ['workflow_dispatch:', '  inputs:', '    focus:', '      description: Area to look at', '      required: false'],
    ['schedule:', "  - cron: '17 3 * * 1'"],
    ['push:', '  branches: [main]'],
    ['pull_request:', '  types: [opened, synchronize]'],
  ],
  untrusted: [
    ['issues:', '  types: [opened, labeled]'],
    ['issue_comment:', '  types: [created]'],
    ['pull_request_target:', '  types: [opened, synchronize]'],
    ['pull_request_review_comment:', '  types: [created]'],
  ],
};

function actionRef(rng, repo, tag) {
  return rng.chance(0.4) ? `${repo}@${rng.hex(40)} # ${tag}` : `${repo}@${tag}`;
}

function settingsRef(rng, n) {
  const path = `config/claude/settings-${n}.json`;
  return rng.pick([path, path, `./${path}`, `\${{ github.workspace }}/${path}`]);
}

/** One workflow of a randomly chosen shape, padded with ordinary CI steps to `target` lines. */
function workflow(rng, n) {
  const shape = rng.pick(['action-review', 'action-issue', 'cli-script', 'npx-fetch', 'multi-job']);
  const untrusted = rng.chance(0.35);
  const trigger = rng.pick(untrusted ? TRIGGERS.untrusted : TRIGGERS.trusted);
  const ctx = () => (untrusted && rng.chance(0.6) ? rng.pick(UNTRUSTED) : rng.pick(TRUSTED));
  const settings = settingsRef(rng, n);
  const tools = rng.some(ALLOW, 2, 6);
  const lines = [`name: agent-${shape}-${n}`, '', 'on:', ...trigger.map((line) => `  ${line}`), ''];
  if (rng.chance(0.7)) {
    lines.push('permissions:', '  contents: read');
    for (const scope of rng.some(['pull-requests', 'issues', 'id-token', 'actions'], 0, 2)) lines.push(`  ${scope}: ${rng.pick(['read', 'write'])}`);
    lines.push('');
  }
  lines.push('concurrency:', `  group: agent-${n}-\${{ github.ref }}`, '  cancel-in-progress: true', '', 'jobs:');

  const checkout = () => ['      - uses: ' + actionRef(rng, 'actions/checkout', 'v4'), '        with:', `          fetch-depth: ${rng.pick([0, 1, 50])}`];
  const setupNode = () => ['      - uses: ' + actionRef(rng, 'actions/setup-node', 'v4'), '        with:', `          node-version: ${rng.pick([18, 20, 22])}`, '          cache: npm', '      - run: npm ci'];
  const jobHeader = (id) => {
    const out = [`  ${id}:`, `    runs-on: ${rng.pick(['ubuntu-latest', 'ubuntu-24.04', '[self-hosted, linux]'])}`, `    timeout-minutes: ${rng.int(10, 60)}`];
    if (trigger[0].startsWith('issue_comment') || trigger[0].startsWith('pull_request_review_comment')) out.push("    if: contains(github.event.comment.body, '@claude')");
    if (rng.chance(0.4)) out.push('    permissions:', '      contents: write', '      pull-requests: write');
    return out;
  };

  const agentSteps = [];
  const jobEnv = [];
  switch (shape) {
    case 'action-review':
    case 'action-issue': {
      const uses = actionRef(rng, 'anthropics/claude-code-action', rng.pick(['v1', 'v1.0.12', 'beta']));
      agentSteps.push('      - name: Run Claude', `        id: claude`, `        uses: ${uses}`, '        with:', '          anthropic_api_key: ${{ secrets.ANTHROPIC_API_KEY }}', '          prompt: |');
      agentSteps.push(`            You are reviewing ${'${{ ' + ctx() + ' }}'} in \${{ github.repository }}.`);
      for (let i = rng.int(1, 5); i > 0; i--) agentSteps.push(`            ${rng.pick(['Focus on correctness and tests.', 'Do not change public APIs.', 'Summarise the change in three bullets.', 'Context: ' + '${{ ' + ctx() + ' }}', 'Run the test suite before proposing edits.', 'Leave one review comment per file at most.'])}`);
      if (shape === 'action-review') {
        agentSteps.push('          claude_args: |', `            --max-turns ${rng.int(3, 30)}`, `            --settings ${settings}`, `            --allowedTools "${tools.join(',')}"`);
        if (rng.chance(0.3)) agentSteps.push(`            --disallowedTools "${rng.some(DENY, 1, 3).join(',')}"`);
        if (rng.chance(0.2)) agentSteps.push('            --permission-mode acceptEdits');
      } else {
        agentSteps.push(`          allowed_tools: "${tools.join(',')}"`, `          settings: ${settings}`);
        if (rng.chance(0.3)) agentSteps.push(`          disallowed_tools: "${rng.some(DENY, 1, 3).join(',')}"`);
      }
      break;
    }
    case 'cli-script':
    case 'multi-job': {
      const source = untrusted ? rng.pick(UNTRUSTED) : rng.pick(TRUSTED);
      jobEnv.push('    env:', `      TASK_TEXT: \${{ ${source} }}`, '      ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}');
      agentSteps.push('      - name: Agent pass', '        env:', `          EXTRA: \${{ ${ctx()} }}`, '          GH_TOKEN: ${{ github.token }}', '        run: |', '          set -euo pipefail', '          npm install -g @anthropic-ai/claude-code');
      agentSteps.push('          PROMPT="Handle this task: $TASK_TEXT"', `          if [ -n "\${EXTRA:-}" ]; then PROMPT="$PROMPT (context: $EXTRA)"; fi`);
      const flags = [`--settings ${settings}`, `--allowedTools "${tools.join('" "')}"`, `--max-turns ${rng.int(3, 20)}`, '--output-format json'];
      if (rng.chance(0.15)) flags.push('--dangerously-skip-permissions');
      if (rng.chance(0.3)) flags.push(`--append-system-prompt "Repository: \${{ github.repository }}"`);
      agentSteps.push('          claude -p "$PROMPT" \\', ...flags.map((flag, i) => `            ${flag}${i < flags.length - 1 ? ' \\' : ' > result.json'}`));
      agentSteps.push("          jq -r '.result' result.json > summary.md", '          cat summary.md >> "$GITHUB_STEP_SUMMARY"');
      break;
    }
    case 'npx-fetch': {
      agentSteps.push('      - name: Fetch context', '        id: fetch', '        env:', '          GH_TOKEN: ${{ github.token }}', '        run: |');
      agentSteps.push(rng.chance(0.5) ? `          echo "text=$(gh issue view \${{ github.event.issue.number }} --json body -q .body)" >> "$GITHUB_OUTPUT"` : `          echo "text=$(git log -1 --format=%s)" >> "$GITHUB_OUTPUT"`);
      agentSteps.push('      - name: Agent', '        env:', '          FETCHED: ${{ steps.fetch.outputs.text }}', '          ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}', '        run: |');
      agentSteps.push('          BODY="$FETCHED"', `          npx -y @anthropic-ai/claude-code@latest -p "Fix what this describes: $BODY" \\`, `            --settings ${settings} \\`);
      agentSteps.push(`            --permission-mode ${rng.pick(['acceptEdits', 'default', 'plan', 'bypassPermissions'])} \\`, `            --allowedTools ${tools.map((tool) => `'${tool}'`).join(' ')}`);
      agentSteps.push('          git status --porcelain');
      break;
    }
  }

  const filler = () =>
    rng.pick([
      ['      - name: Lint', '        run: npm run lint'],
      ['      - name: Test', '        run: |', '          npm test -- --reporter=dot', '          npm run coverage'],
      ['      - uses: ' + actionRef(rng, 'actions/upload-artifact', 'v4'), '        with:', `          name: report-${rng.hex(6)}`, '          path: |', '            coverage/', '            result.json', '          retention-days: 7'],
      ['      - uses: ' + actionRef(rng, 'actions/cache', 'v4'), '        with:', '          path: ~/.npm', "          key: npm-${{ hashFiles('package-lock.json') }}"],
      ['      - name: Build', '        run: npm run build --if-present', '        env:', '          NODE_OPTIONS: --max-old-space-size=4096'],
      ['      - name: Comment', '        if: always()', '        uses: ' + actionRef(rng, 'actions/github-script', 'v7'), '        with:', '          script: |', "            core.info('done: ' + context.runId)"],
    ]);

  const agentJob = [...jobHeader('agent'), ...jobEnv, '    steps:', ...checkout(), ...(rng.chance(0.7) ? setupNode() : []), ...agentSteps];
  const pre = shape === 'multi-job' ? [...jobHeader('lint').filter((line) => !line.includes('permissions') && !line.includes('write')), '    steps:', ...checkout(), ...setupNode()] : [];
  if (shape === 'multi-job') agentJob.splice(1, 0, '    needs: lint');
  const target = rng.int(30, 120);
  const body = [...lines, ...pre, ...(pre.length ? [''] : []), ...agentJob];
  for (let misses = 0; misses < 4; ) {
    const step = filler();
    if (body.length + step.length <= target) body.push(...step);
    else misses++;
  }
  const notes = ['# Owned by the platform team; see docs/agents.md before changing agent permissions.', '# The agent runs with the settings file passed via --settings; keep both in sync.', '# Secrets: only ANTHROPIC_API_KEY and the default GITHUB_TOKEN are exposed.'];
  const header = [];
  while (body.length + header.length < target) header.push(notes[header.length % notes.length]);
  return `${[...header, ...body].join('\n')}\n`;
}

function settingsJson(rng, n) {
  const settings = {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    model: rng.pick(['claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5']),
    permissions: { allow: rng.some(ALLOW, 2, 8), deny: rng.some(DENY, 1, 5) },
    env: { DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_ENABLE_TELEMETRY: rng.pick(['0', '1']), BENCH_SETTINGS_ID: String(n) },
  };
  if (rng.chance(0.3)) settings.permissions.defaultMode = rng.pick(['acceptEdits', 'plan', 'bypassPermissions']);
  if (rng.chance(0.6)) {
    settings.hooks = {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './scripts/guard-bash.sh', timeout: 10 }] }],
      ...(rng.chance(0.5) ? { PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$CLAUDE_FILE_PATHS"' }] }] } : {}),
    };
  }
  if (rng.chance(0.2)) settings.enableAllProjectMcpServers = rng.chance(0.5);
  return `${JSON.stringify(settings, null, 2)}\n`;
}

function generate(dir, count) {
  const rng = prng(SEED);
  let files = 0;
  let bytes = 0;
  const write = (relative, text) => {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  const width = String(count).length;
  for (let n = 1; n <= count; n++) {
    write(`.github/workflows/agent-${String(n).padStart(width, '0')}.yml`, workflow(rng, n));
    write(`config/claude/settings-${n}.json`, settingsJson(rng, n));
  }
  write('.claude/settings.json', settingsJson(rng, 0));
  write('CLAUDE.md', '# Project notes for Claude\n\n- Run `npm test` before proposing changes.\n- Never push to main.\n');
  write('scripts/guard-bash.sh', '#!/bin/sh\n# Blocks network tools inside agent Bash calls.\nexit 0\n');
  write('package.json', `${JSON.stringify({ name: 'bench-repo', private: true, scripts: { test: 'node --test', lint: 'true' } }, null, 2)}\n`);
  const git = (...args) => execFileSync('git', ['-C', dir, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('add', '-A');
  return { files, bytes };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Whether GNU time with -f/-o works here; anything else means no memory figure. */
function timeAvailable(scratch) {
  if (!existsSync(TIME)) return false;
  const probe = join(scratch, 'probe.time');
  const result = spawnSync(TIME, ['-f', '%M', '-o', probe, process.execPath, '-e', '0'], { stdio: 'ignore' });
  return result.status === 0 && existsSync(probe) && /^\d+\s*$/.test(readFileSync(probe, 'utf8').trim().split('\n').at(-1) ?? '');
}

function runOnce(dir, scratch, index, withTime) {
  const output = join(scratch, `report-${index}.json`);
  const memFile = join(scratch, `rss-${index}.txt`);
  const cliArgs = [CLI, 'audit', dir, '--format', 'json', '--exit-zero', '--output', output];
  const [command, args] = withTime ? [TIME, ['-f', '%M', '-o', memFile, process.execPath, ...cliArgs]] : [process.execPath, cliArgs];
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`could not run the CLI: ${result.error.message}`);
  if (result.status !== 0 || result.signal) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new Error(`audit run ${index} failed with ${how}\n${(result.stderr || '').trim() || '(no stderr)'}`);
  }
  let report;
  const text = existsSync(output) ? readFileSync(output, 'utf8') : '';
  try {
    report = JSON.parse(text);
  } catch (error) {
    throw new Error(`audit run ${index} did not write JSON to ${output}: ${error.message}\nfirst bytes: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const { summary, stats } = report ?? {};
  if (!Number.isInteger(summary?.total) || !Number.isInteger(summary?.suppressed) || !Number.isInteger(stats?.filesRead)) {
    throw new Error(`audit run ${index}: JSON lacks summary.total, summary.suppressed or stats.filesRead`);
  }
  let rssKb;
  if (withTime) {
    const raw = readFileSync(memFile, 'utf8').trim().split('\n').at(-1) ?? '';
    rssKb = /^\d+$/.test(raw) ? Number(raw) : undefined;
  }
  return { ms, rssKb, findings: summary.total + summary.suppressed, filesRead: stats.filesRead, stderr: result.stderr };
}


// ---------------------------------------------------------------------------------------------

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) throw new Error(`${CLI} not found; run \`npm run build\` first (npm run bench:audit does)`);
  const dir = mkdtempSync(join(os.tmpdir(), 'cordon-bench-'));
  const scratch = mkdtempSync(join(os.tmpdir(), 'cordon-bench-out-'));
  try {
    const generatedAt = process.hrtime.bigint();
    const { files, bytes } = generate(dir, options.files);
    const genMs = Number(process.hrtime.bigint() - generatedAt) / 1e6;
    console.log(`generated ${files} files (${options.files} workflows + ${options.files} settings + 4 others), ${bytes.toLocaleString('en-US')} bytes (${(bytes / 1024 / 1024).toFixed(2)} MB) in ${dir} [${genMs.toFixed(0)} ms]`);

    const withTime = timeAvailable(scratch);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), 1 warm-up + ${options.runs} runs`);
    if (!withTime) console.log(`peak RSS: unavailable (${TIME} with GNU -f/-o support not found); no memory figure is reported`);

    const warm = runOnce(dir, scratch, 0, withTime);
    const runs = [];
    for (let i = 1; i <= options.runs; i++) {
      const run = runOnce(dir, scratch, i, withTime);
      runs.push(run);
      console.log(`  run ${i}: ${run.ms.toFixed(0)} ms${run.rssKb !== undefined ? `, ${(run.rssKb / 1024).toFixed(1)} MB RSS` : ''}`);
    }
    const findings = new Set([warm, ...runs].map((run) => run.findings));
    if (findings.size > 1) console.log(`warning: findings differ between runs: ${[...findings].join(', ')}`);
    if (warm.stderr.trim()) console.log(`CLI stderr (warm-up):\n${warm.stderr.trim()}`);

    const times = runs.map((run) => run.ms);
    const med = median(times);
    const max = Math.max(...times);
    const rss = withTime && runs.every((run) => run.rssKb !== undefined) ? Math.max(...runs.map((run) => run.rssKb)) / 1024 : undefined;
    const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
    const coreNote = cores === TARGET_CORES ? '' : ` (measured on ${cores} cores)`;
    console.log('');
    console.log(
      table([
        ['metric', 'value', 'target', 'result'],
        ['wall time, median', `${med.toFixed(0)} ms`, `< ${TARGET_MS} ms on ${TARGET_CORES} cores${coreNote}`, verdict(med < TARGET_MS)],
        ['wall time, max', `${max.toFixed(0)} ms`, '', ''],
        ['peak RSS, max of runs', rss === undefined ? 'unavailable' : `${rss.toFixed(1)} MB`, `< ${TARGET_MB} MB`, rss === undefined ? 'n/a' : verdict(rss < TARGET_MB)],
        ['findings (total + suppressed)', String(runs[0].findings), '', ''],
        ['files read (stats.filesRead)', String(runs[0].filesRead), '', ''],
      ]),
    );
  } finally {
    if (options.keep) console.log(`\nkept ${dir} (reports in ${scratch})`);
    else {
      rmSync(dir, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:audit: error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
