import type { Route, SandboxContext } from './context.ts';
import { exchangeRoutes } from './exchange/routes.ts';
import { faultRoutes } from './fault-routes.ts';
import { keyVaultRoutes } from './keyvault/routes.ts';
import { mailboxRoutes } from './mailbox-routes.ts';
import { sendMailRoutes } from './graph/send-mail.ts';
import { graphRoutes } from './graph/routes.ts';
import { discoveryRoutes } from './token/discovery-routes.ts';
import { tokenRoutes } from './token/token-routes.ts';
import type { OidcIssuer } from './token/oidc-issuer.ts';
import type { SigningKey } from './token/signing-key.ts';

/**
 * Every route module the HTTPS server serves, in match order. Register a new module (Key Vault:
 * `keyVaultRoutes(ctx)`) by adding it to this list.
 */
export function collectRoutes(ctx: SandboxContext, key: SigningKey, issuer?: OidcIssuer): Route[] {
  const trusted = issuer && { keysOf: (url: string) => (url === issuer.url() ? issuer.keys : undefined) };
  return [
    ...discoveryRoutes(ctx, key),
    ...tokenRoutes(ctx, key, trusted),
    ...sendMailRoutes(ctx),
    ...graphRoutes(ctx, key),
    ...exchangeRoutes(ctx),
    ...keyVaultRoutes(ctx),
    ...mailboxRoutes(ctx),
    ...faultRoutes(ctx),
    ...(issuer?.routes() ?? []),
  ];
}
