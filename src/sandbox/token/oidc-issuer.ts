import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type CryptoKey, type JWK, type JWTVerifyGetKey } from 'jose';
import type { Route, SandboxContext } from '../context.ts';

/** The audience Entra expects in an external token (docs/sign-in.md#workload-identity-federation). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** The path the issuer lives under on the sandbox's origin: `https://127.0.0.1:<port>/oidc`. */
const ISSUER_PATH = '/oidc';

/** What a workload's token says about it; defaults are those of `entra-mail sandbox`'s own token file. */
export interface FederatedTokenRequest {
  subject?: string;
  audience?: string | string[];
  /** Seconds from now until it expires (default 3600, like a Kubernetes projected token); negative: already expired. */
  lifetimeSeconds?: number;
}

/**
 * An OpenID Connect issuer of workload tokens, as GitHub Actions' or a Kubernetes cluster's:
 * its own RS256 key, `/.well-known/openid-configuration` and a JWKS at `jwks_uri`, served on the
 * sandbox's origin. Entra trusts its tokens only through a federated identity credential on an
 * app (src/sandbox/token/federated-assertion.ts).
 */
export interface OidcIssuer {
  /** `https://127.0.0.1:<port>/oidc` once the server listens. */
  url(): string;
  /** The key set tokens are verified with (the one `jwks_uri` serves). */
  keys: JWTVerifyGetKey;
  issue(request?: FederatedTokenRequest): Promise<string>;
  routes(): Route[];
}

/** The workload the sandbox's token file stands for (a Kubernetes service account's subject form). */
export const SANDBOX_WORKLOAD_SUBJECT = 'system:serviceaccount:entra-mail:fleet';

export async function createOidcIssuer(ctx: SandboxContext): Promise<OidcIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(16).toString('base64url');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  const url = () => `${ctx.origin}${ISSUER_PATH}`;
  return {
    url,
    keys: createLocalJWKSet({ keys: [jwk] }),
    issue: (request = {}) => sign(privateKey, kid, url(), ctx.clock.nowMs(), request),
    routes: () => [
      {
        kind: 'admin',
        method: 'GET',
        path: /^\/oidc\/\.well-known\/openid-configuration$/,
        handle: () => ({
          status: 200,
          body: {
            issuer: url(),
            jwks_uri: `${url()}/keys`,
            response_types_supported: ['id_token'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['RS256'],
            claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf'],
          },
        }),
      },
      { kind: 'admin', method: 'GET', path: /^\/oidc\/keys$/, handle: () => ({ status: 200, body: { keys: [jwk] } }) },
    ],
  };
}

function sign(privateKey: CryptoKey, kid: string, issuer: string, nowMs: number, request: FederatedTokenRequest): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const lifetime = request.lifetimeSeconds ?? 3600;
  // An expired token was issued long enough ago to be out of Entra's clock tolerance as a whole.
  const issuedAt = lifetime < 0 ? iat + lifetime - 600 : iat;
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .setIssuer(issuer)
    .setSubject(request.subject ?? SANDBOX_WORKLOAD_SUBJECT)
    .setAudience(request.audience ?? TOKEN_EXCHANGE_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(iat + lifetime)
    .sign(privateKey);
}
