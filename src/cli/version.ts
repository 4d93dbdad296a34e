// The package version, read once from the package.json above this file (compiled or bundled).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function readVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cordon' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) throw new Error('internal error: cannot find cordon package.json');
  }
}

export const VERSION: string = readVersion();
