import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { createInitialState, mailboxAddresses, type TenantIdentity } from './initial-state.ts';
import type { TenantState } from './state.ts';

/** What a client (or a test) needs to know about one sandbox tenant. */
export interface SandboxTenant {
  tenantId: string;
  /** The initial verified domain, `tenant-007.onmicrosoft.com` (tenant 0: contoso.onmicrosoft.com). */
  domain: string;
  /** Every mailbox of the tenant; the last one has no Exchange Online licence. */
  mailboxes: string[];
}

/**
 * The tenants one sandbox hosts. Tenant 0 is the home tenant (the one a single-tenant sandbox
 * always had; the admin app is registered there); tenants 1..N-1 are customer tenants whose ids
 * and domains follow from the home tenant's id and their index, so a reloaded `--state FILE`
 * finds them again. A customer tenant's state is built the first time a request (or a test) needs
 * it: 200 tenants cost 200 ids until they are used.
 */
export interface TenantDirectory {
  readonly count: number;
  readonly home: TenantState;
  /** The tenant of the request being handled (the home tenant outside any request). */
  current(): TenantState;
  /** Runs `fn` (and everything it awaits) as tenant `state`. */
  run<T>(state: TenantState, fn: () => T): T;
  /** Every tenant's id, domain and mailboxes, without building any state. */
  list(): SandboxTenant[];
  /** A tenant by id or verified domain (case-insensitive); undefined when the sandbox has none. */
  find(idOrDomain: string): TenantState | undefined;
  /** The states built so far, home first (what `--state FILE` keeps). */
  built(): TenantState[];
}

export interface TenantDirectoryOptions {
  home: TenantState;
  /** How many tenants, home included (default 1). */
  count?: number;
  /** Customer tenants kept from an earlier run (`--state FILE`). */
  loaded?: TenantState[];
  now?: () => Date;
  /** Called once for every customer tenant built fresh (the admin app's consent, filler apps). */
  onCreate?: (state: TenantState) => void;
}

/** `tenant-007.onmicrosoft.com` for index 7. */
export function customerTenantIdentity(index: number): TenantIdentity {
  const label = `tenant-${String(index).padStart(3, '0')}`;
  return { displayName: `Tenant ${String(index).padStart(3, '0')} (sandbox)`, domains: [`${label}.onmicrosoft.com`] };
}

/** A stable GUID for customer tenant `index` of the sandbox whose home tenant is `homeId`. */
export function customerTenantId(homeId: string, index: number): string {
  const hex = createHash('sha256').update(`sandbox-tenant:${homeId.toLowerCase()}:${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createTenantDirectory(options: TenantDirectoryOptions): TenantDirectory {
  const { home } = options;
  const count = Math.max(1, Math.floor(options.count ?? 1));
  const storage = new AsyncLocalStorage<TenantState>();
  const ids = Array.from({ length: count }, (_, i) => (i === 0 ? home.tenant.id : customerTenantId(home.tenant.id, i)));
  const indexById = new Map(ids.map((id, i) => [id.toLowerCase(), i]));
  const states = new Map<number, TenantState>([[0, home]]);
  for (const state of options.loaded ?? []) {
    const index = indexById.get(state.tenant.id.toLowerCase());
    if (index !== undefined && index > 0) states.set(index, state);
  }

  const build = (index: number): TenantState => {
    const existing = states.get(index);
    if (existing) return existing;
    const state = createInitialState({
      tenantId: ids[index] as string,
      identity: customerTenantIdentity(index),
      ...(options.now ? { now: options.now() } : {}),
    });
    states.set(index, state);
    options.onCreate?.(state);
    return state;
  };

  const indexOf = (idOrDomain: string): number | undefined => {
    const value = idOrDomain.toLowerCase();
    const byId = indexById.get(value);
    if (byId !== undefined) return byId;
    if (home.tenant.domains.some((d) => d.toLowerCase() === value)) return 0;
    const label = /^tenant-(\d{3,})\.onmicrosoft\.com$/.exec(value)?.[1];
    const index = label === undefined ? undefined : Number(label);
    return index !== undefined && index > 0 && index < count && customerTenantIdentity(index).domains[0] === value ? index : undefined;
  };

  return {
    count,
    home,
    current: () => storage.getStore() ?? home,
    run: (state, fn) => storage.run(state, fn),
    list: () =>
      ids.map((tenantId, i) => {
        const state = states.get(i);
        if (state) {
          return { tenantId, domain: state.tenant.domains[0] as string, mailboxes: state.exchange.mailboxes.map((m) => m.address) };
        }
        const identity = customerTenantIdentity(i);
        return { tenantId, domain: identity.domains[0] as string, mailboxes: mailboxAddresses(identity) };
      }),
    find: (idOrDomain) => {
      const index = indexOf(idOrDomain);
      return index === undefined ? undefined : build(index);
    },
    built: () => [...states.entries()].sort(([a], [b]) => a - b).map(([, state]) => state),
  };
}
