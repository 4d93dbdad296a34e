// A program name only run time knows (`$X`, `$(echo curl)`, `c*rl`, a shell reading a pipe) can be anything.

import type { BashCheck } from './context.js';
import { commandSpan } from './context.js';

export const dynamicProgram: BashCheck = {
  name: 'dynamic-program',
  command(command) {
    if (!command.dynamic) return [];
    const what = command.via[command.via.length - 1] === 'stdin' ? `${command.program} runs whatever is piped into it` : `the program ${JSON.stringify(command.path)} is only known at run time`;
    return [{ category: 'arbitrary-code', rule: 'dynamic-program', reason: what, span: commandSpan(command) }];
  },
};
