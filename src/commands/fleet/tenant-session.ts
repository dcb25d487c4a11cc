import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Deps } from '../../core/deps.ts';
import { UsageError } from '../../core/errors.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { FleetFile, FleetTenant, SecretReference } from '../../fleet/fleet-file.ts';
import { tenantIdOf } from '../../graph/organization.ts';
import { resolveConnection, type TenantArgs } from '../shared/connection.ts';
import { openGraphSession } from '../shared/graph-session.ts';

/**
 * One tenant's connection: the file's tenant, cloud and sign-in (else --auth, else env) over the command line's endpoint
 * overrides (--authority-host, --graph-endpoint, --ca-file: the same for every tenant). Pure: a
 * bad value here is the file's error.
 */
export function tenantConnection(tenant: FleetTenant, args: TenantArgs, deps: Pick<Deps, 'env' | 'stdin'>): Connection {
  return resolveConnection({ ...args, tenant: tenant.tenant, cloud: tenant.cloud, auth: tenant.auth.kind ?? args.auth ?? 'env' }, deps);
}

/**
 * The environment @azure/identity reads for this tenant: the file's references resolved
 * (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE)
 * over the process's own. The secret is read here and goes only to the credential.
 */
export async function tenantEnvironment(file: FleetFile, tenant: FleetTenant, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const auth = tenant.auth;
  const out: NodeJS.ProcessEnv = { ...env, AZURE_TENANT_ID: tenant.tenant };
  if (auth.clientId) out.AZURE_CLIENT_ID = auth.clientId;
  if (auth.clientSecret) {
    out.AZURE_CLIENT_SECRET = await readReference(auth.clientSecret, env, file, tenant, 'clientSecret');
    delete out.AZURE_CLIENT_CERTIFICATE_PATH;
  }
  if (auth.certificate) {
    const ref = auth.certificate;
    out.AZURE_CLIENT_CERTIFICATE_PATH = 'file' in ref ? resolve(file.dir, ref.file) : requireEnv(env, ref.env, file, tenant, 'certificate');
    delete out.AZURE_CLIENT_SECRET;
  }
  if (auth.federatedTokenFile) out.AZURE_FEDERATED_TOKEN_FILE = resolve(file.dir, auth.federatedTokenFile);
  return out;
}

async function readReference(ref: SecretReference, env: NodeJS.ProcessEnv, file: FleetFile, tenant: FleetTenant, key: string) {
  if ('env' in ref) return requireEnv(env, ref.env, file, tenant, key);
  const path = resolve(file.dir, ref.file);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`${file.locate([...tenant.at, 'auth'], key)}: cannot read the ${key} file '${ref.file}'.`, { flag: '--file' });
  });
  return text.trim();
}

function requireEnv(env: NodeJS.ProcessEnv, name: string, file: FleetFile, tenant: FleetTenant, key: string): string {
  const value = env[name];
  if (!value)
    throw new UsageError(`${file.locate([...tenant.at, 'auth'], key)}: the environment variable ${name} (auth.${key}) is not set.`, {
      flag: '--file',
    });
  return value;
}

/** Sign in to one tenant and open its Graph session; the token's `tid` is the tenant's id. */
export async function openTenantSession(connection: Connection, args: TenantArgs, deps: Deps) {
  const session = await openGraphSession(connection, args, deps);
  return { ...session, tenantId: tenantIdOf(session.token) };
}
