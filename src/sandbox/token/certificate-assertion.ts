import { X509Certificate, createHash } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { SandboxKeyCredential } from '../state.ts';

/** Why an assertion signed with one of an app's certificates was refused. */
export type AssertionCheck =
  | { ok: true; keyId: string; claims: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'expired-key' | 'signature' | 'expired' | 'audience' | 'claims' };

export interface AssertionExpectations {
  now: Date;
  /** Accepted `aud` values. */
  audiences: string[];
  /** Required `iss` (and, when `subject` is true, `sub`). */
  issuer: string;
  subject: boolean;
  /** Only replicated key credentials count (replication knob). */
  isReplicated(keyId: string): boolean;
}

/** base64url SHA-1 / SHA-256 of a DER certificate: the `x5t` / `x5t#S256` header values. */
export function certificateThumbprints(derBase64: string): { x5t: string; x5tS256: string } {
  const der = Buffer.from(derBase64, 'base64');
  return {
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}

/**
 * Verifies a JWT signed with the private key of one of `credentials`, found by its `x5t` or
 * `x5t#S256` header (how MSAL's certificate credential names the key). Used for client
 * assertions (docs/token-endpoint.md#request) and for addKey/removeKey proofs (docs/graph-applications.md#certificates-keycredentials-addkey).
 */
export async function verifyCertificateAssertion(
  jwt: string,
  credentials: SandboxKeyCredential[],
  expect: AssertionExpectations,
): Promise<AssertionCheck> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const wanted = [header.x5t, header['x5t#S256']].filter((v): v is string => typeof v === 'string').map(normalise);
  const credential = credentials.find((c) => {
    const prints = certificateThumbprints(c.key);
    return expect.isReplicated(c.keyId) && (wanted.includes(prints.x5t) || wanted.includes(prints.x5tS256));
  });
  if (!credential) return { ok: false, reason: 'unknown-key' };
  if (Date.parse(credential.endDateTime) <= expect.now.getTime()) return { ok: false, reason: 'expired-key' };
  try {
    const publicKey = new X509Certificate(Buffer.from(credential.key, 'base64')).publicKey;
    const { payload } = await jwtVerify(jwt, publicKey, {
      algorithms: ['RS256', 'PS256'],
      currentDate: expect.now,
      // Entra tolerates client clock skew; MSAL sets nbf a second after iat.
      clockTolerance: 300,
      audience: expect.audiences,
    });
    if (payload.iss !== expect.issuer || (expect.subject && payload.sub !== expect.issuer)) return { ok: false, reason: 'claims' };
    return { ok: true, keyId: credential.keyId, claims: payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: error.claim === 'aud' ? 'audience' : 'claims' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
    return { ok: false, reason: 'malformed' };
  }
}

/** Some libraries send `x5t` as standard base64; compare in base64url. */
function normalise(thumbprint: string): string {
  return thumbprint.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
