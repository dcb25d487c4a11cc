import type { CloudEndpoints } from '../core/cloud.ts';
import type { ExitCode } from '../core/errors.ts';
import type { ModelName } from '../core/models.ts';
import type { Secret } from '../core/secret.ts';

/** What `entra-mail verify` (and `provision --verify`) checks: one app, one mailbox, one recipient. */
export interface VerifyInput {
  model: ModelName;
  /** Tenant GUID or verified domain. */
  tenantId: string;
  /** The app's client id (appId). */
  clientId: string;
  /** Never from argv: an environment variable, a file or stdin (README.md#secrets). */
  credential: { kind: 'secret'; secret: Secret } | { kind: 'certificate'; certificatePem: string; privateKeyPem: Secret };
  /** The sending mailbox: SMTP `user=`, Graph `/users/{mailbox}`. */
  mailbox: string;
  /** Recipient of the test message. */
  to: string;
  /** Sender address when it differs from the mailbox (needs SendAs). */
  from?: string;
  endpoints: CloudEndpoints;
  /** e.g. `https://graph.microsoft.com/.default`. */
  graphScope: string;
  sendTestMessage: boolean;
  /** How long a freshly minted secret may answer AADSTS7000215 before it counts as wrong (e.g. 120000). */
  secretPropagationDeadlineMs: number;
  /**
   * When the Exchange step last granted this app's mailbox rights (provision knows it). Inside the
   * propagation window a refusal is reported as pending, not as a wrong setup.
   */
  exchangeAppliedAt?: Date;
  /** What the Exchange step's Get-Mailbox said about the sending mailbox (provision --exchange run knows it). */
  mailboxState?: 'ok' | 'unlicensed' | 'missing';
  /**
   * When this run granted the app's Entra consent (provision knows it). A new app role assignment
   * reaches the token only once it has replicated: inside the window a missing role is "not yet"
   * (pending, exit 7), never "not consented" (exit 4).
   */
  consentAppliedAt?: Date;
  /** How long verify itself waits for the role to appear before it reports pending (default 120 s). */
  consentWaitMs?: number;
}

export type CheckStatus = 'pass' | 'fail' | 'pending' | 'skipped';

export interface VerifyCheck {
  id: 'token' | 'claims' | 'send';
  title: string;
  status: CheckStatus;
  detail: string;
  /** Stable code, e.g. 'smtp-auth-disabled-mailbox'. */
  cause?: string;
  /** The command to run. */
  fix?: string;
  /** ISO time after which a pending check is worth retrying. */
  retryAfter?: string;
}

export interface VerifyReport {
  ok: boolean;
  pending: boolean;
  checks: VerifyCheck[];
  /** From src/core/errors.ts ExitCode: 0, 3 auth, 4 permission, 7 service (incl. still propagating), … */
  exitCode: number;
}

/**
 * What Exchange says about the app and the mailbox, when the caller can read it (pwsh
 * `Get-ServicePrincipal`/`Get-MailboxPermission`/`Get-ManagementRoleAssignment`, or the sandbox).
 * It lets a 535 5.7.3 be told apart: wrong vs. not yet (docs/diagnostics.md#propagation).
 */
export interface ExchangeObservation {
  mailbox: 'ok' | 'unlicensed' | 'missing';
  servicePrincipal: { status: 'ok'; identity: string } | { status: 'missing' } | { status: 'wrong-object-id'; registeredObjectId: string };
  fullAccess: boolean;
  /** The in-scope `Application SMTP.SendAsApp` / `Application Mail.Send` assignment, when there is one. */
  rbacAssignmentCreatedAt?: Date;
}

/** Facts a diagnosis may use besides the failure itself; all of them safe to print. */
export interface FailureContext {
  tenantId: string;
  clientId: string;
  mailbox: string;
  from?: string;
  /** `roles` of the app token, when one was obtained. */
  roles: string[];
  at: Date;
  exchange?: ExchangeObservation;
  exchangeAppliedAt?: Date;
  mailboxState?: 'ok' | 'unlicensed' | 'missing';
}

/** One failed step, as data. Server texts are kept (they never carry a token); our secrets never are. */
export type MailFailure = { context: FailureContext } & (
  | { kind: 'token'; aadsts?: string; description?: string }
  | { kind: 'claims'; problem: 'audience' | 'tenant' | 'roles-missing' | 'unexpected-role'; detail: string }
  | { kind: 'smtp'; responseCode?: number; response: string }
  | { kind: 'graph'; status: number; code: string; requestId?: string }
  | { kind: 'network'; transport: 'token' | 'smtp' | 'graph'; code?: string }
);

/** The explanation of a failure: its cause, what to run, and whether it is merely "not yet". */
export interface Diagnosis {
  cause: string;
  explanation: string;
  fix: string;
  pending: boolean;
  retryAfter?: Date;
  exitCode: ExitCode;
}
