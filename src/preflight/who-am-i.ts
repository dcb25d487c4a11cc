import { decodeJwt } from 'jose';
import { MODEL_NAMES, MODELS, type ModelName } from '../core/models.ts';
import { DIRECTORY_ROLES } from '../core/well-known.ts';
import { checkPrivileges, describeMissing } from './check-privileges.ts';
import { readTokenIdentity } from './token-identity.ts';

/** Who the admin's Graph token says is signed in, and what each model's provision could do with it. */
export interface WhoAmI {
  tenantId: string | null;
  kind: 'app' | 'user' | 'unknown';
  /** The user's sign-in name, or the app's display name / client id. */
  account: string | null;
  /** Directory roles of a user (by name, where the tool knows the template id). */
  directoryRoles: string[];
  /** Graph application permissions of an app. */
  appPermissions: string[];
  /** Per model: can `provision` do its Entra part, or what is missing (the Exchange step signs in separately). */
  models: { model: ModelName; ready: boolean; missing: string[] }[];
}

/**
 * Reads the token for diagnostics only (Graph verifies it on every call; the claims are those of
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference): tid, upn /
 * preferred_username, app_displayname / appid, wids, roles.
 */
export function describeSignedIn(token: string): WhoAmI {
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch {
    // An opaque token: nothing to tell but that the sign-in worked.
  }
  const identity = readTokenIdentity(token);
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : undefined);
  const account =
    identity.kind === 'app'
      ? (text('app_displayname') ?? text('appid') ?? text('azp') ?? null)
      : (text('upn') ?? text('preferred_username') ?? text('unique_name') ?? null);
  const roleNames = Object.entries(DIRECTORY_ROLES);
  const directoryRoles = identity.directoryRoleIds.map((id) => roleNames.find(([, templateId]) => templateId === id)?.[0] ?? id);
  const models = MODEL_NAMES.map((model) => {
    const report = checkPrivileges(token, MODELS[model].permissions, true);
    return { model, ready: report.missing.length === 0, missing: describeMissing(report) };
  });
  return { tenantId: text('tid') ?? null, kind: identity.kind, account, directoryRoles, appPermissions: identity.roles, models };
}

export function formatWhoAmI(who: WhoAmI): string {
  const lines = [
    `Tenant:   ${who.tenantId ?? 'unknown'}`,
    `Signed in as ${who.kind === 'app' ? 'app' : who.kind === 'user' ? 'user' : 'unknown identity'}: ${who.account ?? 'unknown'}`,
  ];
  if (who.kind === 'user') lines.push(`Directory roles: ${who.directoryRoles.join(', ') || 'none'}`);
  if (who.kind === 'app') lines.push(`Graph application permissions: ${who.appPermissions.join(', ') || 'none'}`);
  lines.push(
    '',
    'What provision can do in Entra with this sign-in (the Exchange step signs in on its own and needs Exchange Administrator):',
  );
  for (const m of who.models) lines.push(`  ${m.ready ? 'yes' : 'no '}  --model ${m.model}${m.ready ? '' : `: ${m.missing.join('; ')}`}`);
  return `${lines.join('\n')}\n`;
}
