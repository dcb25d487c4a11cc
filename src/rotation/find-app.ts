import { ConflictError, UsageError } from '../core/errors.ts';
import { findApplicationByAppId, findApplicationByUniqueName, listApplicationsByTag } from '../graph/applications.ts';
import type { GraphGateway } from '../graph/gateway.ts';
import type { Application, ListedApplication } from '../graph/types.ts';
import { isModelName } from '../core/models.ts';
import { MANAGED_TAG } from '../core/tags.ts';
import type { ManagedApp } from '../credentials/types.ts';
import { isGuid } from '../core/validate.ts';

/**
 * The app `rotate --app` names: a GUID is its appId (client id), anything else its uniqueName.
 * Only an app carrying the tool's tag is rotated: an app the tool did not create is not its to touch.
 */
export async function findManagedApplication(graph: GraphGateway, reference: string): Promise<Application> {
  const app = isGuid(reference) ? await findApplicationByAppId(graph, reference) : await findApplicationByUniqueName(graph, reference);
  if (!app) {
    throw new UsageError(`No app with ${isGuid(reference) ? 'appId' : 'uniqueName'} '${reference}' in this tenant.`, {
      flag: '--app',
      suggestion: 'Run `entra-mail status` to list the apps entra-mail manages.',
    });
  }
  if (!app.tags.includes(MANAGED_TAG)) {
    throw new ConflictError(`App ${app.appId} ('${app.displayName}') was not created by entra-mail; rotate leaves it alone.`, {
      step: 'rotate',
      object: `application ${app.id}`,
      suggestion: 'Rotate its secrets where they were created, or re-create it with `entra-mail provision`.',
    });
  }
  return app;
}

/**
 * Every app the tool manages: `$filter=tags/any(t:t eq 'entra-mail:managed')`, by name; `onPage` sees
 * each page as it arrives. One collator for the sort: `localeCompare` sets up the locale's collation
 * on every call, about 100 ms for 1,000 apps (docs/performance.md#status-and-rotate---all-over-1000-managed-apps);
 * the order is the same (https://tc39.es/ecma402/#sup-String.prototype.localeCompare).
 */
export async function listManagedApplications(
  graph: GraphGateway,
  onPage?: (page: ListedApplication[]) => void,
): Promise<ListedApplication[]> {
  const apps = await listApplicationsByTag(graph, MANAGED_TAG, onPage);
  const { compare } = new Intl.Collator();
  return apps.sort((a, b) => compare(a.uniqueName ?? a.appId, b.uniqueName ?? b.appId));
}

/** Ids plus the model and profile recorded in the tags (`entra-mail:model:<m>`, `entra-mail:profile:<p>`). */
export function describeManagedApp(app: Pick<Application, 'id' | 'appId' | 'uniqueName' | 'displayName' | 'tags'>): ManagedApp {
  const tagValue = (prefix: string) => app.tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
  const model = tagValue('entra-mail:model:');
  return {
    id: app.id,
    appId: app.appId,
    uniqueName: app.uniqueName ?? app.appId,
    displayName: app.displayName,
    model: model && isModelName(model) ? model : undefined,
    profile: tagValue('entra-mail:profile:'),
  };
}
