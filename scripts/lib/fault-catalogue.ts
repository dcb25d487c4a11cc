import type { FaultRule, SandboxContext } from '../../src/sandbox/context.ts';

/**
 * The faults a randomized campaign draws from: each is a scenario of docs/reliability.md that applies to
 * what provision does today. `apply` pushes fault rules or turns knobs; the campaign clears both
 * before the converging rerun.
 */
export interface FaultKind {
  row: string;
  name: string;
  apply(ctx: SandboxContext, pick: <T>(items: readonly T[]) => T, n: () => number): void;
}

const APP_UPSERT = /^\/v1\.0\/applications\(uniqueName=/;
const SP_UPSERT = /^\/v1\.0\/servicePrincipals\(appId=/;
const ADD_PASSWORD = /\/addPassword$/;
const ASSIGN = /\/appRoleAssignedTo$/;
const ANY_GRAPH = /^\/v1\.0\//;

const push = (ctx: SandboxContext, rule: FaultRule) => void ctx.faults.push(rule);

export const FAULTS: FaultKind[] = [
  {
    row: '1',
    name: 'replication delay',
    apply: (ctx, pick) => {
      ctx.knobs.replicationMs = pick([5_000, 40_000, 90_000]);
    },
  },
  {
    row: '3',
    name: 'SP create races the app',
    apply: (ctx, _pick, n) =>
      push(ctx, {
        method: 'PATCH',
        path: SP_UPSERT,
        times: n(),
        action: {
          type: 'status',
          status: 400,
          code: 'Request_BadRequest',
          message: 'The appId does not reference a valid application object.',
          details: [{ code: 'NoBackingApplicationObject', target: 'appId' }],
        },
      }),
  },
  {
    row: '4',
    name: 'misleading 403',
    apply: (ctx, _p, n) =>
      push(ctx, {
        method: 'PATCH',
        path: SP_UPSERT,
        times: n(),
        action: {
          type: 'status',
          status: 403,
          code: 'Authorization_RequestDenied',
          message: 'The backing application of the service principal being created must in the local tenant.',
        },
      }),
  },
  {
    row: '5',
    name: 'assignment not a valid reference',
    apply: (ctx, _p, n) =>
      push(ctx, {
        method: 'POST',
        path: ASSIGN,
        times: n(),
        action: { type: 'status', status: 400, code: 'Request_BadRequest', message: 'Not a valid reference update.' },
      }),
  },
  {
    row: '5',
    name: 'assignment already exists',
    apply: (ctx) =>
      push(ctx, {
        method: 'POST',
        path: ASSIGN,
        action: {
          type: 'status',
          status: 400,
          code: 'Request_BadRequest',
          message: 'Permission being assigned already exists on the object',
          commit: true,
        },
      }),
  },
  {
    row: '6',
    name: 'PATCH 409 MsaAppDoesNotExist',
    apply: (ctx, _p, n) =>
      push(ctx, {
        method: 'PATCH',
        path: APP_UPSERT,
        times: n(),
        action: { type: 'status', status: 409, code: 'Error_MsaAppDoesNotExist' },
      }),
  },
  {
    row: '7-8',
    name: '429 with Retry-After',
    apply: (ctx, pick) =>
      push(ctx, {
        method: pick(['GET', 'PATCH', 'POST']),
        path: ANY_GRAPH,
        action: {
          type: 'status',
          status: 429,
          headers: { 'Retry-After': pick(['0', '1', '7', 'soon', 'Sun, 06 Nov 1994 08:49:37 GMT', '3600']) },
        },
      }),
  },
  {
    row: '9',
    name: '5xx on reads',
    apply: (ctx, pick, n) =>
      push(ctx, { method: 'GET', path: ANY_GRAPH, times: n(), action: { type: 'status', status: pick([500, 502, 503, 504]) } }),
  },
  {
    row: '9',
    name: 'connection reset on reads',
    apply: (ctx, _p, n) => push(ctx, { method: 'GET', path: ANY_GRAPH, times: n(), action: { type: 'reset' } }),
  },
  {
    row: '10',
    name: 'ambiguous addPassword',
    apply: (ctx, pick) =>
      push(ctx, {
        method: 'POST',
        path: ADD_PASSWORD,
        action: pick([
          { type: 'reset', commit: true },
          { type: 'status', status: 504, commit: true },
        ] as const),
      }),
  },
  {
    row: '11',
    name: 'ambiguous app upsert',
    apply: (ctx) => push(ctx, { method: 'PATCH', path: APP_UPSERT, action: { type: 'reset', commit: true } }),
  },
  {
    row: '11',
    name: 'ambiguous SP upsert',
    apply: (ctx) => push(ctx, { method: 'PATCH', path: SP_UPSERT, action: { type: 'reset', commit: true } }),
  },
  {
    row: '11',
    name: 'ambiguous assignment',
    apply: (ctx) => push(ctx, { method: 'POST', path: ASSIGN, action: { type: 'reset', commit: true } }),
  },
  {
    row: '9',
    name: '5xx on a write',
    apply: (ctx, pick) =>
      push(ctx, { method: pick(['PATCH', 'POST']), path: ANY_GRAPH, action: { type: 'status', status: pick([500, 503]) } }),
  },
  {
    row: '21',
    name: 'token expired mid-run',
    apply: (ctx, pick) =>
      push(ctx, {
        method: pick(['GET', 'PATCH', 'POST']),
        path: ANY_GRAPH,
        action: {
          type: 'status',
          status: 401,
          code: 'InvalidAuthenticationToken',
          message: 'Lifetime validation failed, the token is expired.',
        },
      }),
  },
];
