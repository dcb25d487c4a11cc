import type { GraphGateway } from '../graph/gateway.ts';
import type { Application, ListedApplication } from '../graph/types.ts';
import { MODELS } from '../core/models.ts';
import { resolvePermission } from '../provision/observe.ts';
import { describeManagedApp } from './find-app.ts';
import { mapWithConcurrency } from '../credentials/pool.ts';
import { journalEntryOf } from '../credentials/grace.ts';
import type { Journal } from '../credentials/journal.ts';
import { credentialsOf, isToolCredential } from '../credentials/retire.ts';
import type { CredentialKind, ManagedApp } from '../credentials/types.ts';
import { type Estate, readEstate } from './estate.ts';

/** Local journal files read at once. */
const JOURNAL_CONCURRENCY = 8;

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
 * a fresh one is not a reason to rotate again. Reads only, in pages: a few requests for the whole
 * tenant, not a few per app (src/rotation/estate.ts).
 */
export async function readStatus(graph: GraphGateway, options: StatusOptions): Promise<AppStatus[]> {
  return (await readStatusWithApps(graph, options)).map((s) => s.status);
}

/** The statuses with the application each was read from, for `rotate --all`. */
export async function readStatusWithApps(
  graph: GraphGateway,
  options: StatusOptions,
): Promise<{ status: AppStatus; application: ListedApplication }[]> {
  const estate = await readEstate(graph);
  return mapWithConcurrency(estate.apps, JOURNAL_CONCURRENCY, async (application) => ({
    status: await describeStatus(estate, application, options),
    application,
  }));
}

export interface StatusOptions {
  nowMs: number;
  windowDays: number;
  /** This machine's journal for an app, where superseded credentials carry their grace period's end. */
  journalFor?: (uniqueName: string) => Promise<Journal | undefined>;
}

export function statusOfCredentials(
  app: Pick<Application, 'passwordCredentials' | 'keyCredentials'>,
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

async function describeStatus(estate: Estate, app: ListedApplication, options: StatusOptions): Promise<AppStatus> {
  const managed = describeManagedApp(app);
  const journal = await options.journalFor?.(managed.uniqueName).catch(() => undefined);
  const { credentials, due } = statusOfCredentials(app, options, journal);
  return { ...managed, consent: consentOf(estate, managed), credentials, due };
}

/** Consent from what the estate read holds: assignments for the model's roles, admin grants for its scopes. */
function consentOf(estate: Estate, app: ManagedApp): ConsentState {
  if (!app.model) return 'unknown-model';
  const permissions = MODELS[app.model].permissions;
  if (permissions.length === 0) return 'not-required';
  const sp = estate.servicePrincipals.get(app.appId);
  if (!sp) return 'no-service-principal';
  const resolved = permissions.map((p) => resolvePermission(p, estate.resources));
  const assignments = estate.assignments.get(sp.id) ?? [];
  const rolesOk = resolved
    .filter((p) => p.type === 'Role')
    .every((p) => assignments.some((a) => a.resourceId === p.resourceId && a.appRoleId === p.id));
  const grants = estate.grants.get(sp.id) ?? [];
  const scopesOk = resolved
    .filter((p) => p.type === 'Scope')
    .every((p) => grants.some((g) => g.resourceId === p.resourceId && (g.scope ?? '').split(' ').includes(p.value)));
  return rolesOk && scopesOk ? 'granted' : 'missing';
}
