import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import type { Deps } from '../core/deps.ts';
import { UsageError } from '../core/errors.ts';
import { validateMailbox } from '../core/validate.ts';
import type { DeliveredMessage } from '../sandbox/state.ts';
import { trustCaFile } from './shared/connection.ts';
import type { CommandState } from './shared/command-state.ts';

interface MessagesArgs {
  dir?: string;
  to?: string;
  json?: boolean;
}

/**
 * `entra-mail sandbox messages --dir DIR`: what a running sandbox delivered, read from its
 * loopback endpoint (the sandbox's settings.json says where it listens and which CA to trust).
 */
export function sandboxMessagesCommand(deps: Deps, state: CommandState): CommandModule<object, MessagesArgs> {
  return {
    command: 'messages',
    describe: 'List the messages a running sandbox delivered',
    builder: (y) =>
      y
        .option('dir', { type: 'string', demandOption: true, describe: "The running sandbox's --dir" })
        .option('to', { type: 'string', describe: 'Only messages to this address' })
        .option('json', { type: 'boolean', default: false, describe: 'JSON on stdout' }) as never,
    handler: async (args) => {
      state.json = Boolean(args.json);
      const to = args.to !== undefined ? validateMailbox(args.to, '--to') : undefined;
      const settingsPath = join(args.dir as string, 'settings.json');
      let settings: { graphEndpoint: string; caFile: string };
      try {
        settings = JSON.parse(await readFile(settingsPath, 'utf8'));
      } catch {
        throw new UsageError(`--dir: no sandbox settings at ${settingsPath}; start one with entra-mail sandbox --dir ${args.dir}.`, {
          flag: '--dir',
        });
      }
      await trustCaFile(settings.caFile);
      const url = new URL('/_sandbox/messages', settings.graphEndpoint);
      if (to) url.searchParams.set('to', to);
      const response = await fetch(url).catch(() => {
        throw new UsageError(`--dir: the sandbox at ${settings.graphEndpoint} does not answer; is it still running?`, { flag: '--dir' });
      });
      const { value } = (await response.json()) as { value: DeliveredMessage[] };
      if (args.json) deps.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else if (value.length === 0) deps.stdout.write('No message delivered yet.\n');
      else
        for (const m of value)
          deps.stdout.write(`${m.receivedAt}  ${m.via.padEnd(5)} ${m.from} → ${m.to.join(', ')}  '${m.subject}'  (app ${m.appId})\n`);
    },
  };
}
