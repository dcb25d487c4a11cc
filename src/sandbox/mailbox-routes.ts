import type { Route, SandboxContext } from './context.ts';
import { listDeliveredMessages } from './smtp/delivery.ts';

/**
 * `GET /_sandbox/messages[?to=…&from=…&tenant=…]` (tenant: id or domain; default the home tenant): what the sandbox delivered (over SMTP or Graph
 * sendMail), for `entra-mail sandbox messages`. Metadata only — addresses, subject, size, the
 * sending app — on loopback; no message body is kept.
 */
export function mailboxRoutes(ctx: SandboxContext): Route[] {
  return [
    {
      kind: 'admin',
      method: 'GET',
      path: /^\/_sandbox\/messages$/,
      handle: (req) => {
        const to = req.url.searchParams.get('to') ?? undefined;
        const from = req.url.searchParams.get('from') ?? undefined;
        const name = req.url.searchParams.get('tenant');
        const tenant = name === null ? ctx.tenants.home : ctx.tenants.find(name);
        if (!tenant) return { status: 404, body: { error: { code: 'NotFound', message: `The sandbox has no tenant '${name}'.` } } };
        return { status: 200, body: { value: ctx.tenants.run(tenant, () => listDeliveredMessages(ctx, { to, from })) } };
      },
    },
  ];
}
