import type { Route, SandboxContext } from '../context.ts';
import type { SigningKey } from '../token/signing-key.ts';
import { appRoleAssignmentRoutes } from './app-role-assignments.ts';
import { applicationCredentialRoutes } from './application-credentials.ts';
import { applicationRoutes } from './applications.ts';
import { createGraphAuthorizer } from './auth.ts';
import { deletedItemRoutes } from './deleted-items.ts';
import { federatedCredentialRoutes } from './federated-credentials.ts';
import { organizationRoutes } from './organization.ts';
import { permissionGrantRoutes } from './permission-grants.ts';
import { servicePrincipalReadRoutes } from './service-principal-reads.ts';
import { servicePrincipalRoutes } from './service-principals.ts';

/** Every Graph path of graph-openapi-subset.yaml except sendMail (registered separately). */
export function graphRoutes(ctx: SandboxContext, key: SigningKey): Route[] {
  const authorize = createGraphAuthorizer(ctx, key);
  return [
    ...organizationRoutes(ctx, authorize),
    ...applicationCredentialRoutes(ctx, authorize),
    ...federatedCredentialRoutes(ctx, authorize),
    ...applicationRoutes(ctx, authorize),
    ...servicePrincipalReadRoutes(ctx, authorize),
    ...servicePrincipalRoutes(ctx, authorize),
    ...appRoleAssignmentRoutes(ctx, authorize),
    ...permissionGrantRoutes(ctx, authorize),
    ...deletedItemRoutes(ctx, authorize),
  ];
}
