import { UsageError } from '../core/errors.ts';
import { MODELS, type ModelName, type PermissionRequest } from '../core/models.ts';
import { renderTemplate } from '../core/template.ts';
import type { Profile } from './profile.ts';

/**
 * The redirect URIs provision should set: the profile's (with `{{siteUrl}}` filled in) plus any
 * `--redirect-uri`, which go to the profile's platform (web unless it only has public-client ones).
 */
export function resolveRedirectUris(
  profile: Profile,
  options: { siteUrl?: string; extra?: string[] } = {},
): { web: string[]; publicClient: string[] } {
  const siteUrl = profile.requires.siteUrl ? checkSiteUrl(options.siteUrl) : undefined;
  const fill = (uri: string): string => (uri.includes('{{siteUrl}}') ? renderTemplate(uri, { siteUrl: siteUrl as string }) : uri);
  const web = profile.redirectUris.web.map(fill);
  const publicClient = profile.redirectUris.publicClient.map(fill);
  const extraGoesToPublic = web.length === 0 && publicClient.length > 0;
  for (const uri of options.extra ?? []) {
    const list = extraGoesToPublic ? publicClient : web;
    if (!list.includes(uri)) list.push(uri);
  }
  return { web, publicClient };
}

/**
 * The model's permissions plus the profile's extras. With an RBAC model (`--model` override) the
 * Entra SMTP.SendAsApp is dropped: its presence in the token switches on the FullAccess check
 * (docs/sending-models.md#smtp-with-rbac-for-applications-smtp-rbac).
 */
export function resolvePermissions(profile: Profile, modelName: ModelName = profile.model): PermissionRequest[] {
  const model = MODELS[modelName];
  const result = [...model.permissions];
  for (const extra of profile.permissions) {
    if (model.exchange.rbacRole && extra.value === 'SMTP.SendAsApp') continue;
    if (!result.some((p) => p.resourceAppId === extra.resourceAppId && p.value === extra.value && p.type === extra.type))
      result.push(extra);
  }
  return result;
}

/** `--site-url` must be an absolute https URL without query or fragment (DNN requires SSL). */
function checkSiteUrl(siteUrl: string | undefined): string {
  if (siteUrl === undefined || siteUrl === '')
    throw new UsageError('this profile needs --site-url (the site root, https://…)', { flag: '--site-url' });
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch {
    throw new UsageError(`--site-url '${siteUrl}' is not a URL`, { flag: '--site-url' });
  }
  if (url.protocol !== 'https:' || url.search || url.hash || url.username) {
    throw new UsageError(`--site-url '${siteUrl}' must be an https URL without query, fragment or credentials`, { flag: '--site-url' });
  }
  return url.href.replace(/\/+$/, '');
}
