import { thumbprintOf } from './certificate.ts';
import type { Change } from './types.ts';
import type { ProvisionContext, ProvisionRequest } from './request.ts';

/** The `--json` document of provision. */
export interface ProvisionResult {
  tenantId: string;
  model: string;
  profile: string;
  dryRun: boolean;
  application: { id: string; appId: string; uniqueName: string; displayName: string } | null;
  servicePrincipal: { id: string } | null;
  permissions: { resourceAppId: string; name: string; type: 'Role' | 'Scope'; consented: boolean }[];
  secret: { keyId: string; displayName: string; endDateTime: string; writtenTo: string | null; value?: string } | null;
  /** Only with `--credential certificate`: `writtenTo` is the PEM file (private key + certificate, 0600). */
  certificate?: { keyId: string; thumbprint: string | null; endDateTime: string; writtenTo: string | null } | null;
  exchange: {
    mode: string;
    status: string;
    scriptPath: string | null;
    changes?: { object: string; action: string }[];
    warnings?: string[];
    /** `--exchange api --dry-run`: the cmdlets a run would call, in order. */
    calls?: { cmdlet: string; parameters: Record<string, unknown> }[];
  };
  changes: Change[];
  config: Record<string, string>;
  script?: string;
}

export function buildProvisionResult(request: ProvisionRequest, ctx: ProvisionContext): ProvisionResult {
  const observed = ctx.observed;
  const plan = ctx.plan;
  const app = ctx.application ?? observed?.application;
  const sp = ctx.servicePrincipal ?? observed?.servicePrincipal;
  const applied = !request.dryRun;
  const consentedNow = applied && plan !== undefined;
  const kept = plan?.secret.kept;
  const secret = ctx.minted
    ? {
        keyId: ctx.minted.credential.keyId,
        displayName: ctx.minted.marker,
        endDateTime: ctx.minted.credential.endDateTime,
        writtenTo: ctx.delivered?.writtenTo ?? null,
        ...(request.output.showSecret ? { value: ctx.minted.secret.reveal() } : {}),
      }
    : kept
      ? { keyId: kept.keyId, displayName: kept.displayName ?? '', endDateTime: kept.endDateTime, writtenTo: null }
      : null;
  const keptCertificate = plan?.certificate?.kept;
  const certificate = ctx.certificate
    ? {
        keyId: ctx.certificate.keyId,
        thumbprint: ctx.certificate.thumbprint,
        endDateTime: ctx.certificate.endDateTime,
        writtenTo: ctx.delivered?.certificateWrittenTo ?? null,
      }
    : keptCertificate
      ? {
          keyId: keptCertificate.keyId,
          thumbprint: thumbprintOf(keptCertificate),
          endDateTime: keptCertificate.endDateTime,
          writtenTo: null,
        }
      : null;
  return {
    tenantId: observed?.organization.id ?? request.desired.tenant,
    model: request.desired.model,
    profile: request.desired.profile,
    dryRun: request.dryRun,
    application: app ? { id: app.id, appId: app.appId, uniqueName: request.desired.uniqueName, displayName: app.displayName } : null,
    servicePrincipal: sp ? { id: sp.id } : null,
    permissions: (observed?.permissions ?? []).map((p) => ({
      resourceAppId: p.resourceAppId,
      name: p.value,
      type: p.type,
      consented:
        consentedNow ||
        (observed?.assignments.some((a) => a.resourceId === p.resourceId && a.appRoleId === p.id) ?? false) ||
        (observed?.grants.some((g) => g.resourceId === p.resourceId && g.scope.split(' ').includes(p.value)) ?? false),
    })),
    secret,
    ...(request.desired.credential === 'certificate' ? { certificate } : {}),
    exchange: {
      mode: request.exchange.mode,
      status: ctx.exchange?.status ?? (request.exchange.mode === 'skip' ? 'skipped' : request.dryRun ? 'planned' : 'skipped'),
      scriptPath:
        ctx.exchange?.scriptPath ??
        (request.exchange.mode === 'skip' || request.exchange.mode === 'api' ? null : request.exchange.scriptPath),
      ...(ctx.exchange?.result ? { changes: ctx.exchange.result.changes, warnings: ctx.exchange.result.warnings } : {}),
      ...(ctx.exchange?.calls ? { calls: ctx.exchange.calls } : {}),
    },
    changes: plan?.changes ?? [],
    config: ctx.delivered?.fields ?? {},
    ...(request.dryRun && ctx.script ? { script: ctx.script } : {}),
  };
}
