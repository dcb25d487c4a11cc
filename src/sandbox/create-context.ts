import type { Clock } from '../core/clock.ts';
import type { SandboxContext, SandboxKnobs } from './context.ts';
import type { TenantState } from './state.ts';
import { writeStateFile } from './state-file.ts';
import { createTenantDirectory, type TenantDirectory } from './tenants.ts';
import { checkAccessToken, signAccessToken, type SigningKey } from './token/signing-key.ts';

/** Access tokens live an hour, like Entra's (docs/token-endpoint.md#lifetimes). */
const TOKEN_LIFETIME_SECONDS = 3600;

export interface ContextOptions {
  /** The home tenant; with `tenants`, its home. */
  state: TenantState;
  /** The tenants, when the sandbox hosts more than one. */
  tenants?: TenantDirectory;
  clock: Clock;
  knobs: SandboxKnobs;
  signingKey: SigningKey;
  statePath?: string;
}

/**
 * The shared context every route module receives. `origin` is filled in once the server listens.
 * Persistence is serialised through one promise chain so two quick mutations never race on the
 * rename.
 */
export function createSandboxContext(options: ContextOptions): SandboxContext {
  const { state, clock, knobs, signingKey, statePath } = options;
  const tenants = options.tenants ?? createTenantDirectory({ home: state });
  let writing: Promise<void> = Promise.resolve();
  const ctx: SandboxContext = {
    get state() {
      return tenants.current();
    },
    tenants,
    faults: [],
    firedFaults: [],
    inFlight: 0,
    clock,
    knobs,
    origin: '',
    log: [],
    earlyRetries: [],
    signToken: async ({ lifetimeSeconds, ...claims }) =>
      signAccessToken(
        signingKey,
        { ...claims, iss: `https://sts.windows.net/${ctx.state.tenant.id}/`, ver: '1.0' },
        clock.nowMs(),
        lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS,
      ),
    verifyToken: async (token, audience) => {
      const check = await checkAccessToken(signingKey, token, clock.now(), audience);
      return check.ok ? check.claims : undefined;
    },
    isReplicated: (objectId) => {
      const visibleAt = ctx.state.replicatedAt[objectId];
      return visibleAt === undefined || clock.nowMs() >= visibleAt;
    },
    markCreated: (objectId) => {
      if (ctx.knobs.replicationMs > 0) ctx.state.replicatedAt[objectId] = clock.nowMs() + ctx.knobs.replicationMs;
    },
    persist: () => {
      if (!statePath) return Promise.resolve();
      writing = writing.catch(() => undefined).then(() => writeStateFile(statePath, tenants.built()));
      return writing;
    },
  };
  return ctx;
}
