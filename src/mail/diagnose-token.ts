import { ExitCode } from '../core/errors.ts';
import { fixCommands } from './fix-commands.ts';
import type { ModelName } from '../core/models.ts';
import type { Diagnosis, FailureContext } from './types.ts';

type Row = Omit<Diagnosis, 'pending' | 'retryAfter'>;

/**
 * Token-endpoint failures of the client-credentials flow (docs/token-endpoint.md#aadsts-codes): each AADSTS code with
 * its cause and the command that fixes it. Unknown codes fall back to a generic auth failure.
 */
export function diagnoseTokenFailure(aadsts: string | undefined, model: ModelName, context: FailureContext): Diagnosis {
  const row = aadsts ? tokenRows(model, context)[aadsts] : undefined;
  if (row) return { ...row, pending: false };
  return {
    cause: aadsts ? `aadsts-${aadsts}` : 'token-failed',
    explanation: `Entra refused a token for app ${context.clientId}${aadsts ? ` (AADSTS${aadsts})` : ''}.`,
    fix: `Look the code up at https://login.microsoftonline.com/error?code=${aadsts ?? ''} and check --tenant and the client id.`,
    pending: false,
    exitCode: ExitCode.auth,
  };
}

function tokenRows(model: ModelName, context: FailureContext): Record<string, Row> {
  const { tenantId, clientId } = context;
  const fixes = fixCommands(context, model);
  const newSecret = fixes.newSecret;
  return {
    '7000215': {
      cause: 'secret-invalid',
      explanation:
        'AADSTS7000215: the client secret is not valid. Usually the secret ID (a GUID) was pasted instead of the secret Value, ' +
        'or the secret is only minutes old and not replicated yet.',
      fix: `Use the secret's Value, not its ID (a secret created in the last minutes may need one more minute: run verify again); or mint a new one: ${newSecret}`,
      exitCode: ExitCode.auth,
    },
    '7000222': {
      cause: 'secret-expired',
      explanation: 'AADSTS7000222: the client secret has expired.',
      fix: `Rotate it: ${newSecret}`,
      exitCode: ExitCode.auth,
    },
    '7000218': {
      cause: 'credential-missing',
      explanation: 'AADSTS7000218: the request carried no client secret or certificate assertion.',
      fix: 'Pass the secret through the environment, a file or stdin (never argv), or a certificate.',
      exitCode: ExitCode.auth,
    },
    '700016': {
      cause: 'app-not-found',
      explanation: `AADSTS700016: no app with client id ${clientId} in tenant ${tenantId}: wrong client id, wrong tenant, or a multi-tenant app without a service principal there.`,
      fix: `List the apps the tool manages in this tenant: entra-mail status --tenant ${tenantId}`,
      exitCode: ExitCode.auth,
    },
    '7000112': {
      cause: 'app-disabled',
      explanation: `AADSTS7000112: app ${clientId} is disabled in tenant ${tenantId}.`,
      fix: `Re-enable its service principal: PATCH /v1.0/servicePrincipals(appId='${clientId}') {"accountEnabled": true}`,
      exitCode: ExitCode.auth,
    },
    '700027': {
      cause: 'certificate-not-registered',
      explanation:
        'AADSTS700027: the client assertion failed signature validation: the certificate is not registered on the app, or the key does not match it.',
      fix: `Register the certificate on the app (keyCredentials) or use the matching private key, then: ${fixes.verify}`,
      exitCode: ExitCode.auth,
    },
    '90002': {
      cause: 'tenant-not-found',
      explanation: `AADSTS90002: tenant '${tenantId}' was not found: a typo, or a tenant in another cloud.`,
      fix: 'Pass the tenant GUID or a verified domain with --tenant, and the right --cloud (global, usgov-high, usgov-dod, china).',
      exitCode: ExitCode.auth,
    },
    '900023': {
      cause: 'tenant-malformed',
      explanation: `AADSTS900023: '${tenantId}' is neither a tenant GUID nor a valid domain.`,
      fix: 'Pass the tenant GUID or a verified domain with --tenant.',
      exitCode: ExitCode.auth,
    },
    '90038': {
      cause: 'wrong-cloud',
      explanation: 'AADSTS90038: the tenant lives in a national cloud.',
      fix: 'Add --cloud usgov-high, usgov-dod or china.',
      exitCode: ExitCode.auth,
    },
    '500011': {
      cause: 'resource-not-in-tenant',
      explanation:
        'AADSTS500011: the resource (Exchange Online or Graph) has no service principal in this tenant — no Exchange Online subscription, or the wrong tenant.',
      fix: `Check the tenant's Exchange Online licence, or use --model graph: ${fixes.provision} --model graph`,
      exitCode: ExitCode.auth,
    },
    '53003': {
      cause: 'conditional-access',
      explanation: 'AADSTS53003: a Conditional Access policy for workload identities blocked the app.',
      fix: 'Exclude the app from the policy in Entra ID > Security > Conditional Access, or allow its location.',
      exitCode: ExitCode.auth,
    },
    '1002012': {
      cause: 'scope-invalid',
      explanation: 'AADSTS1002012: client credentials need a <resource>/.default scope.',
      fix: 'Check --graph-endpoint / --cloud: the scope is derived from them.',
      exitCode: ExitCode.usage,
    },
    '70011': {
      cause: 'scope-invalid',
      explanation: 'AADSTS70011: the scope is not valid for this resource.',
      fix: 'Check --graph-endpoint / --cloud: the scope is derived from them.',
      exitCode: ExitCode.usage,
    },
    ...Object.fromEntries(
      ['90024', '90033', '90090'].map((code) => [
        code,
        {
          cause: 'token-service-transient',
          explanation: `AADSTS${code}: a transient Entra service error.`,
          fix: 'Retry in a minute.',
          exitCode: ExitCode.service,
        },
      ]),
    ),
  };
}
