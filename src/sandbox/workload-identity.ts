import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { writeSecretFile } from '../core/write-secret-file.ts';
import type { SandboxContext } from './context.ts';
import { type OidcIssuer, SANDBOX_WORKLOAD_SUBJECT, TOKEN_EXCHANGE_AUDIENCE } from './token/oidc-issuer.ts';

/** What `--auth workload-identity` needs besides the admin app's client id and a tenant. */
export interface SandboxWorkloadIdentity {
  /** The federated token file (0600), as a Kubernetes projected token or GitHub's OIDC token saved to a file. */
  tokenFile: string;
  issuer: string;
  subject: string;
  audience: string;
}

/** The name of the federated identity credential the sandbox keeps on its admin app. */
const CREDENTIAL_NAME = 'sandbox-workload';
/** The kubelet rewrites a projected token well before it expires; so does the sandbox (tokens live an hour). */
const REFRESH_MS = 20 * 60_000;

/**
 * The sandbox as a workload platform (docs/sign-in.md#workload-identity-federation): its admin app
 * trusts the sandbox's own OIDC issuer for one subject, and `<dir>/federated-token` holds a token
 * of that issuer, rewritten every 20 minutes while the sandbox runs, so
 * AZURE_FEDERATED_TOKEN_FILE always names a valid one. The credential's issuer carries the port,
 * so it is replaced on every start.
 */
export async function startWorkloadIdentity(
  ctx: SandboxContext,
  issuer: OidcIssuer,
  adminAppId: string,
  dir: string,
): Promise<SandboxWorkloadIdentity & { stop(): void }> {
  const app = ctx.tenants.home.applications.find((a) => a.appId === adminAppId);
  if (!app) throw new Error('the sandbox admin app is missing');
  const others = (app.federatedIdentityCredentials ?? []).filter((c) => c.name !== CREDENTIAL_NAME);
  app.federatedIdentityCredentials = [
    ...others,
    {
      id: randomUUID(),
      name: CREDENTIAL_NAME,
      issuer: issuer.url(),
      subject: SANDBOX_WORKLOAD_SUBJECT,
      audiences: [TOKEN_EXCHANGE_AUDIENCE],
      description: "Trusts the sandbox's own OIDC issuer (entra-mail sandbox writes the token file).",
    },
  ];
  const tokenFile = join(dir, 'federated-token');
  const write = async () => writeSecretFile(tokenFile, await issuer.issue(), { what: 'the federated token file' });
  await write();
  const timer = setInterval(() => void write().catch(() => undefined), REFRESH_MS);
  timer.unref();
  return {
    tokenFile,
    issuer: issuer.url(),
    subject: SANDBOX_WORKLOAD_SUBJECT,
    audience: TOKEN_EXCHANGE_AUDIENCE,
    stop: () => clearInterval(timer),
  };
}
