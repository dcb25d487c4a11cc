import { join } from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { Deps } from '../../core/deps.ts';
import type { Connection } from '../../core/sign-in.ts';
import { commandSink } from '../../credentials/sinks/command-sink.ts';
import { fileSink, readIfExists } from '../../credentials/sinks/file-sink.ts';
import { keyVaultSink } from '../../credentials/sinks/key-vault-sink.ts';
import type { ManagedApp, Sink } from '../../credentials/types.ts';
import { checkConfigFile, configEditor } from '../../rotation/config-file.ts';
import { forApp, vaultSecretName, type RotatePlanArgs } from './options.ts';

/** Where rotate delivers an app's new credential: the certificate's PEM, the config file, Key Vault, the --on-rotate command. */
export function buildSinks(
  plan: RotatePlanArgs,
  app: ManagedApp,
  context: { deps: Deps; connection: Connection; credential: TokenCredential; tenantId: string },
): Sink[] {
  const sinks: Sink[] = [];
  if (plan.kind === 'certificate') {
    const path = plan.certificateOut ? forApp(plan.certificateOut, app.uniqueName) : join(context.deps.cwd, `${app.uniqueName}.pem`);
    sinks.push(fileSink(path, (config) => config.credential.value.reveal()));
  }
  if (plan.out) {
    // The file keeps its format: only its secret changes (src/rotation/config-file.ts).
    const path = forApp(plan.out, app.uniqueName);
    const sink = fileSink(path, configEditor(path, app, plan.render !== undefined));
    sinks.push({ ...sink, prepare: async () => checkConfigFile(path, app, await readIfExists(path)) });
  }
  if (plan.keyVault) {
    sinks.push(
      keyVaultSink({
        vaultUrl: plan.keyVault.url,
        secretName: vaultSecretName(plan.keyVault.secretName, app.uniqueName),
        credential: context.credential,
        appId: app.appId,
      }),
    );
  }
  if (plan.onRotate)
    sinks.push(commandSink(plan.onRotate, context.deps.env, { tenantId: context.tenantId, appId: app.appId, uniqueName: app.uniqueName }));
  return sinks;
}
