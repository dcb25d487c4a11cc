import { ConflictError } from '../core/errors.ts';
import { MANAGED_TAG } from '../core/tags.ts';
import { type DeletedApplication, findDeletedServicePrincipal, restorableUntil, restoreDeletedItem } from '../graph/deleted-items.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Change, Desired } from './types.ts';

/**
 * A deleted app holds the unique name for its 30 days in deleted items, and a create with that name
 * is refused (docs/graph-applications.md "Delete, restore, purge"). provision stops before any
 * change and names both ways out, or, with `--restore-deleted`, brings the app back and converges
 * it like any other run.
 */

/** Pure: the plan line for restoring `deleted`, or the ConflictError (exit 5) that stops the run. */
export function planRestore(desired: Desired, deleted: DeletedApplication): Change {
  const when = deleted.deletedDateTime.slice(0, 10);
  const who = `app ${deleted.appId} ('${deleted.displayName}'), deleted on ${when}`;
  if (!deleted.tags.includes(MANAGED_TAG)) {
    throw new ConflictError(
      `The unique name '${desired.uniqueName}' is held by ${who}, which entra-mail did not create; it stays in deleted items until ${restorableUntil(deleted.deletedDateTime)}. Nothing was changed.`,
      {
        step: 'application',
        object: `deleted application ${deleted.id}`,
        suggestion: 'Choose another --unique-name, or restore or permanently delete that app in the Entra admin center.',
      },
    );
  }
  if (!desired.restoreDeleted) {
    throw new ConflictError(
      `The unique name '${desired.uniqueName}' is held by ${who}: Entra keeps a deleted app, and its unique name, for 30 days (until ${restorableUntil(deleted.deletedDateTime)}). Nothing was changed.`,
      {
        step: 'application',
        object: `deleted application ${deleted.id}`,
        suggestion: `Run the same provision command again with --restore-deleted to bring that app back, or delete it for good first: entra-mail deprovision --tenant ${desired.tenant} --app ${desired.uniqueName} --purge`,
      },
    );
  }
  return {
    step: 'application',
    action: 'update',
    summary: `restore ${who}, from deleted items, with its service principal, then bring it up to date`,
  };
}

/**
 * Restores the app and then its service principal, which Graph does not restore with the app
 * (https://learn.microsoft.com/graph/api/directory-deleteditems-restore). When the service
 * principal is not in deleted items, the service principal step creates a new one.
 */
export async function restoreApplication(graph: GraphGateway, deleted: DeletedApplication): Promise<void> {
  await restoreDeletedItem(graph, deleted.id, 'application');
  const sp = await findDeletedServicePrincipal(graph, deleted.appId, 'application');
  if (sp) await restoreDeletedItem(graph, sp.id, 'service-principal');
}
