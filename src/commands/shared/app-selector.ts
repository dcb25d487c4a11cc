import type { Argv } from 'yargs';
import { UsageError, ConflictError } from '../../core/errors.ts';
import { findApplicationByAppId, findApplicationByUniqueName } from '../../graph/applications.ts';
import type { GraphGateway } from '../../graph/gateway.ts';
import type { Application } from '../../graph/types.ts';
import { isModelName, type ModelName } from '../../core/models.ts';
import { isGuid, validateGuid, validateUniqueName } from '../../core/validate.ts';

export interface AppSelectorArgs {
  app?: string;
  appId?: string;
  uniqueName?: string;
}

export type AppSelector = { kind: 'appId'; value: string } | { kind: 'uniqueName'; value: string };

export function withAppSelector<T>(yargs: Argv<T>): Argv<T & AppSelectorArgs> {
  return yargs
    .option('app', { type: 'string', describe: 'The app: its app (client) id or its unique name (as rotate takes it)' })
    .option('app-id', { type: 'string', describe: 'The app (client) id' })
    .option('unique-name', { type: 'string', describe: "The app's unique name (the idempotency key provision used)" }) as Argv<
    T & AppSelectorArgs
  >;
}

/** Exactly one of --app-id / --unique-name, validated before any request. */
export function parseAppSelector(args: AppSelectorArgs): AppSelector {
  const given = [args.app, args.appId, args.uniqueName].filter((v) => v !== undefined).length;
  if (given > 1) throw new UsageError('Name the app one way: --app, --app-id or --unique-name.', { flag: '--app' });
  if (args.app !== undefined)
    return isGuid(String(args.app))
      ? { kind: 'appId', value: validateGuid(args.app, '--app') }
      : { kind: 'uniqueName', value: validateUniqueName(args.app, '--app') };
  if (args.appId !== undefined) return { kind: 'appId', value: validateGuid(args.appId, '--app-id') };
  if (args.uniqueName !== undefined) return { kind: 'uniqueName', value: validateUniqueName(args.uniqueName) };
  throw new UsageError('Name the app: --app <client id or unique name>.', { flag: '--app' });
}

export async function findSelectedApplication(graph: GraphGateway, selector: AppSelector, step: string): Promise<Application> {
  const app =
    selector.kind === 'appId'
      ? await findApplicationByAppId(graph, selector.value)
      : await findApplicationByUniqueName(graph, selector.value);
  if (!app) {
    throw new ConflictError(
      `No application with ${selector.kind === 'appId' ? 'app id' : 'unique name'} '${selector.value}' in this tenant.`,
      {
        step,
        object: `application '${selector.value}'`,
        suggestion: 'Check the tenant and the name; `entra-mail status` lists the apps entra-mail manages.',
      },
    );
  }
  return app;
}

/** The model provision recorded on the app (tag `entra-mail:model:<m>`), unless --model overrides it. */
export function modelOf(app: Application, override: string | undefined): ModelName {
  if (override !== undefined) {
    if (!isModelName(override)) throw new UsageError(`--model: '${override}' is not a model.`, { flag: '--model' });
    return override;
  }
  const tagged = app.tags.find((t) => t.startsWith('entra-mail:model:'))?.slice('entra-mail:model:'.length);
  if (tagged && isModelName(tagged)) return tagged;
  throw new UsageError(`App ${app.appId} carries no entra-mail model tag; pass --model.`, { flag: '--model' });
}

export function profileOf(app: Application): string | undefined {
  return app.tags.find((t) => t.startsWith('entra-mail:profile:'))?.slice('entra-mail:profile:'.length);
}
