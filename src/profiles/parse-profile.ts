import { MODEL_NAMES, type PermissionRequest } from '../core/models.ts';
import { EXCHANGE_APP_ID, EXCHANGE_ROLES, EXCHANGE_SCOPES, GRAPH_APP_ID, GRAPH_ROLES, GRAPH_SCOPES } from '../core/well-known.ts';
import { checkProfile } from './check-profile.ts';
import { OUTPUT_FORMATS, SIGN_IN_AUDIENCES, type Profile, type ProfileOutput } from './profile.ts';
import { createSchemaReader, type SchemaReader } from './schema-reader.ts';

const NAME = /^[a-z][a-z0-9-]*$/;
const TEMPLATE_FILE = /^[a-z0-9][a-z0-9.-]*\.tmpl$/;
/** Entra caps client secrets at 24 months (docs/token-endpoint.md#lifetimes); "mo" keeps months apart from minutes. */
const LIFETIME = /^([1-9]\d*)(d|mo)$/;
/** https anywhere, or plain http on localhost only (Entra's own rule for redirect URIs). */
const REDIRECT_URI = /^(?:\{\{siteUrl\}\}(?:\/[^\s{}]*)?|https:\/\/[^\s{}]+|http:\/\/localhost(?::\d+)?(?:\/[^\s{}]*)?)$/;

/**
 * Turns one parsed YAML document into a Profile, or throws ProfileError naming the file and key.
 * `readTemplate` returns the text of a file under templates/outputs/ (throws if it does not exist).
 */
export function parseProfile(document: unknown, file: string, readTemplate: (name: string) => string): Profile {
  const r = createSchemaReader(file);
  const doc = r.object(document, '', {
    required: [
      'name',
      'product',
      'vendorGuide',
      'summary',
      'model',
      'signInAudience',
      'redirectUris',
      'requires',
      'exchange',
      'secretLifetime',
      'displayName',
      'fields',
      'outputs',
      'nextSteps',
      'deviations',
    ],
    optional: ['permissions'],
  });
  const guide = doc.vendorGuide === null ? null : r.object(doc.vendorGuide, 'vendorGuide', { required: ['file', 'title'] });
  const redirects = r.object(doc.redirectUris, 'redirectUris', { required: ['web', 'publicClient'] });
  const requires = r.object(doc.requires, 'requires', { required: ['mailbox'], optional: ['siteUrl'] });
  const exchange = r.object(doc.exchange, 'exchange', { required: ['smtpAuth', 'sendAs'] });
  const profile: Profile = {
    name: r.string(doc.name, 'name', NAME),
    product: r.string(doc.product, 'product'),
    vendorGuide: guide && { file: r.string(guide.file, 'vendorGuide.file'), title: r.string(guide.title, 'vendorGuide.title') },
    summary: r.string(doc.summary, 'summary', /^[^\n]{1,100}$/),
    model: r.oneOf(doc.model, 'model', MODEL_NAMES),
    permissions:
      doc.permissions === undefined ? [] : r.array(doc.permissions, 'permissions').map((p, i) => readPermission(r, p, `permissions[${i}]`)),
    signInAudience: r.oneOf(doc.signInAudience, 'signInAudience', SIGN_IN_AUDIENCES),
    redirectUris: {
      web: r.strings(redirects.web, 'redirectUris.web', REDIRECT_URI),
      publicClient: r.strings(redirects.publicClient, 'redirectUris.publicClient', REDIRECT_URI),
    },
    requires: {
      mailbox: r.boolean(requires.mailbox, 'requires.mailbox'),
      siteUrl: requires.siteUrl === undefined ? false : r.boolean(requires.siteUrl, 'requires.siteUrl'),
    },
    exchange: { smtpAuth: r.boolean(exchange.smtpAuth, 'exchange.smtpAuth'), sendAs: r.boolean(exchange.sendAs, 'exchange.sendAs') },
    secretLifetime: readLifetime(r, doc.secretLifetime),
    displayName: r.string(doc.displayName, 'displayName', /^[^\n]{1,120}$/),
    fields: r.array(doc.fields, 'fields').map((f, i) => {
      const field = r.object(f, `fields[${i}]`, { required: ['label', 'value'] });
      // A literal such as 587 may be written unquoted in YAML; the form shows it as text anyway.
      const value = typeof field.value === 'number' ? String(field.value) : field.value;
      return { label: r.string(field.label, `fields[${i}].label`), value: r.string(value, `fields[${i}].value`) };
    }),
    outputs: r.array(doc.outputs, 'outputs').map((o, i) => readOutput(r, o, `outputs[${i}]`, readTemplate)),
    nextSteps: r.strings(doc.nextSteps, 'nextSteps'),
    deviations: r.array(doc.deviations, 'deviations').map((d, i) => {
      const dev = r.object(d, `deviations[${i}]`, { required: ['guideSays', 'weDo', 'why'] });
      const at = `deviations[${i}]`;
      return {
        guideSays: r.string(dev.guideSays, `${at}.guideSays`),
        weDo: r.string(dev.weDo, `${at}.weDo`),
        why: r.string(dev.why, `${at}.why`),
      };
    }),
  };
  if (`${profile.name}.yaml` !== file) r.fail('name', `must match the file name (${file})`);
  checkProfile(profile, r);
  return profile;
}

function readOutput(r: SchemaReader, value: unknown, path: string, readTemplate: (name: string) => string): ProfileOutput {
  const o = r.object(value, path, { required: ['name', 'title', 'format', 'template', 'secretField'] });
  const template = r.string(o.template, `${path}.template`, TEMPLATE_FILE);
  let templateText: string;
  try {
    templateText = readTemplate(template);
  } catch (error) {
    return r.fail(`${path}.template`, `cannot read templates/outputs/${template}: ${(error as Error).message}`);
  }
  return {
    name: r.string(o.name, `${path}.name`, NAME),
    title: r.string(o.title, `${path}.title`),
    format: r.oneOf(o.format, `${path}.format`, OUTPUT_FORMATS),
    template,
    templateText,
    secretField: o.secretField === null ? null : r.string(o.secretField, `${path}.secretField`),
  };
}

function readPermission(r: SchemaReader, value: unknown, path: string): PermissionRequest {
  const p = r.object(value, path, { required: ['resourceAppId', 'value', 'type'] });
  const resourceAppId = r.oneOf(p.resourceAppId, `${path}.resourceAppId`, [GRAPH_APP_ID, EXCHANGE_APP_ID]);
  const type = r.oneOf(p.type, `${path}.type`, ['Role', 'Scope'] as const);
  const known =
    resourceAppId === GRAPH_APP_ID ? (type === 'Role' ? GRAPH_ROLES : GRAPH_SCOPES) : type === 'Role' ? EXCHANGE_ROLES : EXCHANGE_SCOPES;
  const permission = r.oneOf(p.value, `${path}.value`, Object.keys(known));
  return { resourceAppId, value: permission, type };
}

function readLifetime(r: SchemaReader, value: unknown): string {
  const text = r.string(value, 'secretLifetime', LIFETIME);
  const [, amount, unit] = LIFETIME.exec(text) as RegExpExecArray;
  const days = unit === 'mo' ? Number(amount) * 30.5 : Number(amount);
  if (days > 24 * 30.5) r.fail('secretLifetime', `'${text}' is longer than the 24 months Entra allows`);
  return text;
}
