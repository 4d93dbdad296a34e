// Option checks shared by the commands: a usage error names the flag and what it accepts.

import { UsageError } from '../core/errors.js';

export function oneOf(value: string, allowed: readonly string[], flag: string): string {
  if (!allowed.includes(value)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
  return value;
}
