import type { SandboxContext } from '../context.ts';
import type { SandboxApplication } from '../state.ts';

/** Audiences that let other tenants use an app (docs/sign-in.md#one-admin-app-for-many-tenants). */
const SINGLE_TENANT = 'AzureADMyOrg';

/**
 * A multi-tenant app registered in another tenant of this sandbox: the application object, with
 * its credentials, stays in that home tenant; this tenant may hold only a service principal for it
 * (docs/sign-in.md#one-admin-app-for-many-tenants). Only tenants already built are searched: an
 * app can only have been registered in a tenant somebody used.
 */
export function findForeignApplication(
  ctx: SandboxContext,
  appId: string,
): { application: SandboxApplication; homeTenantId: string } | undefined {
  const wanted = appId.toLowerCase();
  const here = ctx.state.tenant.id;
  for (const tenant of ctx.tenants.built()) {
    if (tenant.tenant.id === here) continue;
    const application = tenant.applications.find((a) => a.appId.toLowerCase() === wanted);
    if (!application || application.signInAudience === SINGLE_TENANT) continue;
    const visibleAt = tenant.replicatedAt[application.id];
    if (visibleAt !== undefined && ctx.clock.nowMs() < visibleAt) continue;
    return { application, homeTenantId: tenant.tenant.id };
  }
  return undefined;
}
