// The list of Bash checks, in the order their hits are reported when several share a position.

import type { BashCheck } from './context.js';
import { dynamicProgram } from './dynamic.js';

export const BASH_CHECKS: readonly BashCheck[] = [dynamicProgram];
