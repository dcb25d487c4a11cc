import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { AuthError, UsageError } from '../../core/errors.ts';
import { validateHttpsUrl } from '../../core/validate.ts';

/**
 * Tokens go only where they belong (docs/key-vault.md). A vault answers a request without a token
 * with a challenge naming the resource to get one for; a server that is not a vault can name any
 * resource — Graph, say — and collect the admin's token for it. The Azure SDK team's guidance
 * (https://devblogs.microsoft.com/azure-sdk/guidance-for-applications-using-the-key-vault-libraries/):
 * accept a vault URL only under the Key Vault and Managed HSM domains, and a challenge only for the
 * vault's own domain.
 */
export const KEY_VAULT_DOMAINS = [
  'vault.azure.net',
  'vault.azure.cn',
  'vault.usgovcloudapi.net',
  'vault.microsoftazure.de',
  'managedhsm.azure.net',
  'managedhsm.azure.cn',
  'managedhsm.usgovcloudapi.net',
  'managedhsm.microsoftazure.de',
] as const;

/** This machine: the sandbox's vault, which has no name under a Key Vault domain. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

const underVaultDomain = (host: string): boolean => KEY_VAULT_DOMAINS.some((d) => host.endsWith(`.${d}`));

/** `--key-vault`: https, no credentials, and a host under a Key Vault domain (or this machine). */
export function validateVaultUrl(value: unknown): string {
  const url = validateHttpsUrl(value, '--key-vault');
  const host = new URL(url).hostname.toLowerCase();
  if (!underVaultDomain(host) && !isLoopbackHost(host)) {
    throw new UsageError(`--key-vault: '${host}' is not a Key Vault host (e.g. https://contoso.vault.azure.net).`, {
      flag: '--key-vault',
      suggestion: "Copy the vault's URI from its Overview page in the Azure portal.",
    });
  }
  return url;
}

/**
 * May the vault at `vaultUrl` have a token for `scope`? Its resource must be a Key Vault resource,
 * and the vault's host must lie under that resource's domain (`contoso.vault.azure.net` under
 * `vault.azure.net`), the check the SDK makes too. The sandbox's vault on 127.0.0.1 has no such
 * name; there the resource must still be a Key Vault one — never Graph.
 */
export function isVaultScope(vaultUrl: string, scope: string): boolean {
  let resource: string;
  try {
    resource = new URL(scope).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (!(KEY_VAULT_DOMAINS as readonly string[]).includes(resource)) return false;
  const host = new URL(vaultUrl).hostname.toLowerCase();
  return host.endsWith(`.${resource}`) || isLoopbackHost(host);
}

/** The admin's credential as the vault client sees it: a token only for the vault's own resource. */
export function vaultOnlyCredential(credential: TokenCredential, vaultUrl: string): TokenCredential {
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      const refused = (Array.isArray(scopes) ? scopes : [scopes]).find((s) => !isVaultScope(vaultUrl, s));
      if (refused === undefined) return credential.getToken(scopes, options);
      const resource = refused.replace(/\/\.default$/, '');
      return Promise.reject(
        new AuthError(
          `${vaultUrl} asked for a token for '${resource}', which is not a Key Vault resource of that vault; no token was sent to it.`,
          {
            step: 'deliver',
            object: `Key Vault ${vaultUrl}`,
            code: 'ChallengeResourceMismatch',
            suggestion: "Check --key-vault: it must be the vault's URI, e.g. https://contoso.vault.azure.net.",
          },
        ),
      );
    },
  };
}
