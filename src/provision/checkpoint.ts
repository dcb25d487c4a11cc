/**
 * Step boundaries of the provision pipeline, named so a crash test can stop the process at each
 * one (docs/reliability.md#kill-after-secret-minted, docs/reliability.md#kill-at-every-step: "SIGKILL at each step boundary", "kill after secret minted").
 *
 * TEST HOOK: when, and only when, the environment variable `ENTRA_MAIL_TEST_KILL_AT` names a
 * boundary, the process kills itself with SIGKILL when it reaches that boundary — no cleanup, no
 * exit handlers, exactly like a power cut or `kill -9`. Unset (always, outside the reliability
 * suite), `reachCheckpoint` does nothing.
 */
export const CHECKPOINTS = [
  'after-read',
  'after-plan',
  'after-application',
  'after-service-principal',
  'before-add-password',
  'after-add-password',
  'after-secret-journal',
  'after-consent',
  'after-output',
  'after-delivery-journal',
  'after-exchange',
] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

export const KILL_AT_ENV = 'ENTRA_MAIL_TEST_KILL_AT';

/** Called at each boundary; acts only when the test hook names this boundary. */
export function reachCheckpoint(name: Checkpoint, env: NodeJS.ProcessEnv): void {
  if (env[KILL_AT_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
