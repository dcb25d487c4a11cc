import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { validateWorkflow } from '@action-validator/core';
import { parseAllDocuments, parse } from 'yaml';
import { runCli, startTestTenant } from '../helpers/cli.ts';
import { writeCliOnPath } from '../helpers/terminal.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFile(new URL(path, root), 'utf8');

type Tenant = Awaited<ReturnType<typeof startTestTenant>>;

interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<
    string,
    {
      env?: Record<string, string>;
      strategy: { matrix: { shard: number[] } };
      steps: { run?: string; uses?: string; with?: Record<string, string> }[];
    }
  >;
}

/**
 * The fleet examples run as shipped: the GitHub Actions workflow validates against GitHub's published
 * workflow schema and its entra-mail steps run verbatim for every shard of its matrix; the Kubernetes
 * CronJob has the fields an Indexed Job needs and its command runs verbatim for every completion index.
 * Both against the sandbox, with a fleet file whose apps are due, signing in with workload identity
 * federation (the sandbox's federated token file, no admin secret in the environment), delivering to
 * the sandbox's Key Vault.
 */
describe('examples/: the fleet on a job runner', () => {
  let t: Tenant;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const apps = ['fleet-relay', 'fleet-notices'];
  before(async () => {
    t = await startTestTenant();
    work = join(t.dir, 'repo');
    const binDir = join(t.dir, 'bin');
    await mkdir(work);
    await mkdir(binDir);
    // `entra-mail` on PATH, as `npm install -g` puts the package's there.
    await writeCliOnPath(binDir);
    // No admin secret anywhere: the admin app signs in with the sandbox's federated token file, as
    // the workflow's OIDC step and the Kubernetes webhook provide one.
    const { AZURE_CLIENT_SECRET: _none, ...noSecret } = t.env;
    env = {
      ...noSecret,
      AZURE_FEDERATED_TOKEN_FILE: t.sandbox.settings.workloadIdentity.tokenFile,
      PATH: `${binDir}:${process.env.PATH ?? ''}`,
      NODE_EXTRA_CA_CERTS: t.sandbox.settings.caFile,
    };
    await writeFile(
      join(work, 'entra-mail.yaml'),
      [
        '# yaml-language-server: $schema=../schemas/entra-mail.schema.json',
        'version: 1',
        'defaults:',
        `  auth: { kind: workload-identity, clientId: ${t.sandbox.settings.adminClientId} }`,
        `  app: { model: graph, secretLifetime: 30d, rotation: { expiringWithin: 60d }, sinks: { keyVault: "${t.sandbox.settings.keyVaultUrl}" } }`,
        'tenants:',
        `  - tenant: ${t.sandbox.settings.tenantId}`,
        '    apps:',
        ...apps.map((a) => `      - { uniqueName: ${a}, name: ${a}, mailboxes: [noreply@contoso.com] }`),
        '',
      ].join('\n'),
    );
    const apply = await runCli(['apply', '-f', 'entra-mail.yaml', '--ca-file', t.sandbox.settings.caFile], { env, cwd: work });
    assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  });
  after(() => t.close());

  const vaultKeyIds = (name: string) =>
    (t.sandbox.snapshot().keyVault.secrets.find((s) => s.name === name)?.versions ?? []).map((v) => v.tags?.['keyId']);

  it('the GitHub Actions workflow validates against the published workflow schema (a broken copy does not)', async () => {
    const text = await read('examples/github-actions-fleet.yml');
    assert.deepEqual(validateWorkflow(text).errors, []);
    assert.notDeepEqual(validateWorkflow(text.replace('runs-on:', 'runs_on:')).errors, []);
    const workflow = parse(text) as Workflow;
    assert.equal(workflow.permissions['id-token'], 'write', 'the OIDC token needs id-token: write');
  });

  it("runs the workflow's entra-mail steps verbatim for each shard of its matrix: every due app rotates into Key Vault once", async () => {
    const workflow = parse(await read('examples/github-actions-fleet.yml')) as Workflow;
    const job = workflow.jobs['rotate'];
    assert.ok(job);
    const steps = job.steps.map((s) => s.run).filter((r): r is string => r?.startsWith('entra-mail ') === true);
    assert.equal(steps.length, 2);
    const before = Object.fromEntries(apps.map((a) => [a, vaultKeyIds(a).length]));
    for (const shard of job.strategy.matrix.shard) {
      for (const step of steps) {
        // GitHub's own expression syntax, as the runner substitutes it.
        const line = step.replaceAll(['$', '{{ matrix.shard }}'].join(''), String(shard));
        // The job's own env too: its state directory is the one the cache steps carry between runs.
        await run('bash', ['-e', '-o', 'pipefail', '-c', line], { env: { ...env, ...job.env }, cwd: work });
      }
    }
    const cached = job.steps.filter((s) => s.uses?.startsWith('actions/cache/')).map((s) => s.with?.path);
    assert.deepEqual(cached, [job.env?.ENTRA_MAIL_STATE_DIR, job.env?.ENTRA_MAIL_STATE_DIR], 'restored before and saved after');
    const journals = await readdir(join(work, String(job.env?.ENTRA_MAIL_STATE_DIR), t.sandbox.settings.tenantId));
    assert.ok(journals.length > 0, 'the rotations left their record where the cache saves it');
    for (const a of apps) assert.equal(vaultKeyIds(a).length, (before[a] ?? 0) + 1, `${a}: one new version from exactly one shard`);
  });

  it('the Kubernetes CronJob is an Indexed Job whose command runs verbatim for every completion index', async () => {
    const docs = parseAllDocuments(await read('examples/kubernetes-cronjob.yaml')).map((d) => d.toJS());
    const cron = docs.find((d) => d.kind === 'CronJob');
    assert.equal(cron.apiVersion, 'batch/v1');
    assert.ok(cron.metadata.name && cron.spec.schedule);
    const job = cron.spec.jobTemplate.spec;
    assert.equal(job.completionMode, 'Indexed');
    const pod = job.template.spec;
    assert.ok(['Never', 'OnFailure'].includes(pod.restartPolicy));
    const [container] = pod.containers;
    assert.ok(container.name && container.image);
    const account = docs.find((d) => d.kind === 'ServiceAccount' && d.metadata.name === pod.serviceAccountName);
    assert.ok(account, 'the service account the pods use is in the manifest');
    for (const volume of pod.volumes)
      if (volume.persistentVolumeClaim) {
        assert.ok(docs.some((d) => d.kind === 'PersistentVolumeClaim' && d.metadata.name === volume.persistentVolumeClaim.claimName));
      }
    const [shell, flag] = container.command;
    const [line] = container.args;
    assert.deepEqual([shell, flag], ['/bin/sh', '-c']);
    const shards = Number(/\/(\d+)"/.exec(line)?.[1]);
    assert.equal(job.completions, shards, 'one completion index per shard');
    const before = Object.fromEntries(apps.map((a) => [a, vaultKeyIds(a).length]));
    for (let index = 0; index < job.completions; index++) {
      await run('/bin/sh', ['-c', line], { env: { ...env, JOB_COMPLETION_INDEX: String(index) }, cwd: work });
    }
    for (const a of apps) assert.equal(vaultKeyIds(a).length, (before[a] ?? 0) + 1, a);
  });
});
