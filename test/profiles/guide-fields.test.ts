import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { renderOutput } from '../../src/profiles/render.ts';
import { getProfile } from '../../src/profiles/get-profile.ts';
import { loadProfiles } from '../../src/profiles/load.ts';
import { CANARY, CLIENT_ID, factsFor, TENANT_ID } from './fixtures/facts.ts';

/**
 * Every field each vendor guide's form asks for, by the guide's own label, with the value the guide
 * says goes there. "(secret)" is the client secret; ids come from the fixture facts.
 */
const MAILBOX = 'mailer@contoso.onmicrosoft.com';
const GUIDE_FORMS: Record<string, { seed: string; fields: Record<string, string> }> = {
  signify: {
    seed: '000_31d35da3a387e496.txt',
    fields: {
      'Server Name': 'Microsoft 365',
      Port: '587',
      Timeout: '120',
      'Batch Size': 'Medium (Recommended)',
      'From Email': MAILBOX,
      'Client ID': CLIENT_ID,
      'Client Secret': '(secret)',
      'Tenant ID': TENANT_ID,
    },
  },
  aevo: {
    seed: '001_7c97cdadbda7f2d1.txt',
    // "SMTP User: ApplicationId", "SMTP Password: ClientSecret", "Name: the name that will appear as the sender".
    fields: {
      'Email address': MAILBOX,
      Name: 'Contoso Notifications',
      TenantId: TENANT_ID,
      'SMTP User': CLIENT_ID,
      'SMTP Password': '(secret)',
    },
  },
  enaio: {
    seed: '002_f6c4d3eb82b187c3.txt',
    fields: {
      MailSender: MAILBOX,
      MailServer: 'smtp.office365.com',
      SMTPSecurity: '2',
      SMTPPort: '587',
      SMTPAuthenticating: '3',
      SMTPUserName: MAILBOX,
      OfficeClientID: CLIENT_ID,
      OfficeClientSecret: '(secret)',
      OfficeTenantID: TENANT_ID,
      OfficeTokenEndpoint: `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`,
      OfficeAccessScopes: 'https://outlook.office365.com/.default',
      'featureSwitches.sendEmail.smtpServer': 'smtp.office365.com',
      'featureSwitches.sendEmail.smtpPort': '587',
      'featureSwitches.sendEmail.smtpEncryption': 'TLS',
      'featureSwitches.sendEmail.smtpAuthentication': 'MS_OAUTH',
      'featureSwitches.sendEmail.smtpUsername': MAILBOX,
      'featureSwitches.sendEmail.oAuthClientId': CLIENT_ID,
      'featureSwitches.sendEmail.oAuthClientSecret': '(secret)',
      'featureSwitches.sendEmail.oAuthTenantId': TENANT_ID,
    },
  },
  dnn: {
    seed: '003_629bf133290e7ae6.txt',
    // The guide spells the first label "SMTP Authentiaction"; DNN's own form says "SMTP Authentication".
    fields: {
      'SMTP Authentication': 'OAUTH',
      'Auth Provider': 'Exchange Online',
      'Tenant id': TENANT_ID,
      'Client id': CLIENT_ID,
      'Client Secret': '(secret)',
    },
  },
  truechem: {
    seed: '004_ad1ec670a64c63dc.txt',
    fields: {
      'Authentication Type': 'OAuth 2.0',
      'O365 Logon name': MAILBOX,
      'Client Secret': '(secret)',
      'Tenant ID': TENANT_ID,
      'Client ID': CLIENT_ID,
    },
  },
};

const profiles = loadProfiles();

for (const [name, guide] of Object.entries(GUIDE_FORMS)) {
  test(`${name}: the form has every field of seed ${guide.seed}, by its label, with the guide's value`, () => {
    const profile = getProfile(name, profiles);
    assert.equal(profile.vendorGuide?.file, guide.seed);
    for (const output of profile.outputs) {
      const { text, fields } = renderOutput(profile, output.name, factsFor(profile), { showSecret: true });
      for (const [label, expected] of Object.entries(guide.fields)) {
        assert.equal(fields[label], expected === '(secret)' ? CANARY : expected, `${name}: field '${label}'`);
      }
      // The printed text names each field the way the product's form does.
      const shown = output.format === 'yaml' ? flattenKeys(parse(text)) : text;
      const labelsHere = Object.keys(guide.fields).filter((l) => (output.name === 'webclient') === l.startsWith('featureSwitches.'));
      for (const label of labelsHere) assert.ok(shown.includes(label), `${name}/${output.name} does not show '${label}'`);
    }
  });
}

test('every product profile explains where it departs from its guide', () => {
  for (const name of Object.keys(GUIDE_FORMS)) assert.ok(getProfile(name, profiles).deviations.length > 0, name);
  // The specific mistakes the guides make (docs/sending-models.md, docs/diagnostics.md), each answered by a deviation.
  const says = (n: string): string =>
    getProfile(n, profiles)
      .deviations.map((d) => `${d.guideSays} ${d.weDo} ${d.why}`)
      .join('\n');
  assert.match(says('signify'), /587[\s\S]*Graph sendMail/);
  assert.match(says('aevo'), /-Organization/);
  assert.match(says('aevo'), /ObjectId[\s\S]*service principal/);
  assert.match(says('dnn'), /SID/);
  assert.match(says('dnn'), /-Organization/);
  assert.match(says('enaio'), /Send as[\s\S]*Add-RecipientPermission/i);
});

function flattenKeys(value: unknown, prefix = ''): string {
  if (typeof value !== 'object' || value === null) return '';
  return Object.entries(value)
    .map(([key, inner]) => `${prefix}${key}\n${flattenKeys(inner, `${prefix}${key}.`)}`)
    .join('');
}
