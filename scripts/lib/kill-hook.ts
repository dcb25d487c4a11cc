import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The `--on-rotate` command the kill campaign delivers to: a small deployment hook that stores
 * the config it is given (`<store>`, written through a temp file and a rename) and puts the
 * previous one back on a `rollback` event, as a real consumer's hook would.
 *
 *   node kill-hook.ts <store>
 *
 * It takes one order from `<store>.order` (and deletes it, so the re-run is undisturbed): `kill-before`
 * (SIGKILL the CLI and stop without storing), `kill-after` (after storing), `block` (store, write
 * `<store>.blocked`, then wait until the campaign kills the whole process group), or `fail` (refuse
 * the new config: exit 1 without storing it, so the CLI rolls back). The order travels
 * in a file because the tool hands the hook a minimal environment, and an argv change would make it
 * a different sink.
 */
const store = process.argv[2];
if (!store) process.exit(64);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const payload = Buffer.concat(chunks).toString('utf8');
const document = JSON.parse(payload) as { event: string; clientSecret?: string; keyId?: string; failedKeyId?: string };

let order = '';
try {
  order = readFileSync(`${store}.order`, 'utf8').trim();
  rmSync(`${store}.order`, { force: true });
} catch {
  // No order: behave.
}
const killParent = () => process.kill(process.ppid, 'SIGKILL');

const write = (path: string, text: string) => {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode: 0o600 });
  renameSync(temp, path);
};

if (order === 'fail' && document.event === 'rotated') process.exit(1);
if (order === 'kill-before') {
  // The hook dies with its parent before storing anything.
  killParent();
  process.exit(137);
}
if (document.event === 'rotated') {
  let previous: string | undefined;
  try {
    previous = readFileSync(store, 'utf8');
  } catch {
    previous = undefined;
  }
  if (previous !== undefined) write(`${store}.previous`, previous);
  write(store, payload);
} else if (document.event === 'rollback') {
  // Go back only if this hook took the failed config; otherwise it still holds the previous one.
  let holds: string | undefined;
  try {
    holds = (JSON.parse(readFileSync(store, 'utf8')) as { keyId?: string }).keyId;
  } catch {
    holds = undefined;
  }
  if (holds === document.failedKeyId) {
    try {
      write(store, readFileSync(`${store}.previous`, 'utf8'));
    } catch {
      rmSync(store, { force: true });
    }
  }
}
if (order === 'kill-after') killParent();
if (order === 'block') {
  writeFileSync(`${store}.blocked`, '');
  await new Promise((resolve) => setTimeout(resolve, 120_000));
}
