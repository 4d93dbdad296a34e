// Writes docs/rules/README.md from the registry (npm run docs:rules).

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from './registry.js';
import { rulesIndexMarkdown } from './rules-index.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'rules', 'README.md');
writeFileSync(target, rulesIndexMarkdown(RULES));
process.stdout.write(`wrote ${target}\n`);
