import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../../core/deps.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { FleetApp, FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import type { ExtraSinks } from '../../provision/extra-sinks.ts';
import { buildDeliveredConfig } from '../../rotation/delivered-config.ts';
import { validateRotateArgs, type RotatePlanArgs } from '../rotate/options.ts';
import { buildSinks } from '../rotate/sinks.ts';
import { locateError, tenantFolder } from './app-request.ts';

/**
 * The app's sinks besides its config file (`sinks.keyVault`, `sinks.onRotate`) as `rotate --app`
 * would take them, checked before any sign-in; undefined when it has none. apply delivers a secret
 * it mints there too (docs/fleet.md#sinks-on-apply).
 */
export function applySinksOf(file: FleetFile, tenant: FleetTenant, app: FleetApp): RotatePlanArgs | undefined {
  const { keyVault, keyVaultSecret, onRotate } = app.sinks;
  if (keyVault === undefined && onRotate === undefined) return undefined;
  if (app.credential === 'certificate') return undefined;
  try {
    return validateRotateArgs(
      {
        app: app.uniqueName,
        credential: 'secret',
        ...(keyVault !== undefined ? { keyVault } : {}),
        ...(keyVaultSecret !== undefined ? { keyVaultSecret: keyVaultSecret.replaceAll('{tenant}', tenant.tenant) } : {}),
        ...(onRotate !== undefined ? { onRotate } : {}),
      },
      tenantFolder(file, tenant),
    );
  } catch (error) {
    throw locateError(error, file, app);
  }
}

/** The sinks of rotate (src/commands/rotate/sinks.ts) for an app that apply mints a secret for. */
export function extraSinksFor(
  plan: RotatePlanArgs,
  app: FleetApp,
  context: { deps: Deps; connection: Connection; credential: TokenCredential; tenantId: string; model: string | undefined },
): ExtraSinks {
  return {
    build: (application) => {
      const managed = {
        id: application.id,
        appId: application.appId,
        uniqueName: app.uniqueName,
        displayName: application.displayName ?? app.uniqueName,
        model: context.model as never,
        profile: app.profile,
      };
      return {
        sinks: buildSinks(plan, managed, context),
        configFor: (credential) =>
          buildDeliveredConfig(
            {
              app: managed,
              tenantId: context.tenantId,
              endpoints: context.connection.endpoints,
              graphScope: context.connection.graphScope,
            },
            credential,
            [],
          ),
      };
    },
  };
}
