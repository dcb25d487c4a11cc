import { decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxFederatedCredential } from '../state.ts';
import { aadsts } from './aadsts.ts';

/** Where Entra's refusals point (docs/sign-in.md#workload-identity-federation). */
const HELP = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const CHECK = `Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${HELP}`;

/** The identity providers whose keys the sandbox can fetch: only the ones it hosts (nothing leaves 127.0.0.1). */
export interface TrustedIssuers {
  keysOf(issuer: string): JWTVerifyGetKey | undefined;
}

/**
 * A client assertion that another identity provider issued (workload identity federation,
 * docs/sign-in.md#workload-identity-federation): accepted when a federated identity credential on
 * the app names its `iss`, its `sub` and one of its `aud` values exactly, its signature verifies
 * against that issuer's published keys, and it is within its valid time range. Each refusal is
 * the AADSTS answer Microsoft documents for it.
 */
export async function checkFederatedAssertion(
  ctx: SandboxContext,
  application: SandboxApplication,
  assertion: string,
  trusted: TrustedIssuers,
): Promise<void> {
  const claims = decodeJwt(assertion);
  const all = application.federatedIdentityCredentials ?? [];
  if (all.length === 0) throw refuse(70025, 'Client application has no configured federated identity credentials.');
  const visible = all.filter((c) => ctx.isReplicated(c.id));
  const issuer = String(claims.iss ?? '');
  const subject = String(claims.sub ?? '');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const match = (c: SandboxFederatedCredential) =>
    c.issuer === issuer && c.subject === subject && c.audiences.some((a) => audiences.includes(a));
  if (!visible.some(match)) {
    // A credential added a moment ago is not known everywhere yet (docs/sign-in.md#workload-identity-federation).
    if (all.some(match)) {
      throw refuse(
        70021,
        `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'.`,
      );
    }
    const sameIssuer = visible.filter((c) => c.issuer === issuer);
    if (sameIssuer.length === 0)
      throw refuse(700211, `No matching federated identity record found for presented assertion issuer '${issuer}'. ${CHECK}`);
    const sameSubject = sameIssuer.filter((c) => c.subject === subject);
    if (sameSubject.length === 0)
      throw refuse(700213, `No matching federated identity record found for presented assertion subject '${subject}'. ${CHECK}`);
    throw refuse(700212, `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. ${CHECK}`);
  }
  const keys = trusted.keysOf(issuer);
  if (!keys) throw refuse(700027, "Client assertion failed signature validation: the issuer's keys could not be retrieved.");
  try {
    await jwtVerify(assertion, keys, { algorithms: ['RS256'], currentDate: ctx.clock.now(), clockTolerance: 300 });
  } catch (error) {
    if (error instanceof errors.JWTExpired || (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf')) {
      throw refuse(700024, 'Client assertion is not within its valid time range.');
    }
    throw refuse(700027, 'Client assertion failed signature validation.');
  }
}

function refuse(code: number, description: string) {
  return aadsts(401, 'invalid_client', code, description);
}
