import type { Route, SandboxContext } from './context.ts';
import { formatFaultRule, parseFaultSpec } from './traffic/fault-spec.ts';

/**
 * Fault injection for a sandbox running in another process (`entra-mail sandbox`):
 * `POST /_sandbox/faults` with a rule on one line (text/plain, see traffic/fault-spec.ts) adds
 * it; `GET` lists pending rules and the faults that fired; `DELETE` drops the pending ones.
 */
export function faultRoutes(ctx: SandboxContext): Route[] {
  const path = /^\/_sandbox\/faults$/;
  return [
    {
      kind: 'admin',
      method: 'POST',
      path,
      handle: (req) => {
        try {
          const rule = parseFaultSpec(req.body.toString('utf8'));
          ctx.faults.push(rule);
          return { status: 201, body: { rule: formatFaultRule(rule) } };
        } catch (error) {
          return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
        }
      },
    },
    {
      kind: 'admin',
      method: 'GET',
      path,
      handle: () => ({ status: 200, body: { pending: ctx.faults.map(formatFaultRule), fired: ctx.firedFaults } }),
    },
    {
      kind: 'admin',
      method: 'DELETE',
      path,
      handle: () => {
        ctx.faults.length = 0;
        return { status: 204 };
      },
    },
  ];
}
