import type { Connection } from '../core/sign-in.ts';
import type { SinkProbe } from '../credentials/delivery-record.ts';
import type { Journal } from '../credentials/journal.ts';
import type { MintedSecret } from '../credentials/secret.ts';
import type { Application, ServicePrincipal } from '../graph/types.ts';
import type { Profile } from '../profiles/profile.ts';
import type { MintedCertificate } from './certificate.ts';
import type { ExchangeOptions, ExchangeOutcome } from './exchange.ts';
import type { ExtraSinks } from './extra-sinks.ts';
import type { DeliveredOutput, OutputOptions } from './output.ts';
import type { ProvisionPlan } from './plan.ts';
import type { Desired, Observed } from './types.ts';

/** What one provision is asked to do (src/commands/provision/options.ts, fleet apply), and the facts its steps share. */
export interface ProvisionRequest {
  desired: Desired;
  /** The profile as this run renders it: its certificate view with `--credential certificate`. */
  profile: Profile;
  connection: Connection;
  exchange: ExchangeOptions;
  output: OutputOptions;
  dryRun: boolean;
  json: boolean;
  /** --quiet: no progress on stderr. */
  quiet?: boolean;
  /** The admin token's `tid` (the tenant's id without reading /organization; docs/permissions.md). */
  tenantId?: string;
  /**
   * Called with the finished plan, before any change: the preflight (src/preflight) checks the
   * signed-in identity against what this plan will actually do, and throws to stop the run.
   */
  onPlan?: (plan: ProvisionPlan, observed: Observed) => void;
  /**
   * Called after the plan and before the first change when the plan changes the tenant (plan,
   * then ask: src/commands/shared/confirm.ts). Resolves false to stop with nothing changed.
   */
  confirm?: (plan: ProvisionPlan, observed: Observed) => Promise<boolean>;
  /** Asks sinks an earlier rotate delivered to whether they still hold a credential (src/provision/provision-journal.ts). */
  sinkProbe?: SinkProbe;
  /** Sinks beyond --out that a minted secret also goes to (fleet apply: src/provision/extra-sinks.ts). */
  extraSinks?: ExtraSinks;
}

/** The listr2 context: facts only. */
export interface ProvisionContext {
  desired: Desired;
  observed?: Observed;
  plan?: ProvisionPlan;
  application?: Application;
  servicePrincipal?: ServicePrincipal;
  journal?: Journal;
  minted?: MintedSecret;
  /** `--credential certificate`: the certificate this run minted. */
  certificate?: MintedCertificate;
  script?: string;
  exchange?: ExchangeOutcome;
  delivered?: DeliveredOutput;
  /** The admin answered no to the plan: nothing was changed. */
  declined?: boolean;
  /** How the consent the previous step started beside the secret ended. */
  consented?: PromiseSettledResult<void>;
}

/** The app the steps act on: the one the application step wrote, or the one read. */
export function currentApp(ctx: ProvisionContext): Application {
  const app = ctx.application ?? ctx.observed?.application;
  if (!app) throw new Error('the application step did not run');
  return app;
}
