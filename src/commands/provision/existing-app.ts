import { UsageError } from '../../core/errors.ts';
import { recordedExchangeGrants } from '../../core/tags.ts';
import { deriveUniqueName, validateGuid, validateUniqueName } from '../../core/validate.ts';
import type { GraphGateway } from '../../graph/gateway.ts';
import { isManagedApplication } from '../../provision/application.ts';
import { findSelectedApplication, modelOf, parseAppSelector, profileOf } from '../shared/app-selector.ts';
import type { ProvisionArgs } from './options.ts';
import type { Application } from '../../graph/types.ts';

/**
 * `provision --app <client id or unique name>`: converge an app entra-mail already manages without
 * retyping how it was made. Its unique name, display name, model, profile and mailboxes default to
 * what is recorded on it (tags, src/core/tags.ts); flags given still win. This is what the fix
 * commands `verify` prints use, so they need only what verify knows: the tenant and the client id.
 */
export function checkAppArgs(args: ProvisionArgs): void {
  if (args.adopt !== undefined) {
    validateGuid(args.adopt, '--adopt');
    if (args.app !== undefined)
      throw new UsageError('--adopt takes over an app; --app converges one entra-mail made: give one.', { flag: '--adopt' });
    if (args.restoreDeleted)
      throw new UsageError('--adopt takes over a live app; --restore-deleted brings back a deleted one: give one.', { flag: '--adopt' });
    return;
  }
  if (args.app === undefined) return;
  parseAppSelector({ app: args.app });
  if (args.uniqueName !== undefined) throw new UsageError('Name the app one way: --app or --unique-name.', { flag: '--app' });
}

/** The arguments with the app's recorded values filled in where no flag was given. */
export async function argsForExistingApp(graph: GraphGateway, args: ProvisionArgs): Promise<ProvisionArgs> {
  if (args.adopt !== undefined) return argsForAdoptedApp(graph, args, args.adopt);
  if (args.app === undefined) return args;
  const app = await findSelectedApplication(graph, parseAppSelector({ app: args.app }), 'read');
  return argsForManagedApp(app, args, '--app');
}

function argsForManagedApp(app: Application, args: ProvisionArgs, flag: string): ProvisionArgs {
  if (!isManagedApplication(app) || app.uniqueName === null) {
    throw new UsageError(`App ${app.appId} ('${app.displayName}') was not created by entra-mail, so --app cannot converge it.`, {
      flag,
    });
  }
  const recorded = recordedExchangeGrants(app.tags);
  return {
    ...args,
    uniqueName: app.uniqueName,
    adopt: undefined,
    name: args.name ?? app.displayName,
    model: args.model ?? modelOf(app, undefined),
    profile: args.profile ?? profileOf(app),
    mailbox: args.mailbox !== undefined && args.mailbox.length > 0 ? args.mailbox : recorded.mailboxes,
    sendAs: args.sendAs !== undefined && args.sendAs.length > 0 ? args.sendAs : recorded.sendAs,
  };
}

/**
 * `provision --adopt <client id>` (docs/adopt.md): an app made by hand from a vendor guide. Its
 * display name stays unless --name is given; its unique name is the one it has (immutable once
 * set), else --unique-name, else one derived from its name. Model, profile and mailboxes come
 * from the flags as for a new app. Adopting an app entra-mail already manages is `--app`.
 */
async function argsForAdoptedApp(graph: GraphGateway, args: ProvisionArgs, appId: string): Promise<ProvisionArgs> {
  const app = await findSelectedApplication(graph, { kind: 'appId', value: appId }, 'read');
  const asked = args.uniqueName !== undefined ? validateUniqueName(args.uniqueName) : undefined;
  if (app.uniqueName !== null && asked !== undefined && asked.toLowerCase() !== app.uniqueName.toLowerCase()) {
    throw new UsageError(
      `App ${app.appId} already has the unique name '${app.uniqueName}', which cannot be changed; drop --unique-name or pass that one.`,
      { flag: '--unique-name' },
    );
  }
  if (isManagedApplication(app) && app.uniqueName !== null) return argsForManagedApp(app, { ...args, adopt: undefined }, '--adopt');
  return {
    ...args,
    name: args.name ?? app.displayName,
    uniqueName: app.uniqueName ?? asked ?? deriveUniqueName(app.displayName),
  };
}
