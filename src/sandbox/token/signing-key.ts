import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt, errors, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import type { SandboxTokenClaims } from '../context.ts';

/** The sandbox's token-signing key: RS256, published at /{tenant}/discovery/v2.0/keys. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK as served in the JWKS. */
  jwk: JWK;
}

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(20).toString('base64url');
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
  return { kid, privateKey, publicKey, jwk };
}

/** Signs `claims` as an access token; `iat`/`nbf`/`exp` come from the sandbox clock. */
export async function signAccessToken(
  key: SigningKey,
  claims: Record<string, unknown>,
  nowMs: number,
  lifetimeSeconds: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ ...claims, iat, nbf: iat - 300, exp: iat + lifetimeSeconds })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .sign(key.privateKey);
}

export type TokenCheck =
  | { ok: true; claims: SandboxTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'audience' };

/**
 * Verifies a token the sandbox issued, naming why it failed so Graph can answer with a message
 * like the real service's (docs/graph-errors-and-consistency.md#codes-met: "…has expired", "CompactToken parsing failed…").
 */
export async function checkAccessToken(key: SigningKey, token: string, now: Date, audience?: string | string[]): Promise<TokenCheck> {
  try {
    decodeJwt(token);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      currentDate: now,
      ...(audience === undefined ? {} : { audience }),
    });
    return { ok: true, claims: payload as SandboxTokenClaims };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return { ok: false, reason: 'audience' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
    return { ok: false, reason: 'malformed' };
  }
}
