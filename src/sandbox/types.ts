// The vocabulary of `cordon run`: what the supervisor outside the sandbox plans, observes and records.

/** One connection attempt through the egress proxy, allowed or refused; the run record lists them all. */
export interface NetworkAttempt {
  /** ISO time the attempt started. */
  time: string;
  /** `connect` for HTTP CONNECT tunnels, `http` for plain proxied requests. */
  kind: 'connect' | 'http';
  /** The host as the client named it (lower-cased, no trailing dot). */
  host: string;
  port: number;
  /** The address actually dialled, when the name was resolved and allowed. */
  address?: string;
  allowed: boolean;
  /** Why: `allowlist`, `not-allowlisted`, `private-address`, `ip-literal`, `bad-request`, `resolve-failed`, `upstream-error`. */
  reason: string;
  /** Bytes from the sandbox to the remote, and back. */
  bytesOut: number;
  bytesIn: number;
  durationMs: number;
  /** HTTP method and path for `http` requests (the query string dropped: it may carry secrets). */
  method?: string;
  path?: string;
}

/** What the egress proxy enforces. */
export interface EgressPolicy {
  /** Exact names (`registry.npmjs.org`) and `*.suffix` patterns (`*.github.com`, not `github.com` itself). Never a bare `*`. */
  allowedDomains: readonly string[];
  /**
   * Names or addresses allowed although they are, or resolve to, loopback, private, link-local, CGNAT,
   * unique-local or cloud-metadata addresses (a registry served on the runner's loopback in tests, say).
   * An entry here still has to be allowed by `allowedDomains`, unless it is an IP literal listed here.
   */
  allowPrivate: readonly string[];
}

/** Token accounting of the model API broker. */
export interface TokenUsage {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Requests refused because `maxTokens` was reached. */
  refused: number;
}

/** How resource limits were enforced: the run record says which mechanism held them. */
export type LimitMechanism = 'cgroup-v2' | 'cgroup-v1' | 'rlimit' | 'none';

export interface LimitsInForce {
  mechanism: LimitMechanism;
  timeoutSeconds: number;
  memoryBytes?: number;
  maxProcesses?: number;
  maxTokens?: number;
  /** Why a stronger mechanism was not used, when it was not. */
  note?: string;
}

/** A path of the repository whose state changed during the run. */
export interface RepoChange {
  path: string;
  change: 'added' | 'modified' | 'deleted' | 'type-changed';
}

/** The JSON written at teardown (`--record FILE`). */
export interface RunRecord {
  version: 1;
  command: string[];
  role: string;
  repo: string;
  sandboxed: boolean;
  /** Present when `--unsafe-no-sandbox` ran the command without isolation. */
  unsafe?: string;
  limits: LimitsInForce;
  /** The system calls the seccomp filter refused, or why there was none. */
  seccomp: { denied: string[] } | { unavailable: string };
  startedAt: string;
  durationMs: number;
  /** The command's exit status; 128+n for signal n; never 0 for a run that was cancelled or timed out. */
  exitCode: number;
  /** `timeout`, `cancelled` (SIGINT/SIGTERM to cordon), `signal`, or absent for a normal exit. */
  ended?: 'timeout' | 'cancelled' | 'signal';
  network: NetworkAttempt[];
  tokens?: TokenUsage;
  changes: RepoChange[];
  /** Changes to protected paths (they are mounted read-only, so any here means the mount did not hold). */
  protectedChanges: RepoChange[];
  /** Symlinks in the repository after the run that point outside it. */
  escapingSymlinks: { path: string; target: string }[];
}
