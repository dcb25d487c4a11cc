import { findPermissionGrant, listAppRoleAssignments } from '../graph/consent.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import { findServicePrincipalByAppId } from '../graph/service-principals.ts';
import type { Application, ServicePrincipal } from '../graph/types.ts';
import { MODELS } from '../core/models.ts';
import { resolvePermission } from '../provision/observe.ts';
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from '../core/well-known.ts';
import { describeManagedApp, listManagedApplications } from './find-app.ts';
import { mapWithConcurrency } from '../credentials/pool.ts';
import { journalEntryOf } from '../credentials/grace.ts';
import type { Journal } from '../credentials/journal.ts';
import { credentialsOf, isToolCredential } from '../credentials/retire.ts';
import type { CredentialKind, ManagedApp } from '../credentials/types.ts';

export type ConsentState = 'granted' | 'missing' | 'not-required' | 'no-service-principal' | 'unknown-model';

export interface CredentialStatus {
  kind: CredentialKind;
  keyId: string;
  /** The tool's marker, or null for a credential it did not mint. */
  marker: string | null;
  endDateTime: string;
  expired: boolean;
  /** Expires within the window (and is the tool's). */
  due: boolean;
  /** Superseded: kept for consumers that still use it, removed by the first rotate after this time. */
  retireAfter?: string;
}

export interface AppStatus extends ManagedApp {
  consent: ConsentState;
  credentials: CredentialStatus[];
  /** No tool-minted credential stays valid beyond the window: this app needs `rotate`. */
  due: boolean;
}

/**
 * `entra-mail status`: every app carrying the tool's tag, its model (from the tags), whether its
 * Entra permissions are consented, and each credential with its marker and expiry. An app is due
 * when none of the tool's credentials outlives `now + windowDays`: an old secret expiring next to
 * a fresh one is not a reason to rotate again. Reads only; a few apps at a time.
 */
export async function readStatus(graph: GraphGateway, options: StatusOptions): Promise<AppStatus[]> {
  const [apps, graphSp, exchangeSp] = await Promise.all([
    listManagedApplications(graph),
    findServicePrincipalByAppId(graph, GRAPH_APP_ID, 'read'),
    findServicePrincipalByAppId(graph, EXCHANGE_APP_ID, 'read'),
  ]);
  const resources: Record<string, ServicePrincipal> = {};
  if (graphSp) resources[GRAPH_APP_ID] = graphSp;
  if (exchangeSp) resources[EXCHANGE_APP_ID] = exchangeSp;
  return mapWithConcurrency(apps, 4, (app) => describeStatus(graph, app, resources, options));
}

export interface StatusOptions {
  nowMs: number;
  windowDays: number;
  /** This machine's journal for an app, where superseded credentials carry their grace period's end. */
  journalFor?: (uniqueName: string) => Promise<Journal | undefined>;
}

export function statusOfCredentials(
  app: Application,
  options: { nowMs: number; windowDays: number },
  journal?: Journal,
): { credentials: CredentialStatus[]; due: boolean } {
  const horizon = options.nowMs + options.windowDays * 86_400_000;
  const credentials = credentialsOf(app).map((c) => {
    const end = Date.parse(c.endDateTime);
    const mine = isToolCredential(c);
    const retireAfter = mine && journal ? journalEntryOf(journal, c)?.retireAfter : undefined;
    return {
      kind: c.kind,
      keyId: c.keyId,
      marker: mine ? c.displayName : null,
      endDateTime: c.endDateTime,
      expired: end <= options.nowMs,
      due: mine && end <= horizon,
      ...(retireAfter ? { retireAfter } : {}),
    };
  });
  // A superseded credential is on its way out: it does not make the app not due.
  const due = !credentials.some((c) => c.marker !== null && !c.retireAfter && Date.parse(c.endDateTime) > horizon);
  return { credentials, due };
}

async function describeStatus(
  graph: GraphGateway,
  app: Application,
  resources: Record<string, ServicePrincipal>,
  options: StatusOptions,
): Promise<AppStatus> {
  const managed = describeManagedApp(app);
  const journal = await options.journalFor?.(managed.uniqueName).catch(() => undefined);
  const { credentials, due } = statusOfCredentials(app, options, journal);
  return { ...managed, consent: await readConsent(graph, managed, resources), credentials, due };
}

async function readConsent(graph: GraphGateway, app: ManagedApp, resources: Record<string, ServicePrincipal>): Promise<ConsentState> {
  if (!app.model) return 'unknown-model';
  const permissions = MODELS[app.model].permissions;
  if (permissions.length === 0) return 'not-required';
  const sp = await findServicePrincipalByAppId(graph, app.appId, 'read');
  if (!sp) return 'no-service-principal';
  const resolved = permissions.map((p) => resolvePermission(p, resources));
  const roles = resolved.filter((p) => p.type === 'Role');
  const scopes = resolved.filter((p) => p.type === 'Scope');
  const assignments = roles.length > 0 ? await listAppRoleAssignments(graph, sp.id) : [];
  const rolesOk = roles.every((p) => assignments.some((a) => a.resourceId === p.resourceId && a.appRoleId === p.id));
  let scopesOk = true;
  for (const resourceId of new Set(scopes.map((s) => s.resourceId))) {
    const grant = await findPermissionGrant(graph, sp.id, resourceId);
    const granted = (grant?.scope ?? '').split(' ');
    scopesOk &&= scopes.filter((s) => s.resourceId === resourceId).every((s) => granted.includes(s.value));
  }
  return rolesOk && scopesOk ? 'granted' : 'missing';
}
