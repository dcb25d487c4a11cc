import { EXCHANGE_APP_ID, GRAPH_APP_ID } from './well-known.ts';

/** Authorization models (README.md#authorization-models---model). */
export const MODEL_NAMES = ['graph', 'graph-rbac', 'smtp', 'smtp-rbac', 'delegated-smtp'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface PermissionRequest {
  resourceAppId: string;
  /** Permission value, resolved to an id on the tenant's resource service principal. */
  value: string;
  type: 'Role' | 'Scope';
}

export interface ModelDefinition {
  name: ModelName;
  summary: string;
  /** Entra permissions requested in requiredResourceAccess and consented. */
  permissions: PermissionRequest[];
  /** How the test message travels. */
  transport: 'smtp' | 'graph';
  /** Which resource the app's token is for (verify). */
  tokenResource: 'exchange' | 'graph' | 'user';
  /** Roles the app token must carry; empty for the RBAC models (their grants live in Exchange). */
  expectedRoles: string[];
  /** Exchange objects the model needs. */
  exchange: {
    servicePrincipal: boolean;
    fullAccess: boolean;
    rbacRole?: 'Application SMTP.SendAsApp' | 'Application Mail.Send';
    smtpAuth: boolean;
  };
}

export const MODELS: Record<ModelName, ModelDefinition> = {
  graph: {
    name: 'graph',
    summary: 'Graph application Mail.Send (tenant-wide unless scoped), sendMail over HTTPS',
    permissions: [{ resourceAppId: GRAPH_APP_ID, value: 'Mail.Send', type: 'Role' }],
    transport: 'graph',
    tokenResource: 'graph',
    expectedRoles: ['Mail.Send'],
    exchange: { servicePrincipal: false, fullAccess: false, smtpAuth: false },
  },
  'graph-rbac': {
    name: 'graph-rbac',
    summary: "Exchange RBAC 'Application Mail.Send' scoped to the mailboxes; no Entra permission",
    permissions: [],
    transport: 'graph',
    tokenResource: 'graph',
    expectedRoles: [],
    exchange: { servicePrincipal: true, fullAccess: false, rbacRole: 'Application Mail.Send', smtpAuth: false },
  },
  smtp: {
    name: 'smtp',
    summary: 'Exchange Online SMTP.SendAsApp + FullAccess on the mailbox, SMTP XOAUTH2 on 587',
    permissions: [{ resourceAppId: EXCHANGE_APP_ID, value: 'SMTP.SendAsApp', type: 'Role' }],
    transport: 'smtp',
    tokenResource: 'exchange',
    expectedRoles: ['SMTP.SendAsApp'],
    exchange: { servicePrincipal: true, fullAccess: true, smtpAuth: true },
  },
  'smtp-rbac': {
    name: 'smtp-rbac',
    summary: "Exchange RBAC 'Application SMTP.SendAsApp' scoped to the mailboxes; no Entra permission",
    permissions: [],
    transport: 'smtp',
    tokenResource: 'exchange',
    expectedRoles: [],
    exchange: { servicePrincipal: true, fullAccess: false, rbacRole: 'Application SMTP.SendAsApp', smtpAuth: true },
  },
  'delegated-smtp': {
    name: 'delegated-smtp',
    summary: 'Graph delegated SMTP.Send (+ offline_access) for a signed-in mailbox user',
    permissions: [
      { resourceAppId: GRAPH_APP_ID, value: 'SMTP.Send', type: 'Scope' },
      { resourceAppId: GRAPH_APP_ID, value: 'offline_access', type: 'Scope' },
    ],
    transport: 'smtp',
    tokenResource: 'user',
    expectedRoles: [],
    exchange: { servicePrincipal: false, fullAccess: false, smtpAuth: true },
  },
};

export function isModelName(value: string): value is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(value);
}
