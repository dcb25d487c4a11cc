/**
 * National clouds: authority, Graph, Exchange resource and SMTP host from one table
 * (docs/national-clouds.md, docs/smtp-oauth.md#endpoint). DoD and China SMTP hosts are
 * thin in the sources, so every value can be overridden with a flag.
 */
export const CLOUD_NAMES = ['global', 'usgov-high', 'usgov-dod', 'china'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  name: CloudName;
  /** Login host, e.g. https://login.microsoftonline.com (no tenant, no trailing slash). */
  authorityHost: string;
  /** Graph origin without version, e.g. https://graph.microsoft.com. */
  graphEndpoint: string;
  /** Exchange Online resource; the app token scope is `${exchangeResource}/.default`. */
  exchangeResource: string;
  /** SMTP client submission host:port (STARTTLS). */
  smtpHost: string;
  /** Connect-ExchangeOnline -ExchangeEnvironmentName. */
  exchangeEnvironmentName: string;
}

export const CLOUDS: Record<CloudName, CloudEndpoints> = {
  global: {
    name: 'global',
    authorityHost: 'https://login.microsoftonline.com',
    graphEndpoint: 'https://graph.microsoft.com',
    exchangeResource: 'https://outlook.office365.com',
    smtpHost: 'smtp.office365.com:587',
    exchangeEnvironmentName: 'O365Default',
  },
  'usgov-high': {
    name: 'usgov-high',
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://graph.microsoft.us',
    exchangeResource: 'https://outlook.office365.us',
    smtpHost: 'smtp.office365.us:587',
    exchangeEnvironmentName: 'O365USGovGCCHigh',
  },
  'usgov-dod': {
    name: 'usgov-dod',
    authorityHost: 'https://login.microsoftonline.us',
    graphEndpoint: 'https://dod-graph.microsoft.us',
    exchangeResource: 'https://outlook-dod.office365.us',
    smtpHost: 'outlook-dod.office365.us:587',
    exchangeEnvironmentName: 'O365USGovDoD',
  },
  china: {
    name: 'china',
    authorityHost: 'https://login.partner.microsoftonline.cn',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn',
    exchangeResource: 'https://partner.outlook.cn',
    smtpHost: 'smtp.partner.outlook.cn:587',
    exchangeEnvironmentName: 'O365China',
  },
};

/** Hosts whose login metadata MSAL knows; any other authority needs disableInstanceDiscovery. */
export function isMicrosoftAuthorityHost(url: string): boolean {
  const host = new URL(url).hostname;
  return Object.values(CLOUDS).some((c) => new URL(c.authorityHost).hostname === host) || host === 'login.chinacloudapi.cn';
}

/** The endpoints in force: the cloud's table row with any overrides applied. */
export function resolveEndpoints(
  cloud: CloudName,
  overrides: { authorityHost?: string; graphEndpoint?: string; smtpHost?: string; exchangeResource?: string } = {},
): CloudEndpoints {
  const base = CLOUDS[cloud];
  return {
    ...base,
    authorityHost: stripTrailingSlash(overrides.authorityHost ?? base.authorityHost),
    graphEndpoint: stripTrailingSlash(overrides.graphEndpoint ?? base.graphEndpoint),
    smtpHost: overrides.smtpHost ?? base.smtpHost,
    exchangeResource: stripTrailingSlash(overrides.exchangeResource ?? base.exchangeResource),
  };
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
