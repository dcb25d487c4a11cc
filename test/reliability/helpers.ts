import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readSinkSecret, type Harness } from '../../scripts/lib/harness.ts';
import { checkInvariants } from '../../scripts/lib/tenant-invariants.ts';

/** A provision command line for one app in the harness's tenant; the sink is `<dir>/<uniqueName>.env`. */
export function provisionArgs(h: Harness, uniqueName: string, model = 'graph', extra: string[] = []): string[] {
  const exchange = model === 'graph' ? 'skip' : 'script';
  return [
    'provision',
    ...h.common,
    '--model',
    model,
    '--name',
    `App ${uniqueName}`,
    '--unique-name',
    uniqueName,
    '--mailbox',
    'noreply@contoso.com',
    '--exchange',
    exchange,
    '--out',
    sinkOf(h, uniqueName),
    '--format',
    'env',
    '--verbose',
    ...extra,
  ];
}

export function sinkOf(h: Harness, uniqueName: string): string {
  return join(h.dir, `${uniqueName}.env`);
}

/** Asserts the converged tenant: one app, one SP, one assignment per permission, no credential nobody holds. */
export async function assertConverged(h: Harness, uniqueName: string, expectAssignments = 1): Promise<void> {
  const secret = await readSinkSecret(sinkOf(h, uniqueName), h.minted);
  const report = checkInvariants(h.sandbox.snapshot(), uniqueName, secret, expectAssignments);
  assert.deepEqual(report.problems, [], `${uniqueName}: ${report.problems.join('; ')}`);
}

/** Requests in the sandbox log matching method and path, from `since` (an index into the log). */
export function requestsTo(h: Harness, method: string, path: RegExp, since = 0): number {
  return h.sandbox.ctx.log.slice(since).filter((e) => e.method === method && path.test(e.path)).length;
}

export const APP_UPSERT = /^\/v1\.0\/applications\(uniqueName=/;
export const SP_UPSERT = /^\/v1\.0\/servicePrincipals\(appId=/;
export const ADD_PASSWORD = /\/addPassword$/;
export const ASSIGN = /\/appRoleAssignedTo$/;
