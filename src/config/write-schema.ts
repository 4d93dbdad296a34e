// Writes schema/cordon.schema.json from the zod schema (npm run schema).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cordonJsonSchema } from './schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'cordon.schema.json');
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(cordonJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
