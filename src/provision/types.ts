import type { ModelName, PermissionRequest } from '../core/models.ts';
import type { ExchangeGrants } from '../core/tags.ts';
import type { Application, AppRoleAssignment, OAuth2PermissionGrant, Organization, ServicePrincipal } from '../graph/types.ts';
import type { CredentialKind } from '../credentials/types.ts';
import type { Journal } from '../credentials/journal.ts';
import type { DeletedApplication } from '../graph/deleted-items.ts';

/**
 * What the admin asked for, after validation (src/core/validate.ts). A plain value: every plan
 * is a pure function of `Desired` and `Observed`.
 */
export interface Desired {
  tenant: string;
  model: ModelName;
  profile: string;
  displayName: string;
  /** The idempotency key (docs/graph-applications.md#upsert-by-uniquename). */
  uniqueName: string;
  mailboxes: string[];
  senderName?: string;
  /** Lifetime of the new credential, secret or certificate. */
  secretLifetimeDays: number;
  /** `--new-secret` (alias `--new-credential`): mint a new credential even if a valid one exists. */
  newSecret: boolean;
  /** `--credential`: what the app signs in with; a certificate's private key never reaches Entra. */
  credential: CredentialKind;
  /** Model permissions plus the profile's extras. */
  permissions: PermissionRequest[];
  redirectUris: { web: string[]; publicClient: string[] };
  signInAudience: 'AzureADMyOrg' | 'AzureADMultipleOrgs';
  /** `--restore-deleted`: bring back the deleted app that holds the unique name instead of stopping. */
  restoreDeleted?: boolean;
  /** What this run's Exchange step grants (none with `--exchange skip`), recorded on the app for removal. */
  exchangeGrants?: ExchangeGrants;
  /**
   * `--adopt <client id>`: the existing app to take over (found by appId, not by uniqueName). It
   * gets the unique name when it has none, the tags and the profile's permissions; its own
   * credentials are never touched (docs/adopt.md).
   */
  adopt?: { appId: string };
}

/** A resource permission resolved against the tenant's resource service principal. */
export interface ResolvedPermission extends PermissionRequest {
  /** Role or scope id on the resource, looked up by value at run time. */
  id: string;
  /** Tenant-local object id of the resource service principal. */
  resourceId: string;
}

/** What the tenant holds now: read in full before any plan is made. */
export interface Observed {
  organization: Organization;
  application?: Application;
  /** When no live app has the unique name: the app in deleted items that holds it (30 days). */
  deletedApplication?: DeletedApplication;
  servicePrincipal?: ServicePrincipal;
  /** Resource service principals by appId (Graph, Exchange). */
  resources: Record<string, ServicePrincipal>;
  permissions: ResolvedPermission[];
  assignments: AppRoleAssignment[];
  grants: OAuth2PermissionGrant[];
  /** `--adopt`, when the app has no unique name yet: another app (live or deleted) that holds the one it would get. */
  uniqueNameHolder?: { appId: string; displayName: string; deleted: boolean };
  /** The record of secrets this tool minted and delivered for this app, when one exists. */
  journal?: Journal;
}

export type ChangeAction = 'create' | 'update' | 'none' | 'remove';

/** One line of the plan and of `changes` in the --json result. */
export interface Change {
  step: 'application' | 'service-principal' | 'consent' | 'secret' | 'certificate' | 'exchange' | 'output';
  action: ChangeAction;
  summary: string;
}
