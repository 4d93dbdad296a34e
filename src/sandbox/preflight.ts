// Whether this host can sandbox: bubblewrap present and user namespaces allowed; when not, the command that fixes it.

import { existsSync, readFileSync } from 'node:fs';
import { findOnPath } from './bwrap.js';

export class SandboxUnavailableError extends Error {
  constructor(
    message: string,
    readonly fixes: readonly string[],
  ) {
    super(message);
  }
}

const SEARCH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** bwrap's path (`$CORDON_BWRAP` names a particular build), or SandboxUnavailableError naming the package to install. */
export function findBwrap(path: string | undefined, explicit?: string): string {
  if (explicit !== undefined && explicit !== '') {
    if (explicit.startsWith('/') && existsSync(explicit)) return explicit;
    throw new SandboxUnavailableError(`CORDON_BWRAP=${explicit} is not an existing absolute path`, ['unset CORDON_BWRAP, or point it at a bwrap binary']);
  }
  const found = findOnPath('bwrap', `${path ?? ''}:${SEARCH}`);
  if (found) return found;
  throw new SandboxUnavailableError('bubblewrap (bwrap) is not installed', ['apt-get install -y bubblewrap   # Debian, Ubuntu', 'dnf install -y bubblewrap       # Fedora, RHEL']);
}

/** Why bwrap could not set up the sandbox, judged from its stderr and the kernel's switches. */
export function diagnoseBwrapFailure(stderr: string): SandboxUnavailableError {
  const fixes: string[] = [];
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
    fixes.push('sysctl -w kernel.apparmor_restrict_unprivileged_userns=0   # Ubuntu 23.10+ restricts user namespaces through AppArmor');
  }
  if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') fixes.push('sysctl -w kernel.unprivileged_userns_clone=1');
  if (read('/proc/sys/user/max_user_namespaces') === '0') fixes.push('sysctl -w user.max_user_namespaces=15000');
  if (fixes.length === 0) fixes.push('check that user and network namespaces are allowed here (a container may need --privileged or a seccomp profile that allows unshare and clone with CLONE_NEWUSER)');
  const reason = stderr.trim().split('\n').pop() || 'bwrap exited before the sandbox was set up';
  return new SandboxUnavailableError(`bubblewrap could not create the sandbox: ${reason}`, fixes);
}
