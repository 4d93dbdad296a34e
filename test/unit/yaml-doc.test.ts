import { describe, expect, it } from 'vitest';
import { YamlFile, blankJsonComments } from '../../src/parse/yaml-doc.js';

const WORKFLOW = `on: push
jobs:
  build:
    steps:
      - uses: actions/checkout@v4
      - run: |
          echo one
          claude -p "hi"
        with:
          prompt: "say \${{ github.event.issue.body }}"
`;

describe('YamlFile routes', () => {
  const file = new YamlFile('w.yml', WORKFLOW);
  const at = (offset: number) => file.lines.position(offset);

  it('parses and exposes the JS value', () => {
    expect(file.ok).toBe(true);
    expect((file.value as { on: string }).on).toBe('push');
  });

  it.each([
    [['jobs', 'build', 'steps', 0, 'uses'], 'value', 5, 15],
    [['jobs', 'build', 'steps', 0, 'uses'], 'key', 5, 9],
    [['jobs', 'build'], 'value', 3, 3],
    [['jobs', 'missing', 'steps'], 'value', 2, 1],
  ] as const)('span(%j, %s) starts at %i:%i', (route, part, line, column) => {
    const span = file.span(route, part);
    expect([at(span.start).line, at(span.start).column]).toEqual([line, column]);
  });

  it('maps an index inside a literal block scalar to its source line and column', () => {
    const route = ['jobs', 'build', 'steps', 1, 'run'];
    const index = (file.scalarString(route) ?? '').indexOf('claude');
    const offset = file.offsetInScalar(route, index, 'claude');
    expect([at(offset).line, at(offset).column]).toEqual([8, 11]);
  });

  it('maps an index inside a double-quoted scalar', () => {
    const route = ['jobs', 'build', 'steps', 1, 'with', 'prompt'];
    const offset = file.offsetInScalar(route, 4, '${{');
    expect([at(offset).line, at(offset).column]).toEqual([10, 24]);
  });

  it.each([
    ['key: [unclosed', 1],
    ['a: 1\na: 2\n', 2],
    ['a:\n  - b\n c: d\n', 3],
  ])('reports a parse problem with its position for %j', (text, line) => {
    const broken = new YamlFile('x.yml', text);
    expect(broken.ok).toBe(false);
    const problem = broken.problems[0];
    expect(problem).toBeDefined();
    expect(broken.lines.position(problem?.offset ?? -1).line).toBe(line);
  });
});

describe('JSON inputs', () => {
  it('rejects comments and trailing commas in strict JSON with a position', () => {
    const file = new YamlFile('s.json', '{\n  "a": 1,\n}\n', { json: true });
    expect(file.ok).toBe(false);
    expect(file.problems[0]?.offset).toBeGreaterThan(0);
  });

  it('accepts JSONC and keeps offsets', () => {
    const text = '{\n  // a comment\n  "image": "node", /* inline */\n  "x": [1,],\n}\n';
    expect(blankJsonComments(text)).toHaveLength(text.length);
    const file = new YamlFile('d.json', text, { jsonc: true });
    expect(file.ok).toBe(true);
    const span = file.span(['image']);
    expect(text.slice(span.start, span.end)).toBe('"node"');
  });

  it('resolves routes, keys and escaped strings in JSON', () => {
    const text = '{"permissions": {"allow": ["Read", "Bash(echo \\"hi\\")"]}, "a": 1, "a": 2}';
    const file = new YamlFile('s.json', text, { json: true });
    expect(file.value).toEqual({ permissions: { allow: ['Read', 'Bash(echo "hi")'] }, a: 2 });
    const allow = file.span(['permissions', 'allow', 1]);
    expect(text.slice(allow.start, allow.end)).toBe('"Bash(echo \\"hi\\")"');
    const key = file.span(['permissions'], 'key');
    expect(text.slice(key.start, key.end)).toBe('"permissions"');
    const last = file.span(['a']);
    expect(text.slice(last.start, last.end)).toBe('2');
    expect(file.scalarString(['permissions', 'allow', 1])).toBe('Bash(echo "hi")');
    const missing = file.span(['permissions', 'deny']);
    expect(text.slice(missing.start, missing.start + 1)).toBe('{');
  });

  it('keeps // inside strings', () => {
    const file = new YamlFile('d.json', '{"url": "https://example.com"}', { jsonc: true });
    expect((file.value as { url: string }).url).toBe('https://example.com');
  });
});
