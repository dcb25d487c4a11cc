import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelName } from '../../src/core/models.ts';
import type { TenantState } from '../../src/sandbox/state.ts';
import { runCli, startTestTenant } from '../helpers/cli.ts';

/**
 * `--exchange api` (experimental) against `--exchange run` (the generated script through the pwsh
 * stand-in): for every model with an Exchange step, two fresh sandboxes end in the same Exchange
 * state, and a second run of each reports `none` for every object. The stand-in runs the script's
 * own checks, so a difference in what the API path reads or writes shows here.
 */

const MODELS_WITH_EXCHANGE: ModelName[] = ['graph-rbac', 'smtp', 'smtp-rbac', 'delegated-smtp'];

interface Provisioned {
  appId: string;
  servicePrincipalId: string;
  changes: { object: string; action: string }[];
}

async function provisionWith(mode: 'api' | 'run', model: ModelName, t: Awaited<ReturnType<typeof startTestTenant>>, extra: string[] = []) {
  const argv = [
    'provision',
    ...t.common,
    '--json',
    '--yes',
    '--model',
    model,
    '--name',
    `Mailer ${model}`,
    '--mailbox',
    'noreply@contoso.com',
  ];
  if (model === 'smtp') argv.push('--send-as', 'hr@contoso.com');
  argv.push('--exchange', mode, ...(mode === 'run' ? ['--pwsh', t.sandbox.settings.pwshPath] : []), ...extra);
  const result = await runCli(argv, { env: t.env, cwd: t.dir });
  assert.equal(result.code, 0, `provision --exchange ${mode} (${model}) failed: ${result.stderr}`);
  const json = JSON.parse(result.stdout) as {
    application: { appId: string };
    servicePrincipal: { id: string };
    exchange: { changes?: { object: string; action: string }[] };
  };
  return { appId: json.application.appId, servicePrincipalId: json.servicePrincipal.id, changes: json.exchange.changes ?? [] };
}

/** The tenant's Exchange objects with this app's ids replaced, so two tenants compare. */
function exchangeState(state: TenantState, app: Provisioned): unknown {
  const name = (value: string) =>
    value.replaceAll(app.appId.toLowerCase(), '<appId>').replaceAll(app.appId, '<appId>').replaceAll(app.servicePrincipalId, '<spId>');
  const x = state.exchange;
  return {
    servicePrincipals: x.servicePrincipals.map((s) => ({ identity: name(s.identity), appId: name(s.appId), displayName: s.displayName })),
    mailboxPermissions: x.mailboxPermissions.map((p) => ({ ...p, user: name(p.user) })),
    recipientPermissions: x.recipientPermissions.map((p) => ({ ...p, trustee: name(p.trustee) })),
    managementScopes: x.managementScopes.map((s) => JSON.parse(name(JSON.stringify(s)))),
    roleAssignments: x.roleAssignments.map(({ createdAt: _, ...r }) => JSON.parse(name(JSON.stringify(r)))),
    mailboxes: x.mailboxes.map((m) => ({ address: m.address, smtp: m.smtpClientAuthenticationDisabled })),
  };
}

function normalizeChanges(changes: { object: string; action: string }[], app: Provisioned) {
  return changes.map((c) => ({ ...c, object: c.object.replaceAll(app.appId.toLowerCase(), '<appId>').replaceAll(app.appId, '<appId>') }));
}

describe('--exchange api against --exchange run', () => {
  for (const model of MODELS_WITH_EXCHANGE) {
    it(`${model}: the same Exchange state and result, and a second run of each changes nothing`, async () => {
      const viaApi = await startTestTenant();
      const viaScript = await startTestTenant();
      try {
        const api = await provisionWith('api', model, viaApi);
        const script = await provisionWith('run', model, viaScript);
        assert.ok(
          api.changes.some((c) => c.action !== 'none'),
          'the first api run changed something',
        );
        assert.deepEqual(normalizeChanges(api.changes, api), normalizeChanges(script.changes, script));
        assert.deepEqual(exchangeState(viaApi.sandbox.snapshot(), api), exchangeState(viaScript.sandbox.snapshot(), script));

        const apiAgain = await provisionWith('api', model, viaApi);
        const scriptAgain = await provisionWith('run', model, viaScript);
        assert.deepEqual(
          apiAgain.changes.filter((c) => c.action !== 'none'),
          [],
        );
        assert.deepEqual(
          scriptAgain.changes.filter((c) => c.action !== 'none'),
          [],
        );
        assert.deepEqual(normalizeChanges(apiAgain.changes, apiAgain), normalizeChanges(scriptAgain.changes, scriptAgain));
      } finally {
        await Promise.all([viaApi.close(), viaScript.close()]);
      }
    });
  }
});
