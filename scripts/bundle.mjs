// Build step: bundles the CLI with esbuild into dist/: the bin (cordon.cjs), the full CLI (cordon.js + chunks/), the secrets worker and the hook (hook.cjs).

import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');

const common = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning', absWorkingDir: ROOT };

/**
 * CommonJS output has no import.meta; the few modules that locate files through import.meta.url get
 * the same URL computed from the bundle's own path.
 */
const cjs = {
  ...common,
  format: 'cjs',
  define: { 'import.meta.url': '__cordonImportMetaUrl' },
  banner: { js: "const __cordonImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * zod's `z` namespace re-exports every locale (about 350 KB of the hook bundle) although only English
 * is ever configured; the hook gets an index with English alone. The rest of the CLI keeps them all.
 */
const englishOnlyZod = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';\n", loader: 'js', resolveDir: join(ROOT, 'node_modules/zod/v4/locales') }));
  },
};

rmSync(join(DIST, 'chunks'), { recursive: true, force: true });
await Promise.all([
  // The full CLI: ES modules, split so each command loads its own chunk.
  build({
    ...common,
    entryPoints: { cordon: 'src/cli/bin.ts', 'secrets-worker': 'src/secrets/secrets-worker.ts' },
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outdir: DIST,
    external: ['web-tree-sitter', 'tree-sitter-bash'],
    banner: { js: "import { createRequire as __cordonRequire } from 'node:module'; const require = __cordonRequire(import.meta.url);" },
  }),
  // The first process inside a `cordon run` sandbox: no dependencies, mounted there on its own.
  build({ ...cjs, entryPoints: ['src/sandbox/init.ts'], outfile: join(DIST, 'sandbox-init.cjs') }),
  // `cordon run` alone, CommonJS: the bin sends `run` here, past the ES module loader and the other commands.
  build({
    ...cjs,
    entryPoints: ['src/cli/run-entry.ts'],
    outfile: join(DIST, 'run.cjs'),
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
    plugins: [englishOnlyZod],
    minifyWhitespace: true,
  }),
  // The bin: a few lines of CommonJS in front of both.
  build({ ...cjs, entryPoints: ['src/cli/launcher.ts'], outfile: join(DIST, 'cordon.cjs') }),
  // The hook in one CommonJS file, web-tree-sitter included (its CommonJS build: the ES one loads
  // node:module through a dynamic import(), which a script compiled with node:vm cannot do).
  build({
    ...cjs,
    entryPoints: ['src/cli/hook-entry.ts'],
    outfile: join(DIST, 'hook.cjs'),
    alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
    plugins: [englishOnlyZod],
    // Without comments and indentation the file is a third smaller and pure ASCII (esbuild escapes the
    // rest), which the loader reads as latin1: V8 reads and checks less source before using the cache.
    minifyWhitespace: true,
  }),
]);
