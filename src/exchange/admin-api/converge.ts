import { ServiceError } from '../../core/errors.ts';
import type { ExchangeScriptResult } from '../result.ts';
import type { ExchangeAdminApi } from './client.ts';
import { type CmdletCall, CmdletFailure, mapFailure } from './failures.ts';

export type Change = ExchangeScriptResult['changes'][number];

/** What a read found: nothing, something to change, or the desired state. */
export type Observation = 'absent' | 'differs' | 'matches';

export interface ConvergeStep {
  /** The object as the script's result line names it, e.g. `FullAccess info@contoso.com`. */
  object: string;
  observe: () => Promise<Observation>;
  /** The call that makes an absent object, or fixes one that differs. */
  write: (observed: Exclude<Observation, 'matches'>) => CmdletCall;
}

/**
 * Read, then write only where needed, then — when the write's answer was lost, or the object
 * "already exists" — read again and decide: a write whose outcome is unknown is never repeated
 * blindly, so a lost answer cannot make a second permission.
 */
export async function converge(api: ExchangeAdminApi, step: ConvergeStep): Promise<Change> {
  const observed = await step.observe();
  if (observed === 'matches') return { object: step.object, action: 'none' };
  const action = observed === 'absent' ? 'create' : 'update';
  const call = step.write(observed);
  for (let attempt = 1; attempt <= 2; attempt++) {
    const outcome = await writeOrRecheck(api, call);
    if (outcome === 'done') return { object: step.object, action };
    const now = await step.observe();
    if (now === 'matches') return { object: step.object, action };
  }
  throw new ServiceError(`Exchange Online did not confirm ${call.cmdlet} for ${step.object}, and reading it back shows no change.`, {
    step: 'exchange',
    object: step.object,
    suggestion: 'Run the same command again; every Exchange object is read before it is changed.',
  });
}

/** `done`, or `recheck` when the answer was lost or the object turned out to exist already. */
async function writeOrRecheck(api: ExchangeAdminApi, call: CmdletCall): Promise<'done' | 'recheck'> {
  try {
    const outcome = await api.write(call);
    return outcome.kind === 'done' ? 'done' : 'recheck';
  } catch (error) {
    if (error instanceof CmdletFailure && error.alreadyExists) return 'recheck';
    throw error instanceof CmdletFailure ? mapFailure(error, call) : error;
  }
}

/**
 * A removal: read, remove if present, and on a lost answer read again. `none` when nothing was
 * there, as the removal script reports it.
 */
export async function removeIfPresent(
  api: ExchangeAdminApi,
  step: { object: string; observe: () => Promise<boolean>; remove: () => CmdletCall },
): Promise<Change> {
  if (!(await step.observe())) return { object: step.object, action: 'none' };
  const call = step.remove();
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      const outcome = await api.write(call);
      if (outcome.kind === 'done') return { object: step.object, action: 'remove' };
    } catch (error) {
      if (!(error instanceof CmdletFailure && error.notFound)) throw error instanceof CmdletFailure ? mapFailure(error, call) : error;
    }
    if (!(await step.observe())) return { object: step.object, action: 'remove' };
  }
  throw new ServiceError(`Exchange Online did not confirm ${call.cmdlet} for ${step.object}, and it is still there.`, {
    step: 'exchange',
    object: step.object,
    suggestion: 'Run the same command again; every Exchange object is read before it is removed.',
  });
}
