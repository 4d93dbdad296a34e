// The one error the audit log throws, so the hook can turn any log failure into a deny.

export type AuditLogErrorCode =
  /** Another writer held the lock for longer than the wait allows. */
  | 'lock-timeout'
  /** Our lock was broken as stale while we held it; writing now could fork the chain. */
  | 'lock-lost'
  /** The last record on disk is not a valid, intact record, so the next one cannot be chained to it. */
  | 'corrupt-log'
  /** The record to append does not fit the schema (or holds a value JSON cannot carry). */
  | 'invalid-record'
  /** The log would sit inside the agent's work tree, where the agent could edit its own record. */
  | 'log-in-repository'
  /** Any file-system failure: permissions, disk full, not a regular file. */
  | 'io';

export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';

  constructor(
    readonly code: AuditLogErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
