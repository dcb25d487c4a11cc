import { createHash } from 'node:crypto';
import type { TenantState } from '../../src/sandbox/state.ts';

/**
 * What a provisioned app looks like in the sandbox, with ids and times stripped so two tenants
 * (an interrupted-then-resumed run and an uninterrupted one) can be compared (docs/reliability.md#kill-at-every-step).
 */
export interface AppSummary {
  applications: number;
  servicePrincipals: number;
  /** "<resource display name>/<role value>" → how many assignments. */
  assignments: Record<string, number>;
  /** "<resource display name>:<scope>" → how many AllPrincipals grants. */
  grants: Record<string, number>;
  /** Credentials the tool minted (marker prefix) still on the app. */
  managedCredentials: number;
  exchange: {
    servicePrincipals: number;
    mailboxPermissions: number;
    recipientPermissions: number;
    managementScopes: number;
    roleAssignments: number;
  };
}

export function summarizeApp(state: TenantState, uniqueName: string): AppSummary {
  const apps = state.applications.filter((a) => a.uniqueName === uniqueName);
  const appIds = new Set(apps.map((a) => a.appId));
  const sps = state.servicePrincipals.filter((s) => appIds.has(s.appId));
  const spIds = new Set(sps.map((s) => s.id));
  const resourceName = (id: string) => state.servicePrincipals.find((s) => s.id === id)?.displayName ?? '?';
  const assignments: Record<string, number> = {};
  for (const a of state.appRoleAssignments.filter((x) => spIds.has(x.principalId))) {
    const resource = state.servicePrincipals.find((s) => s.id === a.resourceId);
    const key = `${resource?.displayName ?? '?'}/${resource?.appRoles.find((r) => r.id === a.appRoleId)?.value ?? a.appRoleId}`;
    assignments[key] = (assignments[key] ?? 0) + 1;
  }
  const grants: Record<string, number> = {};
  for (const g of state.oauth2PermissionGrants.filter((x) => spIds.has(x.clientId))) {
    const key = `${resourceName(g.resourceId)}:${g.scope.split(' ').sort().join(' ')}`;
    grants[key] = (grants[key] ?? 0) + 1;
  }
  const x = state.exchange;
  const exchangeSps = x.servicePrincipals.filter((s) => appIds.has(s.appId));
  const exchangeIds = new Set(exchangeSps.flatMap((s) => [s.identity, s.objectId, s.appId]));
  return {
    applications: apps.length,
    servicePrincipals: sps.length,
    assignments,
    grants,
    managedCredentials: apps.flatMap((a) => a.passwordCredentials).filter((c) => (c.displayName ?? '').startsWith('entra-mail:')).length,
    exchange: {
      servicePrincipals: exchangeSps.length,
      mailboxPermissions: x.mailboxPermissions.filter((p) => exchangeIds.has(p.user)).length,
      recipientPermissions: x.recipientPermissions.filter((p) => exchangeIds.has(p.trustee)).length,
      managementScopes: x.managementScopes.filter((s) => s.name.includes(uniqueName) || exchangeSps.some((sp) => s.name.includes(sp.appId)))
        .length,
      roleAssignments: x.roleAssignments.filter((r) => exchangeIds.has(r.app)).length,
    },
  };
}

/** The counts that must be zero after a run has converged (headline figures 1 and 3). */
export interface InvariantReport {
  /** More than one app with the uniqueName, SP per app, or assignment per permission. */
  duplicates: number;
  /** Credentials on the app whose secret nobody holds (not the one in the sink). */
  orphanedCredentials: number;
  /** The sink holds no secret, or one the app no longer accepts. */
  lostSecrets: number;
  /** Objects left without their counterpart (an app without SP, an SP without its app). */
  orphanedObjects: number;
  problems: string[];
}

/**
 * Checks the converged state of one app against the secret its config file (the sink) holds.
 * `expectAssignments` is how many app role assignments the model consents.
 */
export function checkInvariants(
  state: TenantState,
  uniqueName: string,
  sinkSecret: string | undefined,
  expectAssignments: number,
): InvariantReport {
  const problems: string[] = [];
  const summary = summarizeApp(state, uniqueName);
  let duplicates = 0;
  let orphanedObjects = 0;
  const duplicate = (count: number, problem: string): void => {
    duplicates += count;
    problems.push(problem);
  };
  const orphaned = (problem: string): void => {
    orphanedObjects += 1;
    problems.push(problem);
  };
  if (summary.applications > 1) duplicate(summary.applications - 1, `${summary.applications} apps named ${uniqueName}`);
  if (summary.servicePrincipals > summary.applications) {
    duplicate(summary.servicePrincipals - summary.applications, `${summary.servicePrincipals} service principals`);
  }
  for (const [key, n] of Object.entries(summary.assignments)) if (n > 1) duplicate(n - 1, `${n}× assignment ${key}`);
  if (summary.applications === 1 && summary.servicePrincipals === 0) orphaned('app without service principal');
  const assigned = Object.keys(summary.assignments).length;
  if (summary.applications === 1 && assigned !== expectAssignments) {
    orphaned(`${assigned} permission(s) consented, expected ${expectAssignments}`);
  }
  const app = state.applications.find((a) => a.uniqueName === uniqueName);
  const sinkHash = sinkSecret ? createHash('sha256').update(sinkSecret).digest('hex') : undefined;
  const credentials = app?.passwordCredentials ?? [];
  const orphanedCredentials = credentials.filter((c) => c.secretSha256 !== sinkHash).length;
  if (orphanedCredentials) problems.push(`${orphanedCredentials} credential(s) whose secret nobody holds`);
  const lostSecrets = app && !credentials.some((c) => c.secretSha256 === sinkHash) ? 1 : 0;
  if (lostSecrets) problems.push(sinkSecret ? 'the secret in the config file is no longer on the app' : 'no secret was delivered');
  return { duplicates, orphanedCredentials, lostSecrets, orphanedObjects, problems };
}
