// Writes docs/secrets.md from the detector table (npm run docs:secrets).

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DETECTORS } from './detectors/index.js';
import { secretsDocMarkdown } from './docs.js';
import { SECRET_FILE_KINDS } from './file-names.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'secrets.md');
writeFileSync(target, secretsDocMarkdown(DETECTORS, SECRET_FILE_KINDS));
process.stdout.write(`wrote ${target}\n`);
