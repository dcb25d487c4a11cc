import type { Clock } from '../core/clock.ts';
import { acquireAppToken, type CredentialSlot } from '../mail/acquire-token.ts';
import type { VerifyInput } from '../mail/types.ts';

/** docs/reliability.md#overlap-rotation / headline 4: three live token acquisitions in a row. */
export const REQUIRED_SUCCESSES = 3;
export const DEFAULT_CONFIRM_DEADLINE_MS = 120_000;

export interface ConfirmResult {
  ok: boolean;
  /** Token requests made (successful and not). */
  attempts: number;
  /** The AADSTS code of the last refusal, when there was one. */
  aadsts?: string;
}

/**
 * Does the new credential work? It does when `REQUIRED_SUCCESSES` token requests in a row succeed,
 * each one answered by the token endpoint, within `deadlineMs` on the injected clock. One
 * credential instance serves the streak, asked past MSAL's token cache (docs/sdk-behaviour.md#token-cache); a refusal drops it, since
 * MSAL may remember a failure (docs/sdk-behaviour.md#throttle-cache). One instance means one MSAL
 * client: off Microsoft's hosts it reads the authority's metadata once, not once per request
 * (docs/sdk-behaviour.md#azureidentity-and-msal-node). A fresh secret
 * answers AADSTS7000215 while it replicates (docs/graph-errors-and-consistency.md#eventual-consistency): acquireAppToken waits and asks again,
 * and any refusal restarts the count.
 */
export async function confirmCredential(
  input: Pick<VerifyInput, 'tenantId' | 'clientId' | 'credential' | 'endpoints' | 'graphScope'>,
  deps: { clock: Clock; log?: (line: string) => void },
  deadlineMs = DEFAULT_CONFIRM_DEADLINE_MS,
): Promise<ConfirmResult> {
  const deadline = deps.clock.nowMs() + deadlineMs;
  let streak = 0;
  let attempts = 0;
  let aadsts: string | undefined;
  const slot: CredentialSlot = {};
  while (streak < REQUIRED_SUCCESSES) {
    const remaining = deadline - deps.clock.nowMs();
    if (remaining <= 0) return { ok: false, attempts, ...(aadsts ? { aadsts } : {}) };
    const verifyInput: VerifyInput = {
      ...input,
      model: 'graph',
      mailbox: '',
      to: '',
      sendTestMessage: false,
      secretPropagationDeadlineMs: remaining,
    };
    const outcome = await acquireAppToken(verifyInput, input.graphScope, deps, slot);
    attempts += outcome.attempts;
    if (!outcome.ok) return { ok: false, attempts, ...(outcome.aadsts ? { aadsts: outcome.aadsts } : {}) };
    // A success after refusals is the first of a new streak.
    streak = outcome.attempts === 1 ? streak + 1 : 1;
    if (outcome.attempts > 1) aadsts = '7000215';
    deps.log?.(`confirm: token ${streak}/${REQUIRED_SUCCESSES} for app ${input.clientId}`);
  }
  return { ok: true, attempts };
}
