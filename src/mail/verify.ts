import type { Clock } from '../core/clock.ts';
import { ExitCode } from '../core/errors.ts';
import { MODELS } from '../core/models.ts';
import { acquireAppToken } from './acquire-token.ts';
import { checkClaims, decodeAppToken } from './check-claims.ts';
import { diagnose } from './diagnose.ts';
import { sendTestMessageGraph } from './send-graph.ts';
import type { SendOutcome } from './send-outcome.ts';
import { sendTestMessageSmtp } from './send-smtp.ts';
import { fixCommands } from './fix-commands.ts';
import type { Diagnosis, ExchangeObservation, FailureContext, MailFailure, VerifyCheck, VerifyInput, VerifyReport } from './types.ts';

export interface VerifyDeps {
  clock: Clock;
  /** Progress lines (stderr); never a secret or a token. */
  log?: (line: string) => void;
  /**
   * Reads the app's Exchange configuration for the mailbox, when the caller can (pwsh, or the
   * sandbox). Only asked after Exchange refused, to tell "wrong" from "still propagating".
   */
  observeExchange?: (query: {
    appId: string;
    servicePrincipalObjectId: string;
    mailbox: string;
  }) => Promise<ExchangeObservation | undefined>;
}

type Variant<T> = T extends unknown ? Omit<T, 'context'> : never;

/**
 * `entra-mail verify`: a token as the app for the model's resource, its claims against the
 * model, then a test message over SMTP XOAUTH2 or Graph sendMail. Every failure comes back
 * diagnosed with its cause and fix; Exchange grants still propagating come back `pending`.
 */
export async function verifyApp(input: VerifyInput, deps: VerifyDeps): Promise<VerifyReport> {
  const model = MODELS[input.model];
  const checks: VerifyCheck[] = [];
  const diagnoses: Diagnosis[] = [];
  const from = input.from ?? input.mailbox;
  const context: FailureContext = {
    tenantId: input.tenantId,
    clientId: input.clientId,
    mailbox: input.mailbox,
    from,
    roles: [],
    at: deps.clock.now(),
  };
  if (input.exchangeAppliedAt) context.exchangeAppliedAt = input.exchangeAppliedAt;
  if (input.mailboxState) context.mailboxState = input.mailboxState;
  const failed = (id: VerifyCheck['id'], title: string, failure: Variant<MailFailure>): void => {
    const diagnosis = diagnose({ ...failure, context: { ...context, at: deps.clock.now() } } as MailFailure, input.model);
    diagnoses.push(diagnosis);
    checks.push({
      id,
      title,
      status: diagnosis.pending ? 'pending' : 'fail',
      detail: diagnosis.explanation,
      cause: diagnosis.cause,
      fix: diagnosis.fix,
      ...(diagnosis.retryAfter ? { retryAfter: diagnosis.retryAfter.toISOString() } : {}),
    });
  };
  const skip = (id: VerifyCheck['id'], title: string, detail: string) => checks.push({ id, title, status: 'skipped', detail });

  const resource = model.tokenResource === 'exchange' ? input.endpoints.exchangeResource : input.graphScope.replace(/\/\.default$/, '');
  const tokenTitle = `Token as app ${input.clientId} for ${resource}`;
  if (model.tokenResource === 'user') {
    skip('token', tokenTitle, `Model ${input.model} sends with a signed-in user's token; verify runs as the app and cannot check it.`);
    return summarize(checks, diagnoses, ExitCode.usage);
  }
  deps.log?.(`verify: requesting a token for ${resource}/.default`);
  const token = await acquireAppToken(input, `${resource}/.default`, deps);
  if (!token.ok) {
    failed(
      'token',
      tokenTitle,
      token.network
        ? { kind: 'network', transport: 'token', code: token.network }
        : { kind: 'token', ...(token.aadsts ? { aadsts: token.aadsts } : {}) },
    );
    skip('claims', 'Token claims', 'No token.');
    skip('send', 'Test message', 'No token.');
    return summarize(checks, diagnoses);
  }
  checks.push({ id: 'token', title: tokenTitle, status: 'pass', detail: `Token issued after ${token.attempts} attempt(s).` });

  let claims = checkClaims(token.accessToken, { model: input.model, resource, tenantId: input.tenantId, clientId: input.clientId });
  const consentWait = await waitForConsent(input, resource, claims, deps);
  if (consentWait.claims) claims = consentWait.claims;
  // The token that carries the role, when a new one had to be asked for.
  const accessToken = consentWait.accessToken ?? token.accessToken;
  context.roles = claims.claims.roles;
  const claimsTitle = `Claims match model ${input.model}`;
  if (claims.ok) checks.push({ id: 'claims', title: claimsTitle, status: 'pass', detail: `${claims.detail}${consentWait.note}` });
  else if (consentWait.pending) {
    const retryAfter = consentWait.pending;
    checks.push({
      id: 'claims',
      title: claimsTitle,
      status: 'pending',
      detail: `${claims.detail} The consent was granted at ${input.consentAppliedAt?.toISOString()} and has not reached the app's tokens yet (it replicates); retry after ${retryAfter.toISOString()}.`,
      cause: 'consent-propagating',
      fix: `Wait, then: ${fixCommands(context, input.model).verify}`,
      retryAfter: retryAfter.toISOString(),
    });
    diagnoses.push({
      cause: 'consent-propagating',
      explanation: claims.detail,
      fix: '',
      pending: true,
      retryAfter,
      exitCode: ExitCode.service,
    });
  } else failed('claims', claimsTitle, { kind: 'claims', problem: claims.problem, detail: claims.detail });

  const sendTitle = `Test message ${model.transport === 'smtp' ? 'over SMTP XOAUTH2' : 'through Graph sendMail'} from ${from} to ${input.to}`;
  if (!input.sendTestMessage) skip('send', sendTitle, 'Not asked for.');
  else if (!claims.ok && claims.problem !== 'unexpected-role')
    skip('send', sendTitle, 'Fix the token first: the send would fail for the same reason.');
  else {
    const message = {
      mailbox: input.mailbox,
      from,
      to: input.to,
      subject: `entra-mail verify ${deps.clock.now().toISOString()}`,
      text: `Test message from entra-mail verify (model ${input.model}, app ${input.clientId}).`,
    };
    deps.log?.(`verify: sending a test message from ${from} to ${input.to}`);
    const sent: SendOutcome =
      model.transport === 'smtp'
        ? await sendTestMessageSmtp(input.endpoints.smtpHost, accessToken, message)
        : await sendTestMessageGraph(input.endpoints.graphEndpoint, accessToken, message);
    if (sent.ok) checks.push({ id: 'send', title: sendTitle, status: 'pass', detail: sent.detail });
    else {
      if (deps.observeExchange && isExchangeRefusal(sent.failure)) {
        const { appId, oid } = decodeAppToken(accessToken);
        const observed = await deps.observeExchange({ appId, servicePrincipalObjectId: oid, mailbox: input.mailbox });
        if (observed) context.exchange = observed;
      }
      failed('send', sendTitle, sent.failure);
    }
  }
  return summarize(checks, diagnoses);
}

/** SMTP 535 5.7.3 or Graph 401/403 from Exchange: the refusals an Exchange read can explain. */
function isExchangeRefusal(failure: Variant<MailFailure>): boolean {
  if (failure.kind === 'smtp') return /5\.7\.3\b/.test(failure.response);
  return failure.kind === 'graph' && ['ErrorAccessDenied', 'NoPermissionsInAccessToken'].includes(failure.code);
}

/** ok when nothing failed or pends; the exit code is the first real failure's, else 7 while pending. */
function summarize(checks: VerifyCheck[], diagnoses: Diagnosis[], exitCode?: number): VerifyReport {
  const firstFailure = diagnoses.find((d) => !d.pending);
  const pending = diagnoses.some((d) => d.pending);
  const code = exitCode ?? firstFailure?.exitCode ?? (pending ? ExitCode.service : ExitCode.ok);
  return { ok: code === ExitCode.ok, pending: pending && !firstFailure, checks, exitCode: code };
}

/** After a consent, how long a missing role counts as "still replicating" (docs/diagnostics.md#propagation). */
export const CONSENT_PROPAGATION_MS = 10 * 60_000;

/**
 * A role this run just consented to may be missing from the first tokens: the assignment has to
 * replicate first (docs/graph-service-principals-and-consent.md). Within the window, ask for a new
 * token with backoff for up to `consentWaitMs`; if the role is still missing, report pending with
 * the time to retry, never "not consented".
 */
async function waitForConsent(
  input: VerifyInput,
  resource: string,
  first: ReturnType<typeof checkClaims>,
  deps: VerifyDeps,
): Promise<{ claims?: ReturnType<typeof checkClaims>; accessToken?: string; pending?: Date; note: string }> {
  const since = input.consentAppliedAt;
  if (first.ok || first.problem !== 'roles-missing' || since === undefined) return { note: '' };
  const windowEnd = since.getTime() + CONSENT_PROPAGATION_MS;
  if (deps.clock.nowMs() >= windowEnd) return { note: '' };
  const deadline = Math.min(windowEnd, deps.clock.nowMs() + (input.consentWaitMs ?? 120_000));
  let delay = 2_000;
  let claims: ReturnType<typeof checkClaims> = first;
  while (deps.clock.nowMs() + delay <= deadline) {
    deps.log?.(`verify: the consent is not in the token yet; asking again in ${Math.round(delay / 1000)} s`);
    await deps.clock.sleep(delay);
    delay = Math.min(delay * 2, 30_000);
    const token = await acquireAppToken(input, `${resource}/.default`, deps);
    if (!token.ok) break;
    claims = checkClaims(token.accessToken, { model: input.model, resource, tenantId: input.tenantId, clientId: input.clientId });
    if (claims.ok || claims.problem !== 'roles-missing') {
      const waited = Math.round((deps.clock.nowMs() - since.getTime()) / 1000);
      return { claims, accessToken: token.accessToken, note: ` (the new consent reached the token ${waited} s after it was granted)` };
    }
  }
  return { claims, pending: new Date(windowEnd), note: '' };
}
