import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError } from '../../core/errors.ts';
import type { Connection } from '../../core/sign-in.ts';
import type { FleetApp, FleetFile, FleetTenant } from '../../fleet/fleet-file.ts';
import { FleetFileError } from '../../fleet/load-fleet-file.ts';
import type { ProvisionRequest } from '../../provision/request.ts';
import { buildProvisionRequest, checkProvisionPreconditions, type ProvisionArgs } from '../provision/options.ts';

/** The file's keys for the flags `provision` names in its errors. */
const KEY_OF_FLAG: Record<string, string> = {
  '--name': 'name',
  '--unique-name': 'uniqueName',
  '--mailbox': 'mailboxes',
  '--profile': 'profile',
  '--model': 'model',
  '--sender-name': 'senderName',
  '--secret-lifetime': 'secretLifetime',
  '--credential': 'credential',
  '--exchange': 'exchange',
  '--format': 'format',
  '--out': 'sinks',
  '--site-url': 'siteUrl',
  '--redirect-uri': 'redirectUris',
  '--send-as': 'sendAs',
  '--expiring-within': 'rotation',
  '--grace': 'rotation',
  '--keep': 'rotation',
  '--key-vault': 'sinks',
  '--key-vault-secret': 'sinks',
  '--on-rotate': 'sinks',
  '--certificate-out': 'sinks',
};

/** `{tenant}` and `{uniqueName}` in a path of the file, made absolute from the file's folder. */
export function pathFor(file: FleetFile, template: string, tenant: FleetTenant, app: FleetApp): string {
  return resolve(file.dir, template.replaceAll('{tenant}', tenant.tenant).replaceAll('{uniqueName}', app.uniqueName));
}

/** Where an app's files go when the file names none: a folder per tenant beside the file. */
export function tenantFolder(file: FleetFile, tenant: FleetTenant): string {
  return join(file.dir, tenant.tenant);
}

/** An app of the file as the `provision` flags it stands for. */
export function provisionArgsOf(file: FleetFile, tenant: FleetTenant, app: FleetApp, dryRun: boolean): ProvisionArgs {
  return {
    ...(app.name !== undefined ? { name: app.name } : {}),
    uniqueName: app.uniqueName,
    ...(app.profile !== undefined ? { profile: app.profile } : {}),
    ...(app.model !== undefined ? { model: app.model } : {}),
    mailbox: app.mailboxes,
    ...(app.senderName !== undefined ? { senderName: app.senderName } : {}),
    ...(app.credential !== undefined ? { credential: app.credential } : {}),
    ...(app.secretLifetime !== undefined ? { secretLifetime: app.secretLifetime } : {}),
    exchange: app.exchange ?? 'script',
    ...(app.format !== undefined ? { format: app.format } : {}),
    ...(app.sinks.out !== undefined ? { out: pathFor(file, app.sinks.out, tenant, app) } : {}),
    ...(app.siteUrl !== undefined ? { siteUrl: app.siteUrl } : {}),
    ...(app.redirectUris !== undefined ? { redirectUri: app.redirectUris } : {}),
    ...(app.sendAs !== undefined ? { sendAs: app.sendAs } : {}),
    dryRun,
    json: true,
    quiet: true,
  } as ProvisionArgs;
}

/**
 * The provision request for one app of the file: the same validation as the flags, so a bad value
 * is an error naming the file, the line and the key (exit 2, before any sign-in).
 */
export function appRequest(
  file: FleetFile,
  tenant: FleetTenant,
  app: FleetApp,
  connection: Connection,
  env: NodeJS.ProcessEnv,
  dryRun: boolean,
): ProvisionRequest {
  try {
    return buildProvisionRequest(provisionArgsOf(file, tenant, app, dryRun), connection, tenantFolder(file, tenant), env);
  } catch (error) {
    throw locateError(error, file, app);
  }
}

/** A flag's error, told as the file's key at its line. */
export function locateError(error: unknown, file: FleetFile, app: FleetApp): unknown {
  if (!(error instanceof UsageError) || error instanceof FleetFileError) return error;
  const key = error.flag !== undefined ? KEY_OF_FLAG[error.flag] : undefined;
  const message = error.message.replace(/^--[a-z-]+: /, '');
  const name = `tenants[${app.at[1]}].apps[${app.at[3]}]${key ? `.${key}` : ''}`;
  return new FleetFileError(`${file.locate(app.at, key)}: ${name}: ${message}`, {
    flag: '--file',
    ...(error.suggestion ? { suggestion: error.suggestion } : {}),
  });
}

/** Before apply changes anything: the tenant's folder exists and every file the app may write can be written. */
export async function prepareApply(file: FleetFile, tenant: FleetTenant, app: FleetApp, request: ProvisionRequest, env: NodeJS.ProcessEnv) {
  await mkdir(tenantFolder(file, tenant), { recursive: true, mode: 0o700 });
  try {
    await checkProvisionPreconditions(request, env);
  } catch (error) {
    throw locateError(error, file, app);
  }
}
