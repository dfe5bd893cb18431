/**
 * An error that crosses a boundary: a stable machine code and a human message that says what
 * was wrong and where (`E_DATASET_GAP: gap after update 4812 at line 4812 of raw/...`).
 * The CLI prints `code: message` and exits with `exitCode`.
 */
// @ts-nocheck

export class ChassisError extends Error {
  readonly code: string;
  readonly exitCode: number;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options?: { exitCode?: number; details?: Record<string, unknown>; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChassisError';
    this.code = code;
    this.exitCode = options?.exitCode ?? 1;
    this.details = options?.details;
  }
}
