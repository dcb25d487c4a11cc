import type { Route, SandboxContext, SandboxRequest } from '../context.ts';
import type { GraphAuthorizer } from './auth.ts';
import { resourceNotFound } from './errors.ts';
import {
  APPLICATION_SELECTABLE,
  applicationQueryView,
  applyApplicationChanges,
  createApplication,
  serializeApplication,
} from './application-model.ts';
import { isUniqueNameHeld, softDeleteApplication, uniqueNameConflict } from './soft-delete.ts';
import { addressPattern, findApplicationRaw, readAddress, requireApplication } from './lookup.ts';
import { APPLICATION_FILTERS } from './filter-support.ts';
import { queryItems, type ListSpec } from './list-query.ts';
import { collection, countOnly, entity, parseSelect } from './odata.ts';
import { asObject } from './validate.ts';

const APP = addressPattern(['appId', 'uniqueName']);
const ONE = new RegExp(`^/v1\\.0/applications${APP}$`);
const LIST: ListSpec = {
  filterable: APPLICATION_FILTERS,
  resource: 'Application',
  orderable: ['displayName', 'createdDateTime'],
  searchable: ['displayName', 'description'],
};

/** /applications and /applications/{id} | (appId='…') | (uniqueName='…') (docs/graph-applications.md#create, docs/graph-applications.md#read, docs/graph-applications.md#upsert-by-uniquename). */
export function applicationRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  const selectOf = (req: SandboxRequest) => parseSelect(req, APPLICATION_SELECTABLE, 'application');
  // A certificate's `key` comes back only when a read of one application selects keyCredentials; a list answers null (docs/graph-applications.md#read).
  const view = (select: string[] | undefined, one: boolean) => (app: Parameters<typeof serializeApplication>[0]) =>
    serializeApplication(app, { withKeys: one && (select?.includes('keyCredentials') ?? false), select });
  const list = (req: SandboxRequest) =>
    queryItems(
      req,
      ctx.state.applications.filter((app) => ctx.isReplicated(app.id)),
      LIST,
      applicationQueryView,
    );
  return [
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/applications$/,
      handle: async (req) => {
        await authorize(req, 'read-applications');
        const select = selectOf(req);
        return collection(ctx, req, 'applications', list(req), select, view(select, false));
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: /^\/v1\.0\/applications\/\$count$/,
      handle: async (req) => {
        await authorize(req, 'read-applications');
        return countOnly(req, list(req));
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: /^\/v1\.0\/applications$/,
      handle: async (req) => {
        await authorize(req, 'write-applications');
        const body = asObject(req.json());
        const uniqueName = typeof body['uniqueName'] === 'string' ? body['uniqueName'] : undefined;
        if (uniqueName !== undefined) delete body['uniqueName'];
        const app = createApplication(ctx, body);
        if (uniqueName !== undefined) applyApplicationChanges(ctx, app, { uniqueName });
        ctx.state.applications.push(app);
        ctx.markCreated(app.id);
        return entity(ctx, 'applications', serializeApplication(app), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'GET',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'read-applications');
        const select = selectOf(req);
        return entity(ctx, 'applications', view(select, true)(requireApplication(ctx, readAddress(match))), select);
      },
    },
    {
      kind: 'graph',
      method: 'PATCH',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const address = readAddress(match);
        const body = asObject(req.json());
        const existing = findApplicationRaw(ctx, address);
        if (existing) {
          // An update needs the object to be visible; an upsert of an existing key is a no-op 204 (docs/graph-applications.md#upsert-by-uniquename).
          if (address.key !== 'uniqueName' && !ctx.isReplicated(existing.id)) throw resourceNotFound(address.value);
          applyApplicationChanges(ctx, existing, body);
          return { status: 204 };
        }
        if (address.key !== 'uniqueName' || !wantsCreate(req)) throw resourceNotFound(address.value);
        if (typeof body['uniqueName'] === 'string' && body['uniqueName'] !== address.value) {
          throw resourceNotFound(address.value);
        }
        delete body['uniqueName'];
        // A deleted app keeps its uniqueName for its 30 days in deleted items.
        if (isUniqueNameHeld(ctx, address.value)) throw uniqueNameConflict();
        const app = createApplication(ctx, body, address.value);
        ctx.state.applications.push(app);
        ctx.markCreated(app.id);
        return entity(ctx, 'applications', serializeApplication(app), undefined, 201);
      },
    },
    {
      kind: 'graph',
      method: 'DELETE',
      path: ONE,
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        // A soft delete: the app (and its service principal) wait 30 days in deleted items.
        softDeleteApplication(ctx, requireApplication(ctx, readAddress(match)));
        return { status: 204 };
      },
    },
  ];
}

/** `Prefer: create-if-missing`, possibly among other preferences. */
export function wantsCreate(req: SandboxRequest): boolean {
  const prefer = req.headers['prefer'];
  const values = (Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '')).toLowerCase();
  return values.split(/[,;]/).some((v) => v.trim() === 'create-if-missing');
}
