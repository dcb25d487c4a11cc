import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../../core/well-known.ts';
import { aadsts } from './aadsts.ts';

/** Azure Key Vault's first-party app id; the sandbox tenant has no service principal for it. */
export const KEY_VAULT_APP_ID = 'cfa8b339-82a2-471a-a3c9-0fc0be7a4093';

/** A resource a token can be issued for. */
export interface TokenResource {
  /** The `aud` claim of tokens for it. */
  audience: string;
  /** The resource's app id, to find its service principal (for `roles`). */
  appId: string;
}

const GRAPH: TokenResource = { audience: 'https://graph.microsoft.com', appId: GRAPH_APP_ID };
const EXCHANGE: TokenResource = { audience: 'https://outlook.office365.com', appId: EXCHANGE_APP_ID };

/** Identifiers accepted in `<resource>/.default` (docs/token-endpoint.md#request, docs/national-clouds.md; docs/sending-models.md). */
const RESOURCES: Record<string, TokenResource> = {
  'https://graph.microsoft.com': GRAPH,
  [GRAPH_APP_ID]: GRAPH,
  'https://outlook.office365.com': EXCHANGE,
  'https://outlook.office.com': { audience: 'https://outlook.office.com', appId: EXCHANGE_APP_ID },
  [EXCHANGE_APP_ID]: EXCHANGE,
  'https://vault.azure.net': { audience: 'https://vault.azure.net', appId: KEY_VAULT_APP_ID },
};

/** OpenID scopes MSAL adds to user flows; they name no resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export function findResource(identifier: string): TokenResource | undefined {
  // Entra accepts `https://graph.microsoft.com//.default` (double slash) too.
  return RESOURCES[identifier.replace(/\/+$/, '').toLowerCase()];
}

/** A parsed scope parameter: one resource and the permission values asked for on it. */
export interface RequestedScope {
  resource: TokenResource;
  /** Permission values, or ['.default']. */
  permissions: string[];
}

/**
 * Parses the `scope` parameter. Client credentials accept only `<resource>/.default`
 * (AADSTS1002012); an unknown resource is AADSTS70011; several resources AADSTS700022 (docs/token-endpoint.md#aadsts-codes).
 */
export function parseScope(scope: string | null, options: { defaultOnly: boolean }): RequestedScope {
  const items = (scope ?? '').split(/\s+/).filter((item) => item && !OIDC_SCOPES.has(item));
  if (items.length === 0) {
    throw aadsts(
      400,
      'invalid_scope',
      70011,
      "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.",
    );
  }
  let resource: TokenResource | undefined;
  const permissions: string[] = [];
  for (const item of items) {
    const slash = item.lastIndexOf('/');
    const permission = slash < 0 ? item : item.slice(slash + 1);
    if (options.defaultOnly && permission !== '.default') {
      throw aadsts(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${item} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    const found = slash < 0 ? undefined : findResource(item.slice(0, slash));
    if (!found)
      throw aadsts(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid. The scope ${scope ?? ''} is not valid.`,
      );
    if (resource && resource.appId !== found.appId) {
      throw aadsts(
        400,
        'invalid_scope',
        700022,
        `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope ?? ''} is not valid.`,
      );
    }
    resource = found;
    permissions.push(permission);
  }
  return { resource: resource as TokenResource, permissions };
}
