// Differential check: node positions from the fast parser agree with the `yaml` library's ranges.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { YamlFile, type Route } from '../../src/parse/yaml-doc.js';

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, out);
    else if (/\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** Every route of a document with the reference span of its value and key, as the `yaml` library sees them. */
function referenceSpans(node: Node | null | undefined, route: Route, out: { route: Route; value: [number, number]; key?: [number, number] }[], key?: [number, number]): void {
  if (!node?.range) return;
  const value: [number, number] = [node.range[0], node.range[1]];
  // Block collections are reported at their key; their own range has no fixed end convention to compare.
  if (!((isMap(node) || isSeq(node)) && !node.flow)) out.push({ route, value, ...(key ? { key } : {}) });
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
      referenceSpans(item.value as Node, [...route, String(item.key.value)], out, [item.key.range[0], item.key.range[1]]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => referenceSpans(item as Node, [...route, index], out));
  }
}

const files = [...yamlFiles(join(ROOT, 'test', 'fixtures')), ...yamlFiles(join(ROOT, 'examples'))];

/** Shapes the fixtures may not cover: anchors, flow styles, folded and kept scalars, CRLF, comments everywhere. */
const SYNTHETIC: Record<string, string> = {
  anchors: 'defaults: &d\n  a: 1\n  b: [x, y]\nuse: *d\nlist:\n  - &i item\n  - *i\n',
  flow: 'on: {push: {branches: [main]}, pull_request: null}\nx: [1, "two", \'three\', {k: v}]\n',
  scalars: 'plain: multi\n  line plain\nfolded: >\n  folded\n  text\n\nkept: |+\n  kept\n\nstripped: |-\n  stripped\nnext: 1\n',
  comments: '# head\nkey: value # trailing\n# between\nseq:\n  # inside\n  - a # after\n  - b\nempty:   \nlast: ~\n',
  crlf: 'on: push\r\njobs:\r\n  a:\r\n    run: |\r\n      echo 1\r\n      echo 2\r\n    x: "q"\r\n',
  quotedKeys: '"quoted key": 1\n\'single\': {a: b}\n? explicit\n: value\n',
  indentedSeq: 'steps:\n- uses: a@v1\n  with:\n    k: v\n- run: echo\n',
};

describe('YAML positions', () => {
  it('checks a real corpus', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  const cases: [string, () => string][] = [
    ...files.map((path): [string, () => string] => [path.slice(ROOT.length + 1), () => readFileSync(path, 'utf8')]),
    ...Object.entries(SYNTHETIC).map(([name, text]): [string, () => string] => [`synthetic ${name}`, () => text]),
  ];
  for (const [name, read] of cases) {
    it(name, () => {
      const text = read();
      const doc = parseDocument(text, { uniqueKeys: true });
      const file = new YamlFile('x.yml', text);
      expect(file.ok).toBe(doc.errors.length === 0);
      if (!file.ok) return;
      const spans: { route: Route; value: [number, number]; key?: [number, number] }[] = [];
      referenceSpans(doc.contents as Node, [], spans);
      for (const { route, value, key } of spans) {
        const actual = file.span(route);
        expect([route, actual.start, actual.end]).toEqual([route, value[0], value[1]]);
        if (key) {
          const actualKey = file.span(route, 'key');
          expect([route, actualKey.start, actualKey.end]).toEqual([route, key[0], key[1]]);
        }
      }
    });
  }
});
