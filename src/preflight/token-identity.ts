import { decodeJwt } from 'jose';

/**
 * Who the admin's Graph access token says the caller is, for diagnostics only: the token is
 * decoded, never verified (Graph verifies it on every call). An app-only token carries `roles`
 * and `idtyp: app` (or no `scp`); a user token carries `scp` and the directory role template ids
 * of the user's active roles in `wids` (docs/token-endpoint.md#claims-the-tool-looks-at).
 */
export interface TokenIdentity {
  kind: 'app' | 'user' | 'unknown';
  /** Application permissions (app tokens). */
  roles: string[];
  /** Delegated scopes (user tokens). */
  scopes: string[];
  /** Directory role template ids (user tokens). */
  directoryRoleIds: string[];
}

const UNKNOWN: TokenIdentity = { kind: 'unknown', roles: [], scopes: [], directoryRoleIds: [] };

/** Decodes the claims that matter; anything that is not a readable JWT is "unknown", never an error. */
export function readTokenIdentity(token: string): TokenIdentity {
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    // Opaque or encrypted tokens (some clouds, MSA) cannot be read: the check steps aside.
    return UNKNOWN;
  }
  const roles = stringList(claims['roles']);
  const scopes = typeof claims['scp'] === 'string' ? claims['scp'].split(' ').filter(Boolean) : [];
  const directoryRoleIds = stringList(claims['wids']).map((id) => id.toLowerCase());
  const idtyp = claims['idtyp'];
  const kind =
    idtyp === 'app' || (idtyp === undefined && scopes.length === 0) ? 'app' : idtyp === 'user' || scopes.length > 0 ? 'user' : 'unknown';
  return { kind, roles, scopes, directoryRoleIds };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
