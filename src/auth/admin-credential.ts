import { readFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/identity';
import { isMicrosoftAuthorityHost } from '../core/cloud.ts';
import { UsageError } from '../core/errors.ts';
import type { AdminSignIn } from '../core/sign-in.ts';

/**
 * The admin's credential through @azure/identity. `env` follows EnvironmentCredential's
 * variables but reads them from the injected environment, so tests and runbooks behave alike.
 * Off Microsoft's hosts (the sandbox) instance discovery must be off (docs/sdk-behaviour.md#azureidentity-and-msal-node).
 */
export async function createAdminCredential(signIn: AdminSignIn): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const common = {
    authorityHost: signIn.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(signIn.authorityHost),
  };
  switch (signIn.mode) {
    case 'env': {
      const clientId = signIn.env.AZURE_CLIENT_ID;
      const secret = signIn.env.AZURE_CLIENT_SECRET;
      const certPath = signIn.env.AZURE_CLIENT_CERTIFICATE_PATH;
      if (!clientId || (!secret && !certPath)) {
        throw new UsageError(
          '--auth env needs AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) in the environment.',
          {
            flag: '--auth',
            suggestion: 'Export them, or use --auth device-code / browser / azure-cli for an interactive sign-in.',
          },
        );
      }
      if (secret) return new identity.ClientSecretCredential(signIn.tenant, clientId, secret, common);
      const pem = await readFile(certPath as string, 'utf8').catch(() => {
        throw new UsageError(`AZURE_CLIENT_CERTIFICATE_PATH: cannot read the certificate file.`, { flag: '--auth' });
      });
      return new identity.ClientCertificateCredential(signIn.tenant, clientId, { certificate: pem }, common);
    }
    case 'browser':
      return new identity.InteractiveBrowserCredential({ ...common, tenantId: signIn.tenant, clientId: signIn.clientId });
    case 'device-code':
      return new identity.DeviceCodeCredential({
        ...common,
        tenantId: signIn.tenant,
        clientId: signIn.clientId,
        userPromptCallback: (info) => signIn.prompt(info.message),
      });
    case 'azure-cli':
      return new identity.AzureCliCredential({ tenantId: signIn.tenant });
    case 'managed-identity':
      return signIn.env.AZURE_CLIENT_ID
        ? new identity.ManagedIdentityCredential({ clientId: signIn.env.AZURE_CLIENT_ID })
        : new identity.ManagedIdentityCredential();
  }
}
