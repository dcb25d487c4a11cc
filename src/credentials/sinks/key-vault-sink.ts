import type { TokenCredential } from '@azure/identity';
import type { SecretClient } from '@azure/keyvault-secrets';
import { isEntraMailError, PermissionError, ServiceError } from '../../core/errors.ts';
import type { DeliveredConfig, Sink } from '../types.ts';
import { isLoopbackHost, vaultOnlyCredential } from './vault-credential.ts';

/**
 * `--key-vault URL --key-vault-secret NAME`: the credential becomes a new version of the vault
 * secret (the store Azure rotation automation reads), tagged with its keyId and the app's client
 * id, so the vault itself records which credential it holds. Rollback on a failed verification:
 * the previous version's value is set again as the current version and the failed version is
 * disabled, so a reader of "latest" gets the old, working value (docs/reliability.md#failed-verification).
 */
export function keyVaultSink(options: { vaultUrl: string; secretName: string; credential: TokenCredential; appId: string }): Sink {
  // The SDK's own check wants the vault's host under the challenge's resource domain, which the
  // sandbox's vault on 127.0.0.1 cannot be; vaultOnlyCredential checks the resource for every vault,
  // so only there is the SDK's check left out (src/credentials/sinks/vault-credential.ts).
  const disableChallengeResourceVerification = isLoopbackHost(new URL(options.vaultUrl).hostname);
  const credential = vaultOnlyCredential(options.credential, options.vaultUrl);
  // The Key Vault SDK loads only when a vault sink is used (cold start).
  let client: SecretClient | undefined;
  const vault = async (): Promise<SecretClient> =>
    (client ??= new (await import('@azure/keyvault-secrets')).SecretClient(options.vaultUrl, credential, {
      disableChallengeResourceVerification,
    }));
  const name = options.secretName;
  let previous: { version: string; tags?: Record<string, string>; contentType?: string } | undefined;
  let attempted: DeliveredConfig | undefined;
  const where = `Key Vault secret '${name}' in ${options.vaultUrl}`;
  /** The current version's properties, or undefined when the secret does not exist. */
  const current = async () => {
    const kv = await vault();
    return guard(where, async () => {
      try {
        return (await kv.getSecret(name)).properties;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    });
  };
  return {
    id: `keyvault:${options.vaultUrl}#${name}`,
    describe: () => `key vault ${options.vaultUrl} secret ${name}`,
    async deliver(config: DeliveredConfig, beforeWrite) {
      const kv = await vault();
      const p = await current();
      previous = p?.version
        ? { version: p.version, ...(p.tags ? { tags: p.tags } : {}), ...(p.contentType ? { contentType: p.contentType } : {}) }
        : undefined;
      await beforeWrite({});
      attempted = config;
      await guard(where, () =>
        kv.setSecret(name, config.credential.value.reveal(), {
          contentType: config.credential.kind === 'certificate' ? 'application/x-pem-file' : 'text/plain',
          tags: {
            keyId: config.credential.keyId,
            clientId: options.appId,
            expires: config.credential.endDateTime,
            managedBy: 'entra-mail',
          },
        }),
      );
    },
    async rollback() {
      if (!attempted) return;
      // Looked up rather than remembered: a set whose answer was lost may still have landed.
      const failedKeyId = attempted.credential.keyId;
      const now = await current();
      attempted = undefined;
      if (now?.tags?.keyId !== failedKeyId || !now.version) return;
      const kv = await vault();
      const failed = now.version;
      if (previous) {
        const old = previous;
        const value = await guard(where, async () => (await kv.getSecret(name, { version: old.version })).value);
        if (value !== undefined)
          await guard(where, () =>
            kv.setSecret(name, value, {
              ...(old.tags ? { tags: old.tags } : {}),
              ...(old.contentType ? { contentType: old.contentType } : {}),
            }),
          );
      }
      await guard(where, () => kv.updateSecretProperties(name, failed, { enabled: false }));
    },
    async holds(_record, keyId) {
      try {
        const p = await current();
        return p !== undefined && p.enabled !== false && p.tags?.keyId === keyId;
      } catch {
        return undefined;
      }
    },
    async commit() {
      attempted = undefined;
    },
  };
}

/** SDK errors → ours, by status only: their text may quote the request. */
async function guard<T>(where: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isEntraMailError(error)) throw error;
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 401 || status === 403) {
      throw new PermissionError(`${where}: access refused (${status}).`, {
        step: 'deliver',
        object: where,
        cause: { statusCode: status },
        suggestion: "Give the signed-in identity the 'Key Vault Secrets Officer' role on the vault (or get/set/list secret permissions).",
      });
    }
    throw new ServiceError(`${where}: ${status ? `HTTP ${status}` : 'the vault could not be reached'}.`, {
      step: 'deliver',
      object: where,
      cause: { statusCode: status },
    });
  }
}
