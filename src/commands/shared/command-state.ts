/** What a command hands back to the command table: the exit code (main.ts sets it) and the output mode. */
export interface CommandState {
  exitCode: number;
  json: boolean;
  verbose: boolean;
}
