import { createHash, randomBytes } from 'node:crypto';
import type { SandboxContext } from '../context.ts';
import type { TenantState } from '../state.ts';

/** One stored version of a vault secret (state.ts `keyVault`). */
export type VaultVersion = TenantState['keyVault']['secrets'][number]['versions'][number];
export type VaultSecret = TenantState['keyVault']['secrets'][number];

/** A Key Vault failure: status, the service's error code and message (its envelope, not Graph's). */
export class VaultError extends Error {
  readonly status: number;
  readonly code: string;
  readonly innerCode?: string;
  constructor(status: number, code: string, message: string, innerCode?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.innerCode = innerCode;
  }
}

/** Key Vault object names: 1–127 letters, digits and dashes. */
export function checkSecretName(name: string): void {
  if (!/^[0-9a-zA-Z-]{1,127}$/.test(name)) {
    throw new VaultError(
      400,
      'BadParameter',
      'The request URI contains an invalid name: secret names may contain only 0-9, a-z, A-Z, and -.',
    );
  }
}

export function findSecret(ctx: SandboxContext, name: string): VaultSecret | undefined {
  return ctx.state.keyVault.secrets.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

/** The newest version, or a named one; 404 SecretNotFound otherwise. */
export function findVersion(
  ctx: SandboxContext,
  name: string,
  version: string | undefined,
): { secret: VaultSecret; version: VaultVersion } {
  const secret = findSecret(ctx, name);
  const found = version ? secret?.versions.find((v) => v.version === version) : secret?.versions.at(-1);
  if (!secret || !found) {
    throw new VaultError(
      404,
      'SecretNotFound',
      `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`,
    );
  }
  return { secret, version: found };
}

/** `PUT /secrets/{name}`: always a new version, which becomes the current one. */
export function addVersion(
  ctx: SandboxContext,
  name: string,
  input: { value: string; contentType?: string; tags?: Record<string, string>; enabled?: boolean },
): VaultVersion {
  let secret = findSecret(ctx, name);
  if (!secret) {
    secret = { name, versions: [] };
    ctx.state.keyVault.secrets.push(secret);
  }
  const created = ctx.clock.now().toISOString();
  const version: VaultVersion = {
    version: randomBytes(16).toString('hex'),
    created,
    updated: created,
    ...(input.contentType !== undefined ? { contentType: input.contentType } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    enabled: input.enabled ?? true,
    valueSha256: createHash('sha256').update(input.value).digest('hex'),
    value: input.value,
  };
  secret.versions.push(version);
  return version;
}

const seconds = (iso: string | undefined) => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);

/** Ids are `<vault>/secrets/<name>/<version>` at the origin's root: the SDK parses exactly three segments. */
export function secretId(ctx: SandboxContext, name: string, version: string): string {
  return `${ctx.origin}/secrets/${name}/${version}`;
}

/** The SecretBundle / SecretItem JSON the service answers (attributes in epoch seconds). */
export function renderVersion(
  ctx: SandboxContext,
  secret: VaultSecret,
  version: VaultVersion,
  options: { withValue: boolean },
): Record<string, unknown> {
  return {
    ...(options.withValue ? { value: version.value } : {}),
    id: secretId(ctx, secret.name, version.version),
    ...(version.contentType !== undefined ? { contentType: version.contentType } : {}),
    ...(version.tags !== undefined ? { tags: version.tags } : {}),
    attributes: {
      enabled: version.enabled !== false,
      created: seconds(version.created),
      updated: seconds(version.updated ?? version.created),
      recoveryLevel: 'Recoverable+Purgeable',
      recoverableDays: 90,
    },
  };
}
