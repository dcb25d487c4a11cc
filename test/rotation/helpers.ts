import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../src/core/clock.ts';
import { runCli, startTestTenant, type CliRun } from '../helpers/cli.ts';
import type { SandboxOptions } from '../../src/sandbox/index.ts';
import type { SandboxApplication } from '../../src/sandbox/state.ts';

export type TestTenant = Awaited<ReturnType<typeof startTestTenant>>;

/** A tenant plus a CLI runner whose run ids never repeat (markers must differ across runs). */
export async function startLifecycleTenant(options: SandboxOptions = {}) {
  const tenant = await startTestTenant(options);
  const outputs: (CliRun & { argv: string[] })[] = [];
  const cli = async (argv: string[], extra: { clock?: Clock; stdin?: string } = {}): Promise<CliRun> => {
    const result = await runCli([...argv, ...tenant.common], {
      env: tenant.env,
      cwd: tenant.dir,
      newId: () => randomUUID().slice(0, 8),
      ...extra,
    });
    outputs.push({ ...result, argv });
    return result;
  };
  const provision = async (uniqueName: string, model = 'graph') => {
    const result = await cli([
      'provision',
      '--model',
      model,
      '--mailbox',
      'noreply@contoso.com',
      '--exchange',
      'skip',
      '--unique-name',
      uniqueName,
      '--out',
      `${uniqueName}.provisioned`,
    ]);
    if (result.code !== 0) throw new Error(`provision failed: ${result.stderr}`);
    return app(uniqueName);
  };
  const app = (uniqueName: string): SandboxApplication => {
    const found = tenant.sandbox.ctx.state.applications.find((a) => a.uniqueName === uniqueName);
    if (!found) throw new Error(`no app ${uniqueName}`);
    return found;
  };
  return { ...tenant, cli, provision, app, outputs };
}

export async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

/** Every form a leaked secret could take in output (docs/reliability.md#secret-canary). */
export function encodings(value: string): string[] {
  return [
    value,
    Buffer.from(value).toString('base64'),
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
    Buffer.from(value, 'utf16le').toString('latin1'),
  ];
}
