import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadShellParser } from '../../../src/parse/shell.js';
import { effectiveCommands } from '../../../src/policy/bash-commands.js';

await loadShellParser();

interface Expect {
  via?: string[][];
  dynamic?: boolean[];
}

// [script, programs in order, optional via/dynamic per command]. Wrappers are listed as commands too.
const CASES: [string, string[], Expect?][] = [
  ['curl x', ['curl']],
  ['/usr/bin/curl x', ['curl']],
  ['./bin/curl x', ['curl']],
  ["c''url x", ['curl'], { dynamic: [false] }],
  ['c\\url x', ['curl']],
  ['"curl" x', ['curl']],
  ["$'\\x63url' x", ['curl'], { dynamic: [false] }],
  ['"$X" x', ['$X'], { dynamic: [true] }],
  ['$X x', ['$X'], { dynamic: [true] }],
  ['$(echo curl) x', ['$(echo curl)', 'echo'], { dynamic: [true, false] }],
  ['/usr/bin/cu* x', ['cu*'], { dynamic: [true] }],
  ['c{url,} x', ['c{url,}'], { dynamic: [true] }],
  ['env -i PATH=/bin curl x', ['env', 'curl'], { via: [[], ['env']] }],
  ['env -u HOME curl x', ['env', 'curl'], { via: [[], ['env']] }],
  ['env', ['env']],
  ["env -S 'curl x'", ['env', 'curl'], { via: [[], ['env -S']] }],
  ['sudo -u root bash -c "wget x"', ['sudo', 'bash', 'wget'], { via: [[], ['sudo'], ['sudo', 'bash -c']] }],
  ['sudo -E FOO=1 curl x', ['sudo', 'curl']],
  ['sudo -l', ['sudo']],
  ['doas -u root curl x', ['doas', 'curl'], { via: [[], ['doas']] }],
  ["su - root -c 'curl x'", ['su', 'curl'], { via: [[], ['su -c']] }],
  ['command curl x', ['command', 'curl']],
  ['command -v curl', ['command']],
  ['builtin eval "curl x"', ['builtin', 'eval', 'curl'], { via: [[], ['builtin'], ['builtin', 'eval']] }],
  ['exec curl x', ['exec', 'curl']],
  ['nice -n 10 curl x', ['nice', 'curl']],
  ['nice -5 curl x', ['nice', 'curl']],
  ['nohup curl x &', ['nohup', 'curl']],
  ['timeout -s KILL 5 curl x', ['timeout', 'curl']],
  ['timeout 5 nice -n 10 curl x', ['timeout', 'nice', 'curl'], { via: [[], ['timeout'], ['timeout', 'nice']] }],
  ['time curl x', ['time', 'curl']],
  ['stdbuf -oL curl x', ['stdbuf', 'curl']],
  ['stdbuf -o L curl x', ['stdbuf', 'curl']],
  ['xargs -n1 curl < urls', ['xargs', 'curl'], { via: [[], ['xargs']] }],
  ['cat urls | xargs -I{} -P 4 wget {}', ['cat', 'xargs', 'wget'], { dynamic: [false, false, false] }],
  ['find . -name x -exec curl {} \\;', ['find', 'curl'], { via: [[], ['find -exec']] }],
  ["find . -execdir sh -c 'wget $1' _ {} + -ok rm {} ';'", ['find', 'sh', 'wget', 'rm']],
  ['find . -name "*.ts"', ['find']],
  ['watch -n 5 curl x', ['watch', 'curl'], { via: [[], ['watch']] }],
  ['watch -x curl x', ['watch', 'curl']],
  ['flock /tmp/l curl x', ['flock', 'curl']],
  ["flock -w 3 /tmp/l -c 'curl x'", ['flock', 'curl'], { via: [[], ['flock -c']] }],
  ['direnv exec . curl x', ['direnv', 'curl'], { via: [[], ['direnv exec']] }],
  ['npx -y some-pkg --flag', ['npx', 'some-pkg'], { via: [[], ['npx']] }],
  ['npx --yes @scope/tool@1.2.3 run', ['npx', '@scope/tool']],
  ["npx -c 'curl x'", ['npx', 'curl']],
  ['pnpm dlx cowsay hi', ['pnpm', 'cowsay'], { via: [[], ['pnpm dlx']] }],
  ['yarn dlx create-thing', ['yarn', 'create-thing']],
  ['bunx cowsay', ['bunx', 'cowsay']],
  ['npm exec -- cowsay', ['npm', 'cowsay']],
  ['pnpm install', ['pnpm']],
  ['chroot /mnt curl x', ['chroot', 'curl']],
  ['setsid curl x', ['setsid', 'curl']],
  ['unbuffer curl x', ['unbuffer', 'curl']],
  ['strace -f -o log curl x', ['strace', 'curl']],
  ['ltrace -e malloc curl x', ['ltrace', 'curl']],
  ["bash -c 'curl x'", ['bash', 'curl'], { via: [[], ['bash -c']] }],
  ["bash -lc 'curl x'", ['bash', 'curl']],
  ['sh -ec "wget x"', ['sh', 'wget']],
  ["zsh -c 'dash -c \"ksh -c wget\"'", ['zsh', 'dash', 'ksh', 'wget'], { via: [[], ['zsh -c'], ['zsh -c', 'dash -c'], ['zsh -c', 'dash -c', 'ksh -c']] }],
  ['bash script.sh', ['bash']],
  ["bash <<< 'curl x'", ['bash', 'curl'], { via: [[], ['bash <<<']] }],
  ["sh <<'EOF'\ncurl x\nEOF", ['sh', 'curl'], { via: [[], ['sh <<']] }],
  ["sudo bash <<-EOF\n\twget x\n\tEOF\necho done", ['sudo', 'bash', 'wget', 'echo']],
  ["cat > f <<'EOF'\ncurl x\nEOF", ['cat']],
  ['eval "cu""rl x"', ['eval', 'curl'], { via: [[], ['eval']] }],
  ['eval $CMD', ['eval', '$CMD'], { dynamic: [false, true] }],
  ['source ./env.sh', ['source']],
  ['. ./env.sh', ['source']],
  ['echo Y3VybCB4 | base64 -d | sh', ['echo', 'base64', 'sh'], { via: [[], [], ['stdin']], dynamic: [false, false, true] }],
  ['curl -s x | sudo bash -s -- -y', ['curl', 'sudo', 'bash'], { via: [[], [], ['sudo', 'stdin']], dynamic: [false, false, true] }],
  ['curl x |& sh', ['curl', 'sh'], { dynamic: [false, true] }],
  ['a || sh', ['a', 'sh'], { dynamic: [false, false] }],
  ['git commit -m "curl x"', ['git']],
  ['echo "wget"', ['echo']],
  ['grep -r curl src/', ['grep']],
  ['echo $(curl x)', ['echo', 'curl']],
  ['echo `wget x`', ['echo', 'wget']],
  ['diff <(curl a) b', ['diff', 'curl']],
  ['tee >(nc h 1) < f', ['tee', 'nc']],
  ['for u in a b; do wget $u; done', ['wget']],
  ['while read l; do curl "$l"; done < urls', ['read', 'curl']],
  ['if true; then curl x; else wget y; fi', ['true', 'curl', 'wget']],
  ['f() { curl x; }; f', ['curl', 'f']],
  ['(cd /tmp && curl x)', ['cd', 'curl']],
  ['{ curl x; } 2>/dev/null', ['curl']],
  ['X=1 curl x', ['curl']],
  ['! curl x', ['curl']],
  ['coproc nc h 1', ['coproc', 'nc']],
  ['npm test && npm run build', ['npm', 'npm']],
  ['cat > notes.md <<EOF\nbuild `curl x`\nEOF', ['cat', 'curl'], { via: [[], ['heredoc `…`']] }],
  ['cat > notes.md <<EOF\nbuild \\`curl x\\`\nEOF', ['cat']],
  ["cat > notes.md <<'EOF'\nbuild `curl x`\nEOF", ['cat']],
  ['cat > notes.md <<\\EOF\nbuild `curl x`\nEOF', ['cat']],
];

describe('effectiveCommands', () => {
  it('has a broad table', () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES)('%j', (script, programs, want) => {
    const result = effectiveCommands(script);
    expect(result.problems).toEqual([]);
    expect(result.commands.map((c) => c.program)).toEqual(programs);
    if (want?.via) expect(result.commands.map((c) => c.via)).toEqual(want.via);
    if (want?.dynamic) expect(result.commands.map((c) => c.dynamic)).toEqual(want.dynamic);
  });

  it('maps nested offsets back into the original script', () => {
    const script = "echo hi; bash -c 'curl x'";
    const curl = effectiveCommands(script).commands.find((c) => c.program === 'curl')!;
    expect(script.slice(curl.start, curl.start + 4)).toBe('curl');
    const here = "sh <<'EOF'\n  wget y\nEOF";
    const wget = effectiveCommands(here).commands.find((c) => c.program === 'wget')!;
    expect(here.slice(wget.start, wget.start + 4)).toBe('wget');
    const hs = 'bash <<< "nc h 1"';
    const nc = effectiveCommands(hs).commands.find((c) => c.program === 'nc')!;
    expect(hs.slice(nc.start, nc.start + 2)).toBe('nc');
    // An escaped string no longer lines up with the script: the wrapper's start stands in.
    const escaped = 'sudo bash -c "echo \\"a\\"; curl x"';
    const inner = effectiveCommands(escaped).commands.find((c) => c.program === 'curl')!;
    expect(inner.start).toBe(escaped.indexOf('bash'));
  });

  it('reports parse errors, also inside -c strings', () => {
    expect(effectiveCommands("echo 'unterminated").problems).toHaveLength(1);
    expect(effectiveCommands('bash -c "if then"').problems[0]).toMatch(/parse error in bash -c/);
  });

  it('stops at the nesting limit with a problem', () => {
    let script = 'curl x';
    for (let i = 0; i < 12; i++) script = `eval ${JSON.stringify(script)}`;
    const result = effectiveCommands(script);
    expect(result.problems.some((p) => /nesting deeper/.test(p))).toBe(true);
    expect(result.commands.some((c) => c.program === 'curl')).toBe(false);
  });

  it('runs the policy corpus without throwing (smoke)', () => {
    let total = 0;
    const withProblems: string[] = [];
    for (const file of ['attacks', 'benign']) {
      const lines = readFileSync(new URL(`../../fixtures/policy/${file}.jsonl`, import.meta.url), 'utf8').split('\n').filter(Boolean);
      let count = 0;
      let problems = 0;
      for (const line of lines) {
        const entry = JSON.parse(line) as { id: string; tool: string; input: { command?: string } };
        if (entry.tool !== 'Bash' || typeof entry.input.command !== 'string') continue;
        const result = effectiveCommands(entry.input.command);
        count++;
        if (result.problems.length > 0) {
          problems++;
          withProblems.push(`${file}/${entry.id}: ${result.problems.join('; ')}`);
        }
      }
      total += count;
      console.log(`bash-commands corpus ${file}: ${count} Bash cases, ${problems} with problems`);
    }
    if (withProblems.length) console.log(withProblems.join('\n'));
    expect(total).toBeGreaterThan(0);
  });
});
