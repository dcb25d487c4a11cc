import { PermissionError } from '../core/errors.ts';
import type { PermissionRequest } from '../core/models.ts';
import { DIRECTORY_ROLES } from '../core/well-known.ts';
import { requirementsFor, type PermissionSet, type Requirement } from './requirements.ts';
import { readTokenIdentity, type TokenIdentity } from './token-identity.ts';

/** A requirement the signed-in identity does not meet, and what would meet it. */
export interface MissingPrivilege {
  step: Requirement['step'];
  purpose: string;
  /** e.g. "the Graph application permission AppRoleAssignment.ReadWrite.All". */
  needed: string;
}

export interface PreflightReport {
  identity: TokenIdentity['kind'];
  /** Checked against the token: false when the token could not be read (nothing is blocked then). */
  checked: boolean;
  missing: MissingPrivilege[];
}

/**
 * Preflight: read the signed-in identity's Graph permissions and directory roles from
 * its token and list what the run needs but the identity lacks — before any change, so a run
 * that cannot finish does not create half the objects first (docs/reliability.md#missing-privilege).
 */
export function checkPrivileges(
  token: string,
  permissions: PermissionRequest[],
  writesApplication = true,
  readsOrganization = false,
): PreflightReport {
  const identity = readTokenIdentity(token);
  if (identity.kind === 'unknown') return { identity: identity.kind, checked: false, missing: [] };
  const missing: MissingPrivilege[] = [];
  for (const requirement of requirementsFor(permissions, writesApplication, readsOrganization)) {
    const needed = identity.kind === 'app' ? missingForApp(requirement, identity) : missingForUser(requirement, identity);
    if (needed) missing.push({ step: requirement.step, purpose: requirement.purpose, needed });
  }
  return { identity: identity.kind, checked: true, missing };
}

function missingForApp(requirement: Requirement, identity: TokenIdentity): string | undefined {
  if (requirement.appPermissions.some((set) => holds(set, identity.roles))) return undefined;
  return `the Microsoft Graph application permission ${describeSets(requirement.appPermissions)} (admin-consented)`;
}

function holds(set: PermissionSet, held: string[]): boolean {
  return (typeof set === 'string' ? [set] : set).every((p) => held.includes(p));
}

/** "A or B", with sets as "C + D"; a set's shared first member is named once: "C + (D or E)". */
function describeSets(sets: PermissionSet[]): string {
  const pairs = sets.filter((s): s is readonly string[] => typeof s !== 'string');
  const singles = sets.filter((s): s is string => typeof s === 'string');
  const lead = pairs[0]?.[0];
  const shared = lead !== undefined && pairs.every((p) => p.length === 2 && p[0] === lead);
  const grouped = shared
    ? [`${lead} + ${pairs.length > 1 ? `(${pairs.map((p) => p[1]).join(' or ')})` : pairs[0]?.[1]}`]
    : pairs.map((p) => p.join(' + '));
  return [...grouped, ...singles].join(' or ');
}

function missingForUser(requirement: Requirement, identity: TokenIdentity): string | undefined {
  const roleIds = requirement.directoryRoles.map((name) => DIRECTORY_ROLES[name]);
  if (roleIds.length > 0 && !roleIds.some((id) => identity.directoryRoleIds.includes(id))) {
    return `the directory role ${requirement.directoryRoles.join(' or ')}`;
  }
  if (!requirement.delegatedScopes.some((set) => holds(set, identity.scopes))) {
    return `the delegated Microsoft Graph permission ${describeSets(requirement.delegatedScopes)} in the sign-in`;
  }
  return undefined;
}

/** One line per gap, for the plan and the error message. */
export function describeMissing(report: PreflightReport): string[] {
  return report.missing.map((m) => `to ${m.purpose}, the signed-in ${report.identity === 'app' ? 'app' : 'user'} needs ${m.needed}`);
}

/** Throws PermissionError (exit 4) naming everything missing; does nothing when all is there. */
export function assertPrivileges(report: PreflightReport, context: { tenant: string }): void {
  const first = report.missing[0];
  if (!first) return;
  throw new PermissionError(
    `Preflight: the signed-in identity cannot complete this run; nothing was changed. ${describeMissing(report).join('; ')}.`,
    {
      step: `preflight (${first.step})`,
      object: `tenant ${context.tenant}`,
      code: 'Authorization_RequestDenied',
      suggestion:
        report.identity === 'app'
          ? 'Grant the admin app the permission(s) named above and admin-consent them, or sign in with an identity that has them.'
          : 'Activate the directory role named above (PIM) or sign in as an administrator who holds it; or run with an app that has the permissions.',
    },
  );
}
