import type { FaultAction, FaultRule, RouteKind, SandboxContext } from '../context.ts';

export interface FaultTarget {
  kind: RouteKind | 'unmatched';
  method: string;
  path: string;
  body: Buffer;
  /** The sending process and its ancestors, when a rule asks for a client (see FaultRule.client). */
  clientLineage?: number[];
  /** The tenant the request is served as. */
  tenant?: string;
}

/**
 * Counts the request against every rule it matches and returns the action of the first rule
 * whose `nth` match this is (or one of the `times - 1` after it). A rule with no uses left is
 * removed. Rules apply in the order they were pushed.
 */
export function takeFault(ctx: SandboxContext, request: FaultTarget): FaultAction | undefined {
  let fired: FaultAction | undefined;
  for (const rule of [...ctx.faults]) {
    if (!matches(rule, request)) continue;
    rule.seen = (rule.seen ?? 0) + 1;
    const first = Math.max(1, Math.floor(rule.nth ?? 1));
    const last = first + Math.max(1, Math.floor(rule.times ?? 1)) - 1;
    if (fired || rule.seen < first) continue;
    fired = rule.action;
    if (rule.seen >= last) ctx.faults.splice(ctx.faults.indexOf(rule), 1);
  }
  return fired;
}

function matches(rule: FaultRule, request: FaultTarget): boolean {
  return (
    (rule.kind === undefined || rule.kind === request.kind) &&
    (rule.method === undefined || rule.method.toUpperCase() === request.method) &&
    test(rule.path, request.path) &&
    (rule.body === undefined || test(rule.body, request.body.toString('utf8'))) &&
    (rule.client === undefined || (request.clientLineage ?? []).includes(rule.client)) &&
    (rule.tenant === undefined || rule.tenant.toLowerCase() === request.tenant?.toLowerCase())
  );
}

/** A global or sticky RegExp keeps `lastIndex` between calls; reset it so matching is stateless. */
function test(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}
