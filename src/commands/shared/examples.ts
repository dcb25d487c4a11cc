/**
 * Two or three examples per command, shown by `entra-mail <command> --help`. They name no tenant:
 * it comes from --tenant or AZURE_TENANT_ID. A test runs every one of them, verbatim, against the
 * sandbox tenant (test/commands/help-examples.test.ts).
 */
export const EXAMPLES: Record<string, [string, string][]> = {
  provision: [
    [
      '$0 provision --profile aevo --mailbox noreply@contoso.com --dry-run',
      'Show the plan and the Exchange script for AEVO; change nothing',
    ],
    [
      '$0 provision --model smtp --name "Scanner relay" --mailbox noreply@contoso.com --format env --exchange run --yes',
      'A scanner that sends over SMTP as one mailbox; runs the Exchange step with pwsh; config in ./scanner-relay.env',
    ],
    [
      '$0 provision --model graph-rbac --name "HR mailer" --mailbox hr@contoso.com --yes --json',
      'Graph sendMail scoped by Exchange RBAC; the result as one JSON document',
    ],
  ],
  verify: [
    ['$0 verify --secret-file ./scanner-relay.env', 'Token, claims and a real test message; app, tenant and mailbox from the config file'],
    ['$0 verify --secret-file ./scanner-relay.env --no-send --json', 'Token and claims only, as JSON'],
  ],
  rotate: [
    [
      '$0 rotate --app scanner-relay --out ./scanner-relay.rotated.json --yes',
      'A new secret for one app; the old one is removed once the new one works',
    ],
    ['$0 rotate --all --expiring-within 30d --out ./{uniqueName}.rotated.json --yes', 'Every app whose secret ends within 30 days'],
    ['$0 rotate -f entra-mail.yaml --yes', 'Every app of the fleet file that is due, in every tenant, to the sinks the file names'],
  ],
  status: [
    ['$0 status', 'Every app entra-mail manages, its consent and secret expiry; exit 10 when one is expired or ends within 30 days'],
    ['$0 status --expiring-within 60d --output table', 'As a table, with a wider window'],
    ['$0 status -f entra-mail.yaml', 'Expiry of every app in every tenant of the fleet file; exit 10 when one is due'],
  ],
  plan: [
    ['$0 plan -f entra-mail.yaml', 'Read every tenant of the fleet file; show per tenant and app what apply would change'],
    ['$0 plan -f entra-mail.yaml --output json > drift.json', 'The drift report as one JSON document'],
  ],
  apply: [
    ['$0 apply -f entra-mail.yaml --yes', 'Bring every tenant of the file to what it says, 8 tenants at a time'],
    ['$0 apply -f entra-mail.yaml --shard 1/4 --concurrency 16 --yes', 'Only the first of four shards (one machine of a job matrix)'],
  ],
  'exchange-script': [
    ['$0 exchange-script --app scanner-relay --mailbox noreply@contoso.com', 'Write the Exchange Online script for an existing app'],
    ['$0 exchange-script --app scanner-relay --mailbox noreply@contoso.com --removal', 'Write the script that takes it away again'],
  ],
  deprovision: [
    ['$0 deprovision --app scanner-relay --dry-run', 'Show what would be removed'],
    ['$0 deprovision --app scanner-relay --yes', 'Remove the app and its service principal; write the Exchange removal script'],
  ],
  profiles: [
    ['$0 profiles', 'The built-in product profiles'],
    ['$0 profiles --json', 'The same as JSON'],
  ],
  sandbox: [
    ['$0 sandbox --dir ./sandbox', 'Start a local tenant on 127.0.0.1 and print how to use it'],
    ['$0 sandbox --latency-ms 500 --replication-ms 3000', 'A slower, eventually consistent tenant'],
  ],
  login: [
    ['$0 login', 'Sign in once with a device code; the next commands in a terminal do not ask again'],
    ['$0 login --json', 'The same, and who signed in as JSON'],
  ],
  logout: [
    ['$0 logout', 'Forget the remembered sign-ins'],
    ['$0 logout --json', 'The same, with a JSON answer'],
  ],
  whoami: [
    ['$0 whoami', 'The tenant and account (or app) of this sign-in, and what provision can do with it'],
    ['$0 whoami --json', 'The same as JSON'],
  ],
  doctor: [
    ['$0 doctor', 'Check Node.js, PowerShell and its Exchange module, the network path, the sign-in and its roles'],
    ['$0 doctor --json', 'The same as JSON, for a runbook to read'],
  ],
  demo: [
    ['$0 demo', 'provision, Exchange and verify against an in-process sandbox'],
    ['$0 demo --model graph-rbac', 'The same for another model'],
  ],
};
