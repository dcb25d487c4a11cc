import type { Route, SandboxContext, SandboxRequest, SandboxResponse, SandboxTokenClaims } from '../context.ts';
import { deliverMessage } from '../smtp/delivery.ts';
import {
  GRAPH_AUDIENCES,
  findExchangeServicePrincipal,
  findMailbox,
  findRbacGrant,
  hasSendAs,
  principalNames,
} from '../smtp/exchange-authorization.ts';
import { recordMailRejection } from '../smtp/rejections.ts';
import type { MailRejectionReason } from '../smtp/rejections.ts';
import { GraphRequestError } from './errors.ts';

interface Recipient {
  emailAddress?: { address?: string };
}

interface GraphMessage {
  subject?: string;
  from?: Recipient;
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
}

/**
 * Graph `POST /users/{id | userPrincipalName}/sendMail` as Exchange Online answers an app token
 * (docs/graph-mail-and-organization.md#sendmail, docs/sending-models.md#graph-mailsend-graph, docs/diagnostics.md#graph-sendmail). Entra `Mail.Send` in `roles` is tenant-wide
 * and wins over any RBAC scope — the footgun verify warns about; without it an in-scope,
 * propagated `Application Mail.Send` assignment is needed. A token with no permission from either
 * side answers 401 NoPermissionsInAccessToken; a partial one 403 ErrorAccessDenied.
 * Success is 202 with an empty body. JSON bodies only: the base64 MIME variant is not served.
 */
export function sendMailRoutes(ctx: SandboxContext): Route[] {
  return [
    {
      kind: 'graph',
      method: 'POST',
      path: /^\/v1\.0\/users\/([^/]+)\/sendMail$/i,
      handle: (req, match) => sendMail(ctx, req, match[1] ?? ''),
    },
  ];
}

async function sendMail(ctx: SandboxContext, req: SandboxRequest, user: string): Promise<SandboxResponse> {
  const claims = await readBearer(ctx, req);
  const appId = claims.appid ?? claims.azp ?? '';
  const refuse = (reason: MailRejectionReason, error: GraphRequestError): GraphRequestError => {
    recordMailRejection(ctx, { via: 'graph', reason, mailbox: user, appId, reply: `${error.status} ${error.code}` });
    return error;
  };
  const exchange = ctx.state.exchange;
  const mailbox = findMailbox(exchange, user);
  if (!mailbox) throw refuse('mailbox-unknown', new GraphRequestError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`));
  const address = mailbox.address;
  if (!mailbox.licensed && !mailbox.shared)
    throw refuse(
      'mailbox-unlicensed',
      new GraphRequestError(404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.'),
    );

  const sp = findExchangeServicePrincipal(exchange, claims);
  if (!claims.roles?.includes('Mail.Send')) {
    if (!sp && (claims.roles ?? []).length === 0) {
      throw refuse(
        'no-permissions',
        new GraphRequestError(
          401,
          'NoPermissionsInAccessToken',
          'The token contains no permissions, or permissions can not be understood.',
        ),
      );
    }
    const grant = sp ? findRbacGrant(exchange, sp, 'Application Mail.Send', address, ctx.clock.nowMs()) : { status: 'missing' as const };
    if (grant.status !== 'effective') {
      const reason = !sp ? 'mail-send-missing' : grant.status === 'propagating' ? 'rbac-propagating' : 'rbac-assignment-missing';
      throw refuse(reason, new GraphRequestError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'));
    }
  }

  const body = readBody(req);
  const message = body.message ?? body.Message;
  if (!message || typeof message !== 'object')
    throw refuse('bad-request', new GraphRequestError(400, 'ErrorInvalidRequest', 'Cannot read the request body.'));
  const to = [...(message.toRecipients ?? []), ...(message.ccRecipients ?? []), ...(message.bccRecipients ?? [])]
    .map((r) => r.emailAddress?.address ?? '')
    .filter((a) => a.length > 0);
  if (to.length === 0) {
    throw refuse(
      'bad-request',
      new GraphRequestError(
        400,
        'ErrorInvalidRecipients',
        "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
      ),
    );
  }
  const from = message.from?.emailAddress?.address ?? address;
  const trustees = [...(sp ? principalNames(sp) : [appId]), address];
  if (from.toLowerCase() !== address && !hasSendAs(exchange, trustees, from)) {
    throw refuse(
      'send-as-denied',
      new GraphRequestError(
        403,
        'ErrorSendAsDenied',
        'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
      ),
    );
  }
  await deliverMessage(ctx, { via: 'graph', from, to, subject: message.subject ?? '', appId, size: req.body.length });
  return { status: 202 };
}

/** The caller's Graph app token; anything else is Graph's 401 InvalidAuthenticationToken (docs/graph-errors-and-consistency.md#codes-met). */
async function readBearer(ctx: SandboxContext, req: SandboxRequest): Promise<SandboxTokenClaims> {
  const header = req.headers.authorization ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token) throw new GraphRequestError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  const claims = await ctx.verifyToken(token);
  if (!claims) throw new GraphRequestError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
  if (!GRAPH_AUDIENCES.includes(claims.aud) || claims.tid !== ctx.state.tenant.id) {
    throw new GraphRequestError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
  }
  return claims;
}

/** Both casings of the parameters: `message`/`saveToSentItems` (docs, JS SDK) and `Message`/`SaveToSentItems` (CSDL) — docs/graph-mail-and-organization.md#sendmail. */
function readBody(req: SandboxRequest): {
  message?: GraphMessage;
  Message?: GraphMessage;
  saveToSentItems?: boolean;
  SaveToSentItems?: boolean;
} {
  try {
    return req.json();
  } catch {
    throw new GraphRequestError(400, 'ErrorInvalidRequest', 'Cannot read the request body.');
  }
}
