// Typed errors that map one-to-one onto cordon's exit codes.

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  internal: 3,
} as const;

/** Bad command-line usage or a bad configuration file: exit 2, never a silent default. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A configuration file that does not validate; carries the file and position. */
export class ConfigError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}
