import type { Route, SandboxContext } from './context.ts';
import { listDeliveredMessages } from './smtp/delivery.ts';

/**
 * `GET /_sandbox/messages[?to=…&from=…]`: what the sandbox delivered (over SMTP or Graph
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
        return { status: 200, body: { value: listDeliveredMessages(ctx, { to, from }) } };
      },
    },
  ];
}
