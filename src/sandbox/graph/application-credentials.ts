import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Route, SandboxContext } from '../context.ts';
import type { SandboxApplication, SandboxPasswordCredential } from '../state.ts';
import { verifyCertificateAssertion } from '../token/certificate-assertion.ts';
import type { GraphAuthorizer } from './auth.ts';
import { GraphRequestError, badRequest, resourceNotFound } from './errors.ts';
import { newKeyCredential } from './application-model.ts';
import { addressPattern, readAddress, requireApplication } from './lookup.ts';
import { graphDate, odataContext } from './odata.ts';
import { asObject, rejectUnknownProperties } from './validate.ts';

const APP = addressPattern(['appId', 'uniqueName']);
const action = (name: string) => new RegExp(`^/v1\\.0/applications${APP}/${name}$`);
const TWO_YEARS_MS = 2 * 365.25 * 24 * 3600_000;
const SECRET_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~';

/** addPassword / removePassword / addKey / removeKey (docs/graph-applications.md#client-secrets-addpassword-removepassword, docs/graph-applications.md#certificates-keycredentials-addkey). */
export function applicationCredentialRoutes(ctx: SandboxContext, authorize: GraphAuthorizer): Route[] {
  return [
    {
      kind: 'graph',
      method: 'POST',
      path: action('addPassword'),
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const app = requireApplication(ctx, readAddress(match));
        const body = req.body.length === 0 ? {} : asObject(req.json());
        rejectUnknownParameters(body, ['passwordCredential'], 'addPassword');
        const input = body['passwordCredential'] == null ? {} : asObject(body['passwordCredential']);
        rejectUnknownProperties(input, 'passwordCredential');
        const { credential, secretText } = mintPassword(ctx, app, input);
        app.passwordCredentials.push(credential);
        ctx.markCreated(credential.keyId);
        const { secretSha256: _hash, ...visible } = credential;
        // 200, not 201; secretText exists only in this response (docs/graph-applications.md#client-secrets-addpassword-removepassword).
        return { status: 200, body: { '@odata.context': odataContext(ctx, 'microsoft.graph.passwordCredential'), ...visible, secretText } };
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: action('removePassword'),
      handle: async (req, match) => {
        await authorize(req, 'write-applications');
        const app = requireApplication(ctx, readAddress(match));
        const body = asObject(req.json());
        rejectUnknownParameters(body, ['keyId'], 'removePassword');
        const keyId = String(body['keyId'] ?? '').toLowerCase();
        // Not verified against the live service whether an unknown keyId is 400 or 404; the sandbox answers 404.
        if (!app.passwordCredentials.some((c) => c.keyId.toLowerCase() === keyId)) throw resourceNotFound(keyId);
        app.passwordCredentials = app.passwordCredentials.filter((c) => c.keyId.toLowerCase() !== keyId);
        return { status: 204 };
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: action('addKey'),
      handle: async (req, match) => {
        // An app may roll its own certificates without any Graph permission; the proof authorises (docs/graph-applications.md#certificates-keycredentials-addkey).
        await authorize(req, 'authenticated');
        const app = requireApplication(ctx, readAddress(match));
        const body = asObject(req.json());
        rejectUnknownParameters(body, ['keyCredential', 'passwordCredential', 'proof'], 'addKey');
        await checkProof(ctx, app, body['proof']);
        const credential = newKeyCredential(ctx, asObject(body['keyCredential']));
        app.keyCredentials.push(credential);
        return { status: 200, body: { '@odata.context': odataContext(ctx, 'microsoft.graph.keyCredential'), ...credential, key: null } };
      },
    },
    {
      kind: 'graph',
      method: 'POST',
      path: action('removeKey'),
      handle: async (req, match) => {
        await authorize(req, 'authenticated');
        const app = requireApplication(ctx, readAddress(match));
        const body = asObject(req.json());
        rejectUnknownParameters(body, ['keyId', 'proof'], 'removeKey');
        await checkProof(ctx, app, body['proof']);
        const keyId = String(body['keyId'] ?? '').toLowerCase();
        if (!app.keyCredentials.some((k) => k.keyId.toLowerCase() === keyId)) throw resourceNotFound(keyId);
        app.keyCredentials = app.keyCredentials.filter((k) => k.keyId.toLowerCase() !== keyId);
        return { status: 204 };
      },
    },
  ];
}

/**
 * A new secret: 40 characters, hint = first 3, start = now, end = start + 2 years by default.
 * The tenant's app-management policy can forbid secrets or cap their lifetime
 * (docs/reliability.md#tenant-bans-secrets, docs/reliability.md#lifetime-cap); both are 400s naming the policy id.
 */
function mintPassword(
  ctx: SandboxContext,
  app: SandboxApplication,
  input: Record<string, unknown>,
): { credential: SandboxPasswordCredential; secretText: string } {
  const policy = ctx.state.appManagementPolicy;
  if (!policy.passwordCredentialsAllowed) {
    throw new GraphRequestError(
      400,
      'CredentialTypeNotAllowedAsPerAppPolicy',
      `Password credentials are not allowed for application '${app.appId}' as per assigned policy '${policy.policyId}'.`,
    );
  }
  const now = ctx.clock.nowMs();
  const start = parseDate(input['startDateTime'], 'startDateTime') ?? now;
  const end = parseDate(input['endDateTime'], 'endDateTime') ?? start + TWO_YEARS_MS;
  if (end <= start) throw badRequest("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.");
  if (policy.maxPasswordLifetimeDays !== undefined && end - start > policy.maxPasswordLifetimeDays * 24 * 3600_000) {
    throw new GraphRequestError(
      400,
      'CredentialInvalidLifetimeAsPerAppPolicy',
      `Credential lifetime exceeds the max value of ${policy.maxPasswordLifetimeDays} days allowed as per assigned policy '${policy.policyId}'.`,
    );
  }
  let secretText = ctx.secretGenerator?.() ?? '';
  if (!secretText) for (let i = 0; i < 40; i++) secretText += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  return {
    secretText,
    credential: {
      keyId: randomUUID(),
      displayName: typeof input['displayName'] === 'string' ? input['displayName'] : null,
      hint: secretText.slice(0, 3),
      startDateTime: graphDate(new Date(start)),
      endDateTime: graphDate(new Date(end)),
      customKeyIdentifier: null,
      secretSha256: createHash('sha256').update(secretText).digest('hex'),
    },
  };
}

function parseDate(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw badRequest(`Invalid value specified for property '${name}' of resource 'PasswordCredential'.`);
  return ms;
}

/** Action parameters are not properties: Graph words the error differently. */
function rejectUnknownParameters(body: Record<string, unknown>, allowed: string[], actionName: string): void {
  for (const name of Object.keys(body)) {
    if (!allowed.includes(name))
      throw badRequest(`The parameter '${name}' in the request payload is not a valid parameter for the operation '${actionName}'.`);
  }
}

/** addKey/removeKey proof: a JWT signed by one of the app's current certificates, iss = the app's object id (docs/graph-applications.md#certificates-keycredentials-addkey). */
async function checkProof(ctx: SandboxContext, app: SandboxApplication, proof: unknown): Promise<void> {
  if (typeof proof !== 'string') throw badRequest('Proof is required.');
  const check = await verifyCertificateAssertion(proof, app.keyCredentials, {
    now: ctx.clock.now(),
    audiences: ['00000002-0000-0000-c000-000000000000'],
    issuer: app.id,
    subject: false,
    isReplicated: (keyId) => ctx.isReplicated(keyId),
  });
  if (!check.ok) throw badRequest(`Proof of possession validation failed (${check.reason}).`);
}
