import type { Deps } from '../core/deps.ts';
import { ConflictError } from '../core/errors.ts';
import { MANAGED_TAG } from '../core/tags.ts';
import { type DeletedApplication, findDeletedApplication, findDeletedServicePrincipal, purgeDeletedItem } from '../graph/deleted-items.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Change } from '../provision/types.ts';
import type { AppSelector } from './shared/app-selector.ts';
import { confirmPlan, formatChanges } from './shared/confirm.ts';

/**
 * `deprovision --purge`: delete the app for good, so its unique name is free at once instead of
 * after Entra's 30 days (docs/graph-applications.md "Delete, restore, purge"). The service
 * principal is purged too: purging the app does not purge it.
 */

/** Said before every purge. */
export const PURGE_WARNING =
  'a permanent delete cannot be undone: neither you nor Microsoft support can restore the app or its service principal afterwards.';

/** Purges the deleted app and, when it is in deleted items too, its service principal. */
export async function purgeDeleted(graph: GraphGateway, app: { id: string; appId: string }): Promise<Change[]> {
  await purgeDeletedItem(graph, app.id, 'deprovision');
  const changes: Change[] = [{ step: 'application', action: 'remove', summary: `permanently delete app registration ${app.appId}` }];
  const sp = await findDeletedServicePrincipal(graph, app.appId, 'deprovision');
  if (sp) {
    await purgeDeletedItem(graph, sp.id, 'deprovision');
    changes.push({ step: 'service-principal', action: 'remove', summary: `permanently delete service principal ${sp.id}` });
  }
  return changes;
}

/** The app selected by --app / --app-id / --unique-name among the deleted ones, if any. */
export async function findSelectedDeleted(graph: GraphGateway, selector: AppSelector): Promise<DeletedApplication | undefined> {
  return findDeletedApplication(graph, selector.value, 'deprovision', selector.kind);
}

/**
 * The app is already in deleted items (an earlier deprovision): purge it, after asking unless
 * --yes. Only apps entra-mail manages; returns the lines to print, or undefined when the answer
 * was no.
 */
export async function purgeAlreadyDeleted(
  deps: Deps,
  graph: GraphGateway,
  deleted: DeletedApplication,
  options: { yes: boolean; dryRun: boolean; tenantId: string },
): Promise<Change[] | undefined> {
  if (!deleted.tags.includes(MANAGED_TAG)) {
    throw new ConflictError(`Deleted app ${deleted.appId} ('${deleted.displayName}') was not created by entra-mail; it is left alone.`, {
      step: 'deprovision',
      object: `deleted application ${deleted.id}`,
    });
  }
  const plan: Change[] = [
    {
      step: 'application',
      action: 'remove',
      summary: `permanently delete app registration ${deleted.appId} ('${deleted.displayName}'), deleted on ${deleted.deletedDateTime.slice(0, 10)}, and its service principal`,
    },
  ];
  if (options.dryRun) return plan;
  const outcome = await confirmPlan(
    {
      plan: ['Plan:', ...formatChanges(plan)],
      warnings: [PURGE_WARNING],
      question: `Permanently delete the deleted app ${deleted.appId} ('${deleted.displayName}') from tenant ${options.tenantId}?`,
      expect: deleted.uniqueName ?? deleted.appId,
      yes: options.yes,
    },
    deps,
  );
  if (outcome === 'declined') return undefined;
  return purgeDeleted(graph, deleted);
}
