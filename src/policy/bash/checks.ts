// The list of Bash checks, in the order their hits are reported when several share a position.

import type { BashCheck } from './context.js';
import { dynamicProgram } from './dynamic.js';
import { interpreterCode } from './interpreters.js';
import { codeExecution } from './code-exec.js';
import { scriptFiles } from './scripts.js';
import { secretReads } from './secret-reads.js';
import { environmentDump } from './environment.js';
import { credentialCommands } from './secrets.js';
import { destructiveCommands } from './destructive.js';
import { fileWrites } from './writes.js';
import { networkClient } from './network.js';
import { mergeApproval } from './merge.js';
import { packageInstall } from './install.js';
import { privilege } from './privilege.js';
import { processControl } from './processes.js';

export const BASH_CHECKS: readonly BashCheck[] = [dynamicProgram, interpreterCode, codeExecution, scriptFiles, secretReads, environmentDump, credentialCommands, destructiveCommands, fileWrites, networkClient, mergeApproval, packageInstall, privilege, processControl];
