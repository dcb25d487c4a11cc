import type { GraphGateway } from './gateway.ts';
import { APPLICATION_SELECT, type Application } from './types.ts';

/**
 * Entra's deleted items (docs/graph-applications.md "Deleted apps"): a deleted app stays here for
 * 30 days, still holding its uniqueName, and can be restored or permanently deleted.
 * https://learn.microsoft.com/graph/api/directory-deleteditems-list (the type cast is required)
 */
export interface DeletedApplication extends Application {
  deletedDateTime: string;
}

export interface DeletedServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  deletedDateTime: string;
}

/** Every app in deleted items (Application.Read.All is enough to list). */
export async function listDeletedApplications(graph: GraphGateway, step = 'read'): Promise<DeletedApplication[]> {
  return graph.list<DeletedApplication>(
    `/directory/deletedItems/microsoft.graph.application?$select=${APPLICATION_SELECT},deletedDateTime`,
    {
      step,
      object: 'deleted applications',
    },
  );
}

/**
 * The deleted app with this unique name (or app id), if any. Matched here: Microsoft documents no
 * `$filter` support for uniqueName, and a tenant has few deleted apps.
 */
export async function findDeletedApplication(
  graph: GraphGateway,
  uniqueName: string,
  step = 'read',
  by: 'uniqueName' | 'appId' = 'uniqueName',
): Promise<DeletedApplication | undefined> {
  const wanted = uniqueName.toLowerCase();
  const apps = await listDeletedApplications(graph, step);
  return apps.find((app) => (by === 'appId' ? app.appId : app.uniqueName)?.toLowerCase() === wanted);
}

/** The deleted service principal of an app, if any. */
export async function findDeletedServicePrincipal(
  graph: GraphGateway,
  appId: string,
  step = 'read',
): Promise<DeletedServicePrincipal | undefined> {
  const sps = await graph.list<DeletedServicePrincipal>(
    `/directory/deletedItems/microsoft.graph.servicePrincipal?$select=id,appId,displayName,deletedDateTime`,
    { step, object: `deleted service principal of ${appId}` },
  );
  return sps.find((sp) => sp.appId.toLowerCase() === appId.toLowerCase());
}

/** `POST /directory/deletedItems/{id}/restore`: 200 and the object, back in place. */
export async function restoreDeletedItem(graph: GraphGateway, id: string, step: string): Promise<void> {
  await graph.send(
    { method: 'POST', path: `/directory/deletedItems/${id}/restore` },
    { step, object: `deleted item ${id}`, idempotent: true },
  );
}

/**
 * `DELETE /directory/deletedItems/{id}`: 204; gone for good, its uniqueName free again. A 404 right
 * after the soft delete is replication, so it is retried like any other.
 */
export async function purgeDeletedItem(graph: GraphGateway, id: string, step: string): Promise<void> {
  await graph.send({ method: 'DELETE', path: `/directory/deletedItems/${id}` }, { step, object: `deleted item ${id}`, idempotent: true });
}

/** The last day a deleted item can be restored (30 days after deletion). */
export function restorableUntil(deletedDateTime: string): string {
  return new Date(Date.parse(deletedDateTime) + 30 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
