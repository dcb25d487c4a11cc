import { BLOCK_PLACEHOLDERS, isFactName, PROFILE_PLACEHOLDERS } from './facts.ts';
import { commentPrefix } from './escape.ts';
import { listPlaceholders, type TemplateError } from '../core/template.ts';
import { MODELS } from '../core/models.ts';
import type { Profile } from './profile.ts';
import type { ProfileFail } from './profile-error.ts';

/**
 * Cross-field rules of a profile, checked at load so that a shipped profile that could render
 * wrongly (or do the wrong thing in the tenant) fails a test instead of a customer's run.
 */
export function checkProfile(profile: Profile, r: { fail: ProfileFail }): void {
  const model = MODELS[profile.model];
  const placeholdersOf = (text: string, path: string): string[] => {
    try {
      return listPlaceholders(text, path);
    } catch (error) {
      return r.fail(path, (error as TemplateError).message);
    }
  };

  const usesSiteUrl = [...profile.redirectUris.web, ...profile.redirectUris.publicClient].some((u) => u.includes('{{siteUrl}}'));
  if (usesSiteUrl !== profile.requires.siteUrl) r.fail('requires.siteUrl', 'must be true exactly when a redirect URI uses {{siteUrl}}');
  // SMTP AUTH is off by default since 2020 (docs/smtp-oauth.md#endpoint): an SMTP model without it cannot send.
  if (model.exchange.smtpAuth && !profile.exchange.smtpAuth)
    r.fail('exchange.smtpAuth', `model '${model.name}' sends over SMTP and needs SMTP AUTH`);
  for (const [i, extra] of profile.permissions.entries()) {
    if (model.permissions.some((p) => p.resourceAppId === extra.resourceAppId && p.value === extra.value && p.type === extra.type)) {
      r.fail(`permissions[${i}]`, `${extra.value} is already part of model '${model.name}'`);
    }
    // Its presence in the token switches on the FullAccess check (docs/sending-models.md#smtp-with-rbac-for-applications-smtp-rbac, docs/diagnostics.md).
    if (model.exchange.rbacRole && extra.value === 'SMTP.SendAsApp')
      r.fail(`permissions[${i}]`, 'an RBAC model must not add SMTP.SendAsApp');
  }
  if (profile.vendorGuide === null && profile.deviations.length > 0)
    r.fail('deviations', 'a profile without a vendor guide has nothing to deviate from');

  const labels = new Set<string>();
  const fieldFacts = new Set<string>();
  for (const [i, field] of profile.fields.entries()) {
    if (labels.has(field.label)) r.fail(`fields[${i}].label`, `duplicate label '${field.label}'`);
    labels.add(field.label);
    for (const name of placeholdersOf(field.value, `fields[${i}].value`)) {
      if (!isFactName(name)) r.fail(`fields[${i}].value`, `unknown placeholder {{${name}}}`);
      fieldFacts.add(name);
    }
  }
  if (!fieldFacts.has('clientSecret')) r.fail('fields', 'no field carries {{clientSecret}}');

  for (const [i, step] of profile.nextSteps.entries()) {
    for (const name of placeholdersOf(step, `nextSteps[${i}]`)) {
      if (name === 'clientSecret') r.fail(`nextSteps[${i}]`, 'steps are shown on stderr and must never carry the secret');
      if (!isFactName(name) && name !== 'product') r.fail(`nextSteps[${i}]`, `unknown placeholder {{${name}}}`);
    }
  }

  const outputNames = new Set<string>();
  const shownFacts = new Set<string>();
  for (const [i, output] of profile.outputs.entries()) {
    const at = `outputs[${i}]`;
    if (outputNames.has(output.name)) r.fail(`${at}.name`, `duplicate output '${output.name}'`);
    outputNames.add(output.name);
    const used = placeholdersOf(output.templateText, `${at} (${output.template})`);
    for (const name of used) {
      const isBlock = (BLOCK_PLACEHOLDERS as readonly string[]).includes(name);
      if (!isFactName(name) && !isBlock && !(PROFILE_PLACEHOLDERS as readonly string[]).includes(name)) {
        r.fail(`${at}.template`, `${output.template} uses unknown placeholder {{${name}}}`);
      }
      if (isBlock && commentPrefix(output.format) === null)
        r.fail(`${at}.template`, `{{${name}}} needs comments, which ${output.format} has not`);
      shownFacts.add(name);
    }
    const holdsSecret = used.includes('clientSecret');
    if (holdsSecret !== (output.secretField !== null))
      r.fail(
        `${at}.secretField`,
        holdsSecret ? 'the template shows {{clientSecret}}: name its key' : 'must be null: the template shows no secret',
      );
    // The key must stand on the secret's own line, as a whole word: a reader of the file finds it there.
    const key = output.secretField === null ? null : new RegExp(`(^|[^\\w])${escapeRegExp(output.secretField)}($|[^\\w])`);
    const secretLines = output.templateText.split('\n').filter((line) => line.includes('{{clientSecret}}'));
    if (key && !secretLines.every((line) => key.test(line))) {
      r.fail(`${at}.secretField`, `'${output.secretField}' is not on the {{clientSecret}} line of ${output.template}`);
    }
  }
  if (profile.outputs.length === 0) r.fail('outputs', 'at least one output is needed');
  for (const name of fieldFacts) {
    if (!shownFacts.has(name)) r.fail('outputs', `no output shows {{${name}}}, which the form (fields) needs`);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
