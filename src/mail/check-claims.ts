import { decodeJwt } from 'jose';
import { MODELS } from '../core/models.ts';
import type { ModelName } from '../core/models.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../core/well-known.ts';
import { isGuid } from '../core/validate.ts';

/** The claims verify looks at (docs/token-endpoint.md#claims-the-tool-looks-at). Decoded for diagnostics only, never trusted. */
export interface AppTokenClaims {
  aud: string;
  tid: string;
  appId: string;
  /** The app's service principal object id. */
  oid: string;
  roles: string[];
}

export type ClaimsFinding =
  | { ok: true; claims: AppTokenClaims; detail: string }
  | { ok: false; claims: AppTokenClaims; problem: 'audience' | 'tenant' | 'roles-missing' | 'unexpected-role'; detail: string };

export function decodeAppToken(accessToken: string): AppTokenClaims {
  const payload = decodeJwt(accessToken);
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    aud: text(payload.aud),
    tid: text(payload['tid']),
    appId: text(payload['appid']) || text(payload['azp']),
    oid: text(payload['oid']),
    roles: Array.isArray(payload['roles']) ? payload['roles'].filter((r): r is string => typeof r === 'string') : [],
  };
}

/**
 * Check the token against the model: the audience is the resource asked for (its URI or app id),
 * the tenant is the one given, and `roles` holds exactly what the model grants in Entra —
 * SMTP.SendAsApp for `smtp`, Mail.Send for `graph`, nothing for the RBAC models, whose grants live
 * in Exchange. A role there is a finding too: SMTP.SendAsApp makes Exchange demand FullAccess
 * (docs/sending-models.md), Mail.Send makes an RBAC scope moot (docs/sending-models.md#graph-mailsend-graph).
 */
export function checkClaims(
  accessToken: string,
  expectation: { model: ModelName; resource: string; tenantId: string; clientId: string },
): ClaimsFinding {
  const claims = decodeAppToken(accessToken);
  const model = MODELS[expectation.model];
  const summary = `aud ${claims.aud}, tid ${claims.tid}, appid ${claims.appId}, roles [${claims.roles.join(', ')}]`;
  const resourceAppId = model.tokenResource === 'exchange' ? EXCHANGE_APP_ID : GRAPH_APP_ID;
  const audiences = [expectation.resource.replace(/\/+$/, ''), resourceAppId];
  if (!audiences.includes(claims.aud.replace(/\/+$/, ''))) {
    return {
      ok: false,
      claims,
      problem: 'audience',
      detail: `The token is for '${claims.aud}', not ${audiences.join(' or ')}; ${model.transport === 'smtp' ? 'SMTP needs an Exchange token' : 'sendMail needs a Graph token'}.`,
    };
  }
  if (isGuid(expectation.tenantId) && claims.tid.toLowerCase() !== expectation.tenantId.toLowerCase()) {
    return { ok: false, claims, problem: 'tenant', detail: `The token is from tenant ${claims.tid}, not ${expectation.tenantId}.` };
  }
  const missing = model.expectedRoles.filter((r) => !claims.roles.includes(r));
  if (missing.length > 0) {
    return {
      ok: false,
      claims,
      problem: 'roles-missing',
      detail: `The token lacks the role ${missing.join(', ')} (${summary}): the permission is not granted or not consented.`,
    };
  }
  const conflicting = model.expectedRoles.length === 0 ? claims.roles.filter((r) => r === 'SMTP.SendAsApp' || r === 'Mail.Send') : [];
  if (conflicting.length > 0) {
    const why = conflicting.includes('Mail.Send')
      ? 'Entra Mail.Send is tenant-wide and overrides the Exchange RBAC scope: the app can send as any mailbox.'
      : 'SMTP.SendAsApp in the token makes Exchange demand FullAccess on the mailbox, defeating the RBAC model.';
    return {
      ok: false,
      claims,
      problem: 'unexpected-role',
      detail: `The token carries ${conflicting.join(', ')} though model ${model.name} grants nothing in Entra. ${why}`,
    };
  }
  return { ok: true, claims, detail: summary };
}
