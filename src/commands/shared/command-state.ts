/** What a command hands back to the command table: the exit code (main.ts sets it) and the output mode. */
export interface CommandState {
  exitCode: number;
  json: boolean;
  verbose: boolean;
  /** Set once the admin's credential exists: from then on a request may have been sent, so exit 2 no longer holds. */
  contacted?: boolean;
}
