import { DIRECTORY_ROLES, GRAPH_APP_ID } from '../../core/well-known.ts';
import type { SandboxContext, SandboxRequest, SandboxTokenClaims } from '../context.ts';
import { checkAccessToken, type SigningKey } from '../token/signing-key.ts';
import { GraphRequestError, insufficientPrivileges } from './errors.ts';

/** What an operation needs; each maps to the Graph permissions that allow it. */
export type GraphAccess =
  | 'authenticated'
  | 'read-applications'
  | 'write-applications'
  | 'read-assignments'
  | 'grant-assignments'
  | 'delete-assignments'
  | 'read-grants'
  | 'write-grants'
  | 'read-organization';

/**
 * Any one of these app roles (or delegated scopes) allows the operation; a list inside means all of
 * it together (docs/permissions.md#permission-each-graph-call-needs). Granting an app role needs
 * AppRoleAssignment.ReadWrite.All together with a permission that reads service principals
 * (Application.Read.All or Directory.Read.All, or their ReadWrite forms); deleting one needs only
 * AppRoleAssignment.ReadWrite.All, which alone reads no assignment list.
 */
const APP_READERS = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const ALLOWED: Record<Exclude<GraphAccess, 'authenticated'>, (string | string[])[]> = {
  'read-applications': ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'write-applications': ['Application.ReadWrite.All'],
  'read-assignments': [...APP_READERS, 'Application.ReadWrite.OwnedBy'],
  'grant-assignments': APP_READERS.map((reader) => ['AppRoleAssignment.ReadWrite.All', reader]),
  'delete-assignments': ['AppRoleAssignment.ReadWrite.All'],
  'read-grants': [
    'DelegatedPermissionGrant.ReadWrite.All',
    'DelegatedPermissionGrant.Read.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ],
  'write-grants': ['DelegatedPermissionGrant.ReadWrite.All'],
  // Organization get/list (docs/permissions.md): an app needs Organization.Read.All or a Directory
  // permission (Application.ReadWrite.All is not enough); any signed-in user may read it (User.Read).
  'read-organization': [
    'Organization.Read.All',
    'Directory.Read.All',
    'Organization.ReadWrite.All',
    'Directory.ReadWrite.All',
    'User.Read',
  ],
};

/** Graph accepts both forms of its own audience (docs/token-endpoint.md#claims-the-tool-looks-at). */
const GRAPH_AUDIENCES = ['https://graph.microsoft.com', GRAPH_APP_ID];

const INVALID_TOKEN_MESSAGES = {
  missing: 'Access token is empty.',
  malformed: 'IDX14100: JWT is not well formed. CompactToken parsing failed with error code: 80049217',
  signature: 'Access token validation failure. Invalid signature.',
  expired: 'Lifetime validation failed, the token is expired.',
  audience: 'Access token validation failure. Invalid audience.',
} as const;

export type GraphAuthorizer = (req: SandboxRequest, access: GraphAccess) => Promise<SandboxTokenClaims>;

/**
 * Checks the bearer token (401 InvalidAuthenticationToken) and then the caller's permission
 * (403 Authorization_RequestDenied, docs/graph-errors-and-consistency.md#codes-met). A user token carrying the Global
 * Administrator role template id in `wids` may do everything.
 */
export function createGraphAuthorizer(ctx: SandboxContext, key: SigningKey): GraphAuthorizer {
  return async (req, access) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw invalidToken('missing');
    const check = await checkAccessToken(key, token, ctx.clock.now(), GRAPH_AUDIENCES);
    if (!check.ok) throw invalidToken(check.reason);
    const claims = check.claims;
    if (access === 'authenticated') return claims;
    if (claims.idtyp === 'user' && claims.wids?.includes(DIRECTORY_ROLES['Global Administrator'])) return claims;
    const held = claims.idtyp === 'user' ? (claims.scp ?? '').split(' ') : (claims.roles ?? []);
    const holds = (needed: string | string[]) => (Array.isArray(needed) ? needed : [needed]).every((p) => held.includes(p));
    if (!ALLOWED[access].some(holds)) throw insufficientPrivileges();
    return claims;
  };
}

function invalidToken(reason: keyof typeof INVALID_TOKEN_MESSAGES): GraphRequestError {
  return new GraphRequestError(401, 'InvalidAuthenticationToken', INVALID_TOKEN_MESSAGES[reason], {
    headers: { 'WWW-Authenticate': 'Bearer realm="", authorization_uri="", client_id="00000003-0000-0000-c000-000000000000"' },
  });
}
