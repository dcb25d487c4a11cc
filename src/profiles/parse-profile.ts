import type { PermissionRequest } from '../core/models.ts';
import { EXCHANGE_APP_ID, EXCHANGE_ROLES, EXCHANGE_SCOPES, GRAPH_APP_ID, GRAPH_ROLES, GRAPH_SCOPES } from '../core/well-known.ts';
import { checkProfile } from './check-profile.ts';
import { ProfileError, type ProfileFail } from './profile-error.ts';
import type { Profile, ProfileOutput } from './profile.ts';
import { checkProfileDocument } from './profile-schema.ts';

/** Entra caps client secrets at 24 months (docs/token-endpoint.md#lifetimes); "mo" keeps months apart from minutes. */
const LIFETIME = /^([1-9]\d*)(d|mo)$/;

/** The document as schemas/profile.schema.json describes it, once checked. */
interface ProfileDocument extends Omit<Profile, 'vendorGuide' | 'permissions' | 'requires' | 'fields' | 'outputs'> {
  vendorGuide: { file: string; title: string } | null;
  permissions?: PermissionRequest[];
  requires: { mailbox: boolean; siteUrl?: boolean };
  fields: { label: string; value: string | number }[];
  outputs: Omit<ProfileOutput, 'templateText'>[];
}

/**
 * Turns one parsed YAML document into a Profile, or throws ProfileError naming the file and key.
 * The structure is the schema's (src/profiles/profile-schema.ts); what a schema cannot say is
 * checked here and in src/profiles/check-profile.ts. `readTemplate` returns the text of a file
 * under templates/outputs/ (throws if it does not exist).
 */
export function parseProfile(document: unknown, file: string, readTemplate: (name: string) => string): Profile {
  const fail: ProfileFail = (path, problem) => {
    throw new ProfileError(file, path, problem);
  };
  checkProfileDocument(document, file);
  const doc = document as ProfileDocument;
  const profile: Profile = {
    ...doc,
    vendorGuide: doc.vendorGuide,
    permissions: (doc.permissions ?? []).map((p, i) => checkPermission(fail, p, `permissions[${i}]`)),
    requires: { mailbox: doc.requires.mailbox, siteUrl: doc.requires.siteUrl ?? false },
    secretLifetime: checkLifetime(fail, doc.secretLifetime),
    // A literal such as 587 may be written unquoted in YAML; the form shows it as text anyway.
    fields: doc.fields.map((f) => ({ label: f.label, value: String(f.value) })),
    outputs: doc.outputs.map((o, i) => ({
      ...o,
      templateText: readOutputTemplate(fail, o.template, `outputs[${i}].template`, readTemplate),
    })),
  };
  if (`${profile.name}.yaml` !== file) fail('name', `must match the file name (${file})`);
  checkProfile(profile, { fail });
  return profile;
}

function readOutputTemplate(fail: ProfileFail, template: string, path: string, readTemplate: (name: string) => string): string {
  try {
    return readTemplate(template);
  } catch (error) {
    return fail(path, `cannot read templates/outputs/${template}: ${(error as Error).message}`);
  }
}

/** The value must be a permission the resource offers with that type (docs/permissions.md). */
function checkPermission(fail: ProfileFail, p: PermissionRequest, path: string): PermissionRequest {
  const known =
    p.resourceAppId === GRAPH_APP_ID
      ? p.type === 'Role'
        ? GRAPH_ROLES
        : GRAPH_SCOPES
      : p.type === 'Role'
        ? EXCHANGE_ROLES
        : EXCHANGE_SCOPES;
  if (!Object.hasOwn(known, p.value)) fail(`${path}.value`, `'${p.value}' is not one of ${Object.keys(known).join(', ')}`);
  return { resourceAppId: p.resourceAppId === GRAPH_APP_ID ? GRAPH_APP_ID : EXCHANGE_APP_ID, value: p.value, type: p.type };
}

function checkLifetime(fail: ProfileFail, text: string): string {
  const [, amount, unit] = LIFETIME.exec(text) as RegExpExecArray;
  const days = unit === 'mo' ? Number(amount) * 30.5 : Number(amount);
  if (days > 24 * 30.5) fail('secretLifetime', `'${text}' is longer than the 24 months Entra allows`);
  return text;
}
