/**
 * A command that failed for a reason the user can act on. `details` are printed first, one per
 * line (the problems of a rejected ingest, the failing rows of a data test), then the cause.
 */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CommandFailed";
  }
}
