import type { FaultRule, RouteKind, SandboxContext } from '../context.ts';

/**
 * Takes the first pending fault rule that matches the request and consumes one of its `times`
 * (default 1); a rule with no uses left is removed. Rules apply in the order tests pushed them.
 */
export function takeFault(
  ctx: SandboxContext,
  request: { kind: RouteKind | 'unmatched'; method: string; path: string },
): FaultRule['action'] | undefined {
  const index = ctx.faults.findIndex(
    (rule) =>
      (rule.kind === undefined || rule.kind === request.kind) &&
      (rule.method === undefined || rule.method.toUpperCase() === request.method) &&
      matchesPath(rule.path, request.path),
  );
  if (index < 0) return undefined;
  const rule = ctx.faults[index] as FaultRule;
  const remaining = (rule.times ?? 1) - 1;
  if (remaining <= 0) ctx.faults.splice(index, 1);
  else rule.times = remaining;
  return rule.action;
}

/** A global or sticky RegExp keeps `lastIndex` between calls; reset it so matching is stateless. */
function matchesPath(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(path);
}
