import type { GraphGateway } from './gateway.ts';
import { filterQuery, keySegment, MAX_PAGE_SIZE, odataString } from './odata.ts';
import {
  APPLICATION_SELECT,
  type Application,
  LISTED_APPLICATION_SELECT,
  type ListedApplication,
  type NewPasswordCredential,
} from './types.ts';

const step = 'application';

/** The app with this uniqueName (the idempotency key), or undefined. */
export async function findApplicationByUniqueName(graph: GraphGateway, uniqueName: string): Promise<Application | undefined> {
  return graph.read<Application>(`/applications${keySegment('uniqueName', uniqueName)}?$select=${APPLICATION_SELECT}`, {
    step,
    object: `application '${uniqueName}'`,
  });
}

export async function findApplicationByAppId(graph: GraphGateway, appId: string): Promise<Application | undefined> {
  return graph.read<Application>(`/applications${keySegment('appId', appId)}?$select=${APPLICATION_SELECT}`, {
    step,
    object: `application ${appId}`,
  });
}

/** Apps carrying a tag (the tool tags every app it manages), in pages of 999 (docs/graph-list-queries.md), as `status` needs them. */
export async function listApplicationsByTag(
  graph: GraphGateway,
  tag: string,
  onPage?: (page: ListedApplication[]) => void,
): Promise<ListedApplication[]> {
  const filter = filterQuery(`tags/any(t:t eq ${odataString(tag)})`);
  return graph.list<ListedApplication>(
    `/applications?${filter}&$select=${LISTED_APPLICATION_SELECT}&$top=${MAX_PAGE_SIZE}`,
    { step: 'status', object: `applications tagged '${tag}'` },
    onPage,
  );
}

/**
 * `PATCH /applications(uniqueName='…')` with `Prefer: create-if-missing`: 201 + the app when
 * created, 204 when it existed (docs/graph-applications.md#upsert-by-uniquename). Safe to repeat after a dropped connection
 * (docs/reliability.md#ambiguous-app-create), so it is retried as idempotent.
 */
export async function upsertApplication(
  graph: GraphGateway,
  uniqueName: string,
  body: Record<string, unknown>,
): Promise<{ created: boolean; application: Application | undefined }> {
  const response = await graph.send<Application>(
    { method: 'PATCH', path: `/applications${keySegment('uniqueName', uniqueName)}`, body, headers: { Prefer: 'create-if-missing' } },
    { step, object: `application '${uniqueName}'`, idempotent: true },
  );
  return { created: response.status === 201, application: response.body };
}

/**
 * Gives an app that has none its unique name: `PATCH /applications/{id}`. The property "can be
 * updated only if null and is immutable once set" (docs/graph-applications.md#update), so this is
 * never retried blindly; a run cut off after it reads the app again and finds the name set.
 */
export async function setApplicationUniqueName(graph: GraphGateway, applicationId: string, uniqueName: string): Promise<void> {
  await graph.send(
    { method: 'PATCH', path: `/applications/${applicationId}`, body: { uniqueName } },
    { step, object: `application ${applicationId}`, idempotent: false },
  );
}

/** `addPassword`: NOT idempotent — never retried blindly (docs/reliability.md#ambiguous-addpassword; the caller reconciles by marker). */
export async function addPassword(
  graph: GraphGateway,
  applicationId: string,
  credential: { displayName: string; endDateTime: string },
): Promise<NewPasswordCredential> {
  const response = await graph.send<NewPasswordCredential>(
    { method: 'POST', path: `/applications/${applicationId}/addPassword`, body: { passwordCredential: credential } },
    { step: 'secret', object: `application ${applicationId}`, idempotent: false },
  );
  if (!response.body?.secretText) throw new Error('addPassword answered without secretText');
  return response.body;
}

/** `removePassword`: repeating it is harmless once it has succeeded, so it is idempotent here. */
export async function removePassword(graph: GraphGateway, applicationId: string, keyId: string): Promise<void> {
  await graph.send(
    { method: 'POST', path: `/applications/${applicationId}/removePassword`, body: { keyId } },
    { step: 'secret', object: `credential ${keyId} of application ${applicationId}`, idempotent: true },
  );
}

/** GET by object id; a 404 is taken as replication lag and retried (the object is known to exist). */
export async function getApplication(graph: GraphGateway, applicationId: string): Promise<Application> {
  return readExisting(graph, `/applications/${applicationId}?$select=${APPLICATION_SELECT}`, `application ${applicationId}`);
}

/** GET by uniqueName of an app known to exist; a 404 is replication lag and retried. */
export async function readApplicationByUniqueName(graph: GraphGateway, uniqueName: string): Promise<Application> {
  return readExisting(
    graph,
    `/applications${keySegment('uniqueName', uniqueName)}?$select=${APPLICATION_SELECT}`,
    `application '${uniqueName}'`,
  );
}

async function readExisting(graph: GraphGateway, path: string, object: string): Promise<Application> {
  const response = await graph.send<Application>({ method: 'GET', path }, { step, object, idempotent: true });
  if (!response.body) throw new Error(`GET ${object} answered without a body`);
  return response.body;
}

export async function deleteApplication(graph: GraphGateway, applicationId: string): Promise<void> {
  await graph.send(
    { method: 'DELETE', path: `/applications/${applicationId}` },
    { step: 'deprovision', object: `application ${applicationId}`, idempotent: true, absentIsAnswer: true },
  );
}
