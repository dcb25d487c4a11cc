import type { ExchangeScriptInput } from '../../src/exchange/script.ts';

/**
 * The inputs of the golden scripts (test/exchange/golden/*.ps1): one per model plus the removal
 * scripts, with an apostrophe in a mailbox so the golden files show the OPATH double quoting.
 */
const base = {
  appId: '0b6f3b3e-8f5e-4c1a-9a51-7d2f1c0e4a10',
  servicePrincipalId: '5f0c2a9d-3b7e-4d61-8c2a-1e9f7b6d4c33',
  displayName: "Contoso Mailer (O'Neil Ltd.)",
  tenantId: '8d1b3c4e-5f60-4a7b-9c8d-0e1f2a3b4c5d',
  generatedBy: 'entra-mail 0.1.0',
  mailboxes: ['noreply@contoso.com', "o'neil@contoso.com"],
  enableSmtpAuth: true,
} as const;

export const GOLDEN_INPUTS: Record<string, ExchangeScriptInput> = {
  smtp: {
    ...base,
    mailboxes: [...base.mailboxes],
    model: 'smtp',
    sendAs: { identities: ['info@contoso.com'] },
    connect: { mode: 'device' },
  },
  'smtp-rbac': {
    ...base,
    mailboxes: [...base.mailboxes],
    model: 'smtp-rbac',
    connect: { mode: 'interactive', userPrincipalName: 'admin@contoso.onmicrosoft.com' },
  },
  'graph-rbac': {
    ...base,
    mailboxes: [...base.mailboxes],
    model: 'graph-rbac',
    enableSmtpAuth: false,
    connect: {
      mode: 'certificate',
      appId: '3c9e1f2a-4b5d-4e6f-8a7b-9c0d1e2f3a4b',
      certificatePath: '/etc/entra-mail/exo-admin.pfx',
      organization: 'contoso.onmicrosoft.com',
    },
  },
  'delegated-smtp': { ...base, mailboxes: ['noreply@contoso.com'], model: 'delegated-smtp', connect: { mode: 'interactive' } },
  'smtp-removal': {
    ...base,
    mailboxes: [...base.mailboxes],
    model: 'smtp',
    sendAs: { identities: ['info@contoso.com'] },
    connect: { mode: 'device' },
  },
  'smtp-rbac-removal': { ...base, mailboxes: [...base.mailboxes], model: 'smtp-rbac', connect: { mode: 'device' } },
};
